import type { Certificate } from '../certificate/certificate.js';
import type { ChainAnalysis } from '../chain/analyze.js';
import type { RevocationResult } from './types.js';

export interface RevocationTarget {
  readonly index: number;
  readonly certificate: Certificate;
  /** The next certificate up the path, whose key must sign any CRL or OCSP answer. */
  readonly issuer?: Certificate;
}

export const NO_ISSUER = 'its issuer certificate is not available, so no CRL or OCSP answer can be verified';
export const OFFLINE = 'offline: no CRL was downloaded and no OCSP responder asked';

/** Every input certificate on the path except self-signed roots (nobody revokes a root by CRL). */
export function revocationTargets(analysis: ChainAnalysis): RevocationTarget[] {
  const targets: RevocationTarget[] = [];
  analysis.path.forEach((element, position) => {
    if (element.index === undefined || element.certificate.selfSigned) return;
    const issuer = analysis.path[position + 1]?.certificate;
    targets.push({ index: element.index, certificate: element.certificate, ...(issuer ? { issuer } : {}) });
  });
  return targets;
}

/**
 * The answer when there is nothing to consult (offline, no CRL given): computed without loading the
 * CRL/OCSP machinery, which the common offline check never needs.
 */
export function offlineResults(analysis: ChainAnalysis): RevocationResult[] {
  return revocationTargets(analysis).map(({ index, issuer }) => ({
    index,
    status: 'unknown',
    detail: issuer ? OFFLINE : NO_ISSUER,
  }));
}
