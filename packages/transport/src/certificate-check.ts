import { verifyChain } from '@connectpay-kit/certs';
import type { CredentialCheck } from './credentials.js';
import { revealSecret } from './secret.js';

export interface CertificateCheckOptions {
  /** Extra trust anchors (PEM): the dev root in `local`, a private CA the provider registered. */
  readonly trust?: readonly string[];
  /** Rule ids whose errors are tolerated, e.g. none in prod. */
  readonly ignoreRules?: readonly string[];
}

/**
 * The provider's certificate rules (packages/certs) as a gate on new client identities: a chain
 * with any error finding is refused before a single connection presents it. Offline, so a rotation
 * never waits on a CRL server.
 */
export function certsCredentialCheck(options: CertificateCheckOptions = {}): CredentialCheck {
  const ignored = new Set(options.ignoreRules ?? []);
  return async (credentials) => {
    const report = await verifyChain(credentials.certChainPem, {
      offline: true,
      privateKeyPem: revealSecret(credentials.privateKeyPem),
      ...(options.trust ? { trust: options.trust } : {}),
    });
    return report.findings
      .filter((finding) => finding.severity === 'error' && !ignored.has(finding.rule))
      .map((finding) => `${finding.rule}: ${finding.message}`);
  };
}
