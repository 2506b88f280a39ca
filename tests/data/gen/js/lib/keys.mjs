// Deterministic key material for the corpus.
//
// Every key is derived from a fixed, human-readable seed label so that the
// corpus can be regenerated with the same keys (and therefore the same DIDs).
// These are TEST keys: their private halves are derivable from this file on
// purpose. Only public material is written to out/keys.json.
import crypto from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519VerificationKey2020} from
  '@digitalbazaar/ed25519-verification-key-2020';

const SEED_PREFIX = 'badge-wallet/tests/data/gen/js/v1/';

export function seedBytes(label, hash = 'sha256') {
  return new Uint8Array(
    crypto.createHash(hash).update(SEED_PREFIX + label).digest());
}

const b64u = buf => Buffer.from(buf).toString('base64url');

// --- Ed25519 --------------------------------------------------------------

export async function ed25519Multikey(label) {
  const kp = await Ed25519Multikey.generate({seed: seedBytes(label)});
  const did = `did:key:${kp.publicKeyMultibase}`;
  kp.id = `${did}#${kp.publicKeyMultibase}`;
  kp.controller = did;
  return {label, kind: 'Ed25519', keyPair: kp, did, vm: kp.id,
    jwk: ed25519Jwk(label)};
}

export async function ed25519Key2020(label) {
  const kp = await Ed25519VerificationKey2020.generate({seed: seedBytes(label)});
  const did = `did:key:${kp.publicKeyMultibase}`;
  kp.id = `${did}#${kp.publicKeyMultibase}`;
  kp.controller = did;
  return {label, kind: 'Ed25519-2020', keyPair: kp, did, vm: kp.id,
    jwk: ed25519Jwk(label)};
}

// The same seed as used by the multikey libraries -> JWK/KeyObject for jose.
export function ed25519Jwk(label) {
  const seed = Buffer.from(seedBytes(label));
  // PKCS#8 wrapper for an Ed25519 private key seed (RFC 8410).
  const pkcs8 = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const priv = crypto.createPrivateKey({key: pkcs8, format: 'der',
    type: 'pkcs8'});
  const jwk = priv.export({format: 'jwk'});
  return {privateJwk: jwk, publicJwk: {kty: jwk.kty, crv: jwk.crv, x: jwk.x}};
}

// Raw 32-byte Ed25519 public key.
export function ed25519RawPublic(label) {
  const {publicJwk} = ed25519Jwk(label);
  return Buffer.from(publicJwk.x, 'base64url');
}

// --- ECDSA (P-256 / P-384) -------------------------------------------------

const CURVES = {
  'P-256': {ecdh: 'prime256v1', hash: 'sha256', size: 32,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n},
  'P-384': {ecdh: 'secp384r1', hash: 'sha384', size: 48,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n}
};

function bigToBytes(x, size) {
  return Buffer.from(x.toString(16).padStart(size * 2, '0'), 'hex');
}

export function ecJwk(label, crv) {
  const c = CURVES[crv];
  const h = BigInt('0x' + Buffer.from(seedBytes(label, c.hash))
    .toString('hex'));
  const d = (h % (c.n - 1n)) + 1n;
  const dBytes = bigToBytes(d, c.size);
  const ecdh = crypto.createECDH(c.ecdh);
  ecdh.setPrivateKey(dBytes);
  const pub = ecdh.getPublicKey(null, 'uncompressed');
  const x = pub.subarray(1, 1 + c.size);
  const y = pub.subarray(1 + c.size);
  const publicJwk = {kty: 'EC', crv, x: b64u(x), y: b64u(y)};
  return {publicJwk, privateJwk: {...publicJwk, d: b64u(dBytes)}};
}

export async function ecdsaMultikey(label, crv) {
  const {publicJwk, privateJwk} = ecJwk(label, crv);
  // key_ops restricts the import to signing (not ECDH key agreement).
  const kp = await EcdsaMultikey.fromJwk({
    jwk: {...privateJwk, key_ops: ['sign']}, secretKey: true});
  const did = `did:key:${kp.publicKeyMultibase}`;
  kp.id = `${did}#${kp.publicKeyMultibase}`;
  kp.controller = did;
  return {label, kind: crv, keyPair: kp, did, vm: kp.id,
    jwk: {publicJwk, privateJwk}};
}

