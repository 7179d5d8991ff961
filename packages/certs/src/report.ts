import type { Certificate } from './certificate/certificate.js';
import type { PathSource } from './chain/analyze.js';
import type { Finding, RuleId, Severity } from './engine/types.js';
import type { InputFormat } from './input/parse-chain-file.js';

/** One certificate of the input, in file order. Dates are ISO 8601 strings so the report serialises as is. */
export interface CertificateSummary {
  readonly index: number;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 fingerprint of the DER, lowercase hex. */
  readonly sha256: string;
  readonly isCA: boolean;
  readonly selfSigned: boolean;
}

/** One step of the chain as built from the leaf up, including certificates found outside the file. */
export interface ChainLink {
  /** Input index, absent for certificates from the pool or trust store. */
  readonly index?: number;
  readonly subject: string;
  readonly sha256: string;
  readonly source: PathSource;
}

/** `Extra`: the ids of the `extraRules` the report ran (none by default). */
export interface Report<Extra extends string = never> {
  /** True when there is no error finding (warnings and infos allowed). */
  readonly ok: boolean;
  readonly fileName?: string;
  /** The instant the chain was judged at (`at` option), ISO 8601. */
  readonly checkedAt: string;
  readonly format: InputFormat;
  readonly certificates: readonly CertificateSummary[];
  /** Input index of the leaf, when there is a certificate. */
  readonly leaf?: number;
  readonly chain: readonly ChainLink[];
  readonly findings: readonly Finding<RuleId | Extra>[];
  readonly counts: Readonly<Record<Severity, number>>;
}

export function summarize(certificate: Certificate, index: number): CertificateSummary {
  return {
    index,
    subject: certificate.subject.text,
    issuer: certificate.issuer.text,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    sha256: certificate.sha256,
    isCA: certificate.isCA,
    selfSigned: certificate.selfSigned,
  };
}

export function countFindings(findings: readonly Finding<string>[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}
