// VC-JWT helpers built on `jose`.
import crypto from 'node:crypto';
import * as jose from 'jose';

const b64u = x => Buffer.from(x).toString('base64url');
export const epoch = iso => Math.floor(Date.parse(iso) / 1000);

function importPrivate(jwk) {
  // node KeyObjects are accepted by jose for every asymmetric alg used here.
  return crypto.createPrivateKey({key: jwk, format: 'jwk'});
}

export function importPublic(jwk) {
  return crypto.createPublicKey({key: jwk, format: 'jwk'});
}

export async function signJws({header, payload, privateJwk, secret}) {
  const key = secret ?? importPrivate(privateJwk);
  return new jose.CompactSign(Buffer.from(JSON.stringify(payload), 'utf8'))
    .setProtectedHeader(header)
    .sign(key);
}

// Unsecured JWS (alg "none"): header.payload. (empty signature)
export function unsecuredJws({header, payload}) {
  return `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}.`;
}

// Replace the payload segment, keeping header and signature.
export function swapPayload(jws, payload) {
  const [h, , s] = jws.split('.');
  return `${h}.${b64u(JSON.stringify(payload))}.${s}`;
}

export function decodePayload(jws) {
  return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString());
}

export function decodeHeader(jws) {
  return JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString());
}

// VC-JOSE-COSE (VC 2.0): the payload IS the credential; registered JWT
// claims are added and kept consistent with the credential.
export function vcJosePayload(credential) {
  const p = {...credential};
  p.iss = typeof credential.issuer === 'string' ?
    credential.issuer : credential.issuer.id;
  p.jti = credential.id;
  p.sub = credential.credentialSubject.id;
  p.iat = epoch(credential.validFrom);
  p.nbf = epoch(credential.validFrom);
  if(credential.validUntil) {
    p.exp = epoch(credential.validUntil);
  }
  return p;
}

// VC 1.1 JWT encoding (as used by Open Badges 3.0): credential in `vc`.
export function vc11JwtPayload(credential) {
  const p = {
    iss: typeof credential.issuer === 'string' ?
      credential.issuer : credential.issuer.id,
    jti: credential.id,
    sub: credential.credentialSubject.id,
    nbf: epoch(credential.issuanceDate),
    iat: epoch(credential.issuanceDate)
  };
  if(credential.expirationDate) {
    p.exp = epoch(credential.expirationDate);
  }
  p.vc = credential;
  return p;
}
