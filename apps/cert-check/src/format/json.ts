import type { Report, Severity } from '@connectpay-kit/certs';

/**
 * One line of `--format json`: one object per input file. Field names are the contract for scripts;
 * fields may be added, never renamed or removed.
 */
export interface JsonFileReport {
  readonly file: string;
  readonly ok: boolean;
  readonly certificates: readonly JsonCertificate[];
  readonly findings: readonly JsonFinding[];
  /** Present when the file could not be checked at all (exit code 2). */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface JsonCertificate {
  readonly index: number;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
  readonly isCA: boolean;
  readonly selfSigned: boolean;
}

export interface JsonFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
  /** 0-based index, in file order, of the certificate the finding is about. */
  readonly certificate?: number;
}

export function reportToJson(file: string, report: Report): JsonFileReport {
  return {
    file,
    ok: report.ok && report.certificates.length > 0,
    certificates: report.certificates.map((c) => ({
      index: c.index,
      subject: c.subject,
      issuer: c.issuer,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      sha256: c.sha256,
      isCA: c.isCA,
      selfSigned: c.selfSigned,
    })),
    findings: report.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...(f.hint === undefined ? {} : { hint: f.hint }),
      ...(f.certificate === undefined ? {} : { certificate: f.certificate }),
    })),
  };
}

export function errorToJson(file: string, error: { readonly code: string; readonly message: string }): JsonFileReport {
  return { file, ok: false, certificates: [], findings: [], error: { code: error.code, message: error.message } };
}

/** JSON Lines: one compact object and a newline, so `jq -c`, `grep` and log shippers take it as is. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}
