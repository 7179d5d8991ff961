import { createPrivateKey, type KeyObject } from 'node:crypto';
import { InvalidOptionError, UnreadablePrivateKeyError } from './errors.js';
import { PSD2_ROLES } from './oids.js';
import { CertificateIndex } from './trust/certificate-index.js';
import { loadCertificatePool, type CertificatePool } from './trust/certificate-pool.js';
import { TrustStore, createTrustStore } from './trust/trust-store.js';

/** Trust anchors: extra root PEM texts (added to the public store), or a store built with createTrustStore. */
export type TrustInput = readonly string[] | TrustStore;

/** Certificates to complete chains from: PEM text or bytes, or a pool built once with loadCertificatePool. */
export type PoolInput = string | Uint8Array | CertificatePool;

const trustCache = new WeakMap<readonly string[], Map<boolean, TrustStore>>();
const defaultTrust = new Map<boolean, TrustStore>();
const poolCache = new WeakMap<Uint8Array, CertificatePool>();
let lastPool: { readonly text: string; readonly pool: CertificatePool } | undefined;

export function resolveTrust(trust: TrustInput | undefined, includePublic = true): TrustStore {
  if (trust instanceof TrustStore) return trust;
  if (trust === undefined || trust.length === 0) {
    let store = defaultTrust.get(includePublic);
    if (!store) defaultTrust.set(includePublic, (store = createTrustStore([], { includePublic })));
    return store;
  }
  if (!Array.isArray(trust)) throw new InvalidOptionError('trust', 'give an array of PEM texts or a TrustStore.');
  // The same array passed to many verifications (a CLI run over 1,000 files) is parsed once.
  let byFlag = trustCache.get(trust);
  if (!byFlag) trustCache.set(trust, (byFlag = new Map()));
  let store = byFlag.get(includePublic);
  if (!store) byFlag.set(includePublic, (store = createTrustStore(trust, { includePublic })));
  return store;
}

export function resolvePool(pool: PoolInput | undefined): CertificatePool | undefined {
  if (pool === undefined) return undefined;
  if (pool instanceof CertificateIndex) return pool;
  if (typeof pool === 'string') {
    if (lastPool?.text !== pool) lastPool = { text: pool, pool: loadCertificatePool(pool) };
    return lastPool.pool;
  }
  if (pool instanceof Uint8Array) {
    let loaded = poolCache.get(pool);
    if (!loaded) poolCache.set(pool, (loaded = loadCertificatePool(pool)));
    return loaded;
  }
  throw new InvalidOptionError('intermediates', 'give PEM text, PEM bytes or a pool from loadCertificatePool().');
}

export function resolveAt(at: Date | undefined): Date {
  if (at === undefined) return new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new InvalidOptionError('at', 'give a valid Date (e.g. new Date("2026-11-29T00:00:00Z")).');
  return at;
}

export function resolveWarnDays(warnDays: number | undefined): number {
  if (warnDays === undefined) return 30;
  if (!Number.isFinite(warnDays) || warnDays < 0)
    throw new InvalidOptionError('warnDays', 'give a number of days, 0 or more.');
  return warnDays;
}

export function resolveTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined) return 3000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new InvalidOptionError('fetchTimeoutMs', 'give a positive number of milliseconds.');
  return timeoutMs;
}

/** The required PSD2 roles as names (PSP_AS …), [] for "PSD2 on, no specific role", undefined for off. */
export function resolvePsd2(psd2: boolean | readonly string[] | undefined): readonly string[] | undefined {
  if (psd2 === undefined || psd2 === false) return undefined;
  if (psd2 === true) return [];
  if (!Array.isArray(psd2))
    throw new InvalidOptionError('psd2', 'give true or a list of role names (PSP_AS, PSP_PI, PSP_AI, PSP_IC).');
  const byOid = new Map(Object.entries(PSD2_ROLES).map(([name, oid]) => [oid, name]));
  return psd2.map((role) => {
    const name = role.trim().toUpperCase();
    if (name in PSD2_ROLES) return name;
    const fromOid = byOid.get(role.trim());
    if (fromOid) return fromOid;
    throw new InvalidOptionError('psd2', `unknown PSD2 role "${role}": use PSP_AS, PSP_PI, PSP_AI or PSP_IC.`);
  });
}

export function resolvePrivateKey(pem: string | undefined): KeyObject | undefined {
  if (pem === undefined) return undefined;
  try {
    return createPrivateKey(pem);
  } catch (error) {
    // The key's text is never echoed; only what kind of problem it has.
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MISSING_PASSPHRASE') throw new UnreadablePrivateKeyError('it is encrypted');
    throw new UnreadablePrivateKeyError('it is not a PEM or DER private key');
  }
}