// --- RSA (deterministic, for RS256 / PS256 via did:jwk) --------------------

function drbg(label) {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return n => {
    while(pool.length < n) {
      const block = crypto.createHash('sha256')
        .update(SEED_PREFIX + label + '#' + (counter++)).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
}

function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  while(e > 0n) {
    if(e & 1n) {
      r = (r * b) % m;
    }
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

const SMALL_PRIMES = (() => {
  const ps = [];
  for(let i = 3; ps.length < 300; i += 2) {
    if(ps.every(p => i % p !== 0)) {
      ps.push(i);
    }
  }
  return ps.map(BigInt);
})();

function isProbablePrime(n) {
  for(const p of SMALL_PRIMES) {
    if(n % p === 0n) {
      return n === p;
    }
  }
  let d = n - 1n;
  let s = 0;
  while((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  // Fixed bases: deterministic; error probability is negligible for
  // random 1024-bit candidates.
  for(const a of SMALL_PRIMES.slice(0, 40)) {
    let x = modPow(a, d, n);
    if(x === 1n || x === n - 1n) {
      continue;
    }
    let composite = true;
    for(let r = 1; r < s; r++) {
      x = (x * x) % n;
      if(x === n - 1n) {
        composite = false;
        break;
      }
    }
    if(composite) {
      return false;
    }
  }
  return true;
}

function egcdInv(a, m) {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while(r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if(oldR !== 1n) {
    throw new Error('not invertible');
  }
  return ((oldS % m) + m) % m;
}

function genPrime(rand, bits, e) {
  for(;;) {
    const bytes = Buffer.from(rand(bits / 8));
    bytes[0] |= 0xc0; // top two bits set -> n has exactly 2*bits bits
    bytes[bytes.length - 1] |= 1;
    const p = BigInt('0x' + bytes.toString('hex'));
    if((p - 1n) % e === 0n) {
      continue;
    }
    if(isProbablePrime(p)) {
      return p;
    }
  }
}

export function rsaKey(label, bits = 2048) {
  const rand = drbg(label);
  const e = 65537n;
  const p = genPrime(rand, bits / 2, e);
  let q;
  do {
    q = genPrime(rand, bits / 2, e);
  } while(q === p);
  const n = p * q;
  const phi = (p - 1n) * (q - 1n);
  const d = egcdInv(e, phi);
  // Base64urlUInt: minimum number of octets (RFC 7518 section 2).
  const enc = x => {
    const hex = x.toString(16);
    return b64u(Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex'));
  };
  const publicJwk = {kty: 'RSA', n: enc(n), e: b64u(Buffer.from([1, 0, 1]))};
  const privateJwk = {
    ...publicJwk,
    d: enc(d),
    p: enc(p),
    q: enc(q),
    dp: enc(d % (p - 1n)),
    dq: enc(d % (q - 1n)),
    qi: enc(egcdInv(q, p))
  };
  // Round-trip through OpenSSL as a sanity check (throws if inconsistent).
  const priv = crypto.createPrivateKey({key: privateJwk, format: 'jwk'});
  const sig = crypto.sign('sha256', Buffer.from('x'), priv);
  const ok = crypto.verify('sha256', Buffer.from('x'),
    crypto.createPublicKey({key: publicJwk, format: 'jwk'}), sig);
  if(!ok) {
    throw new Error('RSA key self-test failed');
  }
  return {publicJwk, privateJwk};
}

// --- did:jwk ---------------------------------------------------------------

export function didJwk(publicJwk) {
  // did:jwk uses the base64url of the UTF-8 JSON serialization of the JWK.
  const did = `did:jwk:${b64u(Buffer.from(JSON.stringify(publicJwk)))}`;
  return {did, vm: `${did}#0`};
}

export function didJwkDocument(publicJwk) {
  const {did, vm} = didJwk(publicJwk);
  return {
    '@context': [
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/suites/jws-2020/v1'
    ],
    id: did,
    verificationMethod: [{
      id: vm, type: 'JsonWebKey2020', controller: did, publicKeyJwk: publicJwk
    }],
    assertionMethod: [vm],
    authentication: [vm],
    capabilityInvocation: [vm],
    capabilityDelegation: [vm]
  };
}
