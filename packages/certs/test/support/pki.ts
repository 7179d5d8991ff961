// Throwaway PKIs for the rule tests, made once per test file with @connectpay-kit/testing-pki.
import { createChain, toPem, type GeneratedChain } from '@connectpay-kit/testing-pki';
import { verifyChain, type Finding, type Report, type RuleId, type VerifyOptions } from '@connectpay-kit/certs';

let clean: Promise<GeneratedChain> | undefined;

/** root -> intermediate -> leaf (EC P-256, leaf EKU serverAuth+clientAuth): passes every rule when trusted. */
export function cleanChain(): Promise<GeneratedChain> {
  return (clean ??= createChain());
}

/** Verifies offline with the chain's own root as the trust anchor unless told otherwise. */
export async function verifyWith(
  pem: string | Uint8Array,
  trustRoot: string | undefined,
  options: VerifyOptions = {},
): Promise<Report> {
  return verifyChain(pem, {
    offline: true,
    ...(trustRoot ? { trust: [trustRoot], publicTrust: false } : {}),
    ...options,
  });
}

export function findings(report: Report, rule: RuleId): Finding[] {
  return report.findings.filter((finding) => finding.rule === rule);
}

/** Rules that fired with error or warning severity, excluding the offline revocation warning. */
export function problems(report: Report): RuleId[] {
  return report.findings
    .filter((finding) => finding.severity !== 'info' && finding.rule !== 'revocation.unknown')
    .map((finding) => finding.rule);
}

export { toPem };
