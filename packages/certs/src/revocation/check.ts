import type { Certificate } from '../certificate/certificate.js';
import type { ChainAnalysis } from '../chain/analyze.js';
import { UnreadableOptionInputError, messageOf } from '../errors.js';
import { crlAnswer, loadCrl, type CrlAnswer, type LoadedCrl } from './crl.js';
import { fetchBytes } from './fetch.js';
import { queryOcsp } from './ocsp.js';
import { NO_ISSUER, OFFLINE, revocationTargets } from './targets.js';
import type { RevocationOptions, RevocationResult } from './types.js';

/** Fetched CRLs are reused across checks in one process until their next update (at most an hour). */
const fetchedCrls = new Map<
  string,
  { readonly expires: number; readonly crl: Promise<LoadedCrl | { error: string }> }
>();
const MAX_CACHE_MS = 60 * 60 * 1000;

/** Parses the CRLs the caller supplied; an unreadable one is a usage error, not a finding. */
export async function loadGivenCrls(crls: readonly Uint8Array[]): Promise<LoadedCrl[]> {
  return Promise.all(
    crls.map(async (bytes, position) => {
      try {
        return await loadCrl(bytes, `the CRL given as #${position + 1}`);
      } catch (error) {
        throw new UnreadableOptionInputError(
          'CERTS_UNREADABLE_CRL',
          `CRL #${position + 1} cannot be read (${messageOf(error)}): give a DER file or a "-----BEGIN X509 CRL-----" PEM.`,
        );
      }
    }),
  );
}

/** Status of every input certificate on the path except self-signed roots, from given CRLs, CRL DPs and OCSP. */
export async function checkRevocation(
  analysis: ChainAnalysis,
  given: readonly LoadedCrl[],
  options: RevocationOptions,
): Promise<RevocationResult[]> {
  return Promise.all(
    revocationTargets(analysis).map(({ index, certificate, issuer }) =>
      statusOf(index, certificate, issuer, given, options),
    ),
  );
}

async function statusOf(
  index: number,
  certificate: Certificate,
  issuer: Certificate | undefined,
  given: readonly LoadedCrl[],
  options: RevocationOptions,
): Promise<RevocationResult> {
  if (!issuer) return { index, status: 'unknown', detail: NO_ISSUER };
  const details: string[] = [];
  const conclude = (answer: CrlAnswer | undefined, source: string): RevocationResult | undefined => {
    if (!answer) return undefined;
    if (answer.status === 'unknown' || answer.status === 'invalid') {
      if (answer.detail) details.push(answer.detail);
      return undefined;
    }
    return { index, status: answer.status, source, ...pick(answer) };
  };

  // A CRL the caller gave that is its issuer's but cannot be relied on is a finding (path.crl), not a
  // quiet "unknown": the caller meant it to decide.
  const defects: string[] = [];
  for (const crl of given) {
    const answer = await crlAnswer(crl, certificate, issuer, options.at);
    if (answer?.status === 'invalid' && answer.detail) defects.push(answer.detail);
    const result = conclude(answer, crl.source);
    if (result) return result;
  }
  if (defects.length > 0) return { index, status: 'unknown', crlDefects: defects, detail: defects.join('; ') };
  const crlUrls = (certificate.extensions.crlDistributionPoints ?? []).filter((url) => /^https?:\/\//i.test(url));
  const ocspUrls = (certificate.extensions.ocspUrls ?? []).filter((url) => /^https?:\/\//i.test(url));
  if (options.offline) {
    return { index, status: 'unknown', detail: [OFFLINE, ...details].join('; ') };
  }
  for (const url of crlUrls) {
    const loaded = await fetchCrl(url, options.timeoutMs);
    if ('error' in loaded) {
      details.push(loaded.error);
      continue;
    }
    const result = conclude(await crlAnswer(loaded, certificate, issuer, options.at), loaded.source);
    if (result) return result;
  }
  for (const url of ocspUrls) {
    const result = conclude(await queryOcsp(url, certificate, issuer, options.timeoutMs, options.at), `OCSP ${url}`);
    if (result) return result;
  }
  if (crlUrls.length === 0 && ocspUrls.length === 0)
    details.unshift('the certificate names no http CRL distribution point and no OCSP responder');
  return { index, status: 'unknown', detail: details.join('; ') };
}

function pick(answer: CrlAnswer): Partial<RevocationResult> {
  return {
    ...(answer.revokedAt ? { revokedAt: answer.revokedAt } : {}),
    ...(answer.reason ? { reason: answer.reason } : {}),
  };
}

function fetchCrl(url: string, timeoutMs: number): Promise<LoadedCrl | { error: string }> {
  const now = Date.now();
  const cached = fetchedCrls.get(url);
  if (cached && cached.expires > now) return cached.crl;
  const crl = (async (): Promise<LoadedCrl | { error: string }> => {
    const outcome = await fetchBytes(url, timeoutMs);
    if (!outcome.ok) return { error: outcome.error };
    try {
      const loaded = await loadCrl(outcome.body, url);
      const nextUpdate = loaded.nextUpdate?.getTime() ?? now;
      fetchedCrls.set(url, {
        expires: Math.min(now + MAX_CACHE_MS, Math.max(now, nextUpdate)),
        crl: Promise.resolve(loaded),
      });
      return loaded;
    } catch (error) {
      return { error: `${url} did not return a readable CRL (${messageOf(error)})` };
    }
  })();
  // Failures are not cached beyond this call's concurrent users: the next check tries again.
  fetchedCrls.set(url, { expires: now + timeoutMs, crl });
  return crl;
}
