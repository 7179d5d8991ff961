import { X509Certificate } from 'node:crypto';
import { daysUntilExpiry, verifyChain, type Finding } from '@connectpay-kit/certs';
import type { ConnectPayConfig } from '@connectpay-kit/config';

export interface ChainCertificateStatus {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days left (negative once expired). */
  readonly daysLeft: number;
  readonly isCA: boolean;
}

export interface CertificateStatus {
  /** False when this environment has no client certificate (no mTLS API can be called). */
  readonly configured: boolean;
  /** No `error` finding from packages/certs: the chain the provider would accept. */
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly leafFingerprint?: string;
  readonly certificates: readonly ChainCertificateStatus[];
  /** Days until the first certificate of the chain expires. */
  readonly daysToExpiry?: number;
  readonly notAfter?: string;
  readonly errors: readonly Pick<Finding, 'rule' | 'message' | 'hint'>[];
  readonly warnings: readonly Pick<Finding, 'rule' | 'message' | 'hint'>[];
}

export interface CertificateMonitorOptions {
  /** Extra trust anchors: the dev PKI's root in `local`, since that root is not public. */
  readonly trust?: readonly string[];
  /** How long one verification stays valid; rules are rerun after it (expiry is always live). */
  readonly cacheMs?: number;
  readonly now?: () => Date;
}

/**
 * Runs the provider's certificate rules (packages/certs, offline) on the active client chain for
 * readiness, the status page and the expiry metric. Offline: a readiness probe must never wait on a
 * CRL server.
 */
export class CertificateMonitor {
  private cached: { at: number; status: Promise<CertificateStatus> } | undefined;
  private readonly now: () => Date;
  private mtls: { certChainPem: string; key: { reveal(): string }; leafFingerprint256: string } | undefined;

  constructor(
    config: ConnectPayConfig,
    private readonly options: CertificateMonitorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.mtls = config.mtls;
  }

  /** After a rotation: judge the chain the client now presents, not the one it started with. */
  useChain(certChainPem: string, key: { reveal(): string }): void {
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(certChainPem)?.[0] ?? '';
    this.mtls = { certChainPem, key, leafFingerprint256: new X509Certificate(leaf).fingerprint256 };
    this.cached = undefined;
  }

  async status(): Promise<CertificateStatus> {
    const at = this.now().getTime();
    if (!this.cached || at - this.cached.at > (this.options.cacheMs ?? 60_000)) {
      const status = this.check();
      this.cached = { at, status };
      status.catch(() => (this.cached = undefined));
    }
    return this.withLiveExpiry(await this.cached.status);
  }

  private async check(): Promise<CertificateStatus> {
    const mtls = this.mtls;
    const checkedAt = this.now();
    if (!mtls)
      return {
        configured: false,
        ok: false,
        checkedAt: checkedAt.toISOString(),
        certificates: [],
        errors: [],
        warnings: [],
      };
    const report = await verifyChain(mtls.certChainPem, {
      offline: true,
      at: checkedAt,
      privateKeyPem: mtls.key.reveal(),
      ...(this.options.trust && this.options.trust.length > 0 ? { trust: [...this.options.trust] } : {}),
    });
    const pick = (finding: Finding) => ({
      rule: finding.rule,
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
    });
    return {
      configured: true,
      ok: report.ok,
      checkedAt: report.checkedAt,
      leafFingerprint: mtls.leafFingerprint256,
      certificates: report.certificates.map((certificate) => ({
        subject: certificate.subject,
        issuer: certificate.issuer,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        daysLeft: 0,
        isCA: certificate.isCA,
      })),
      errors: report.findings.filter((finding) => finding.severity === 'error').map(pick),
      warnings: report.findings.filter((finding) => finding.severity === 'warning').map(pick),
    };
  }

  /** Days left change while the rules' verdict is cached; they are computed on every read. */
  private withLiveExpiry(status: CertificateStatus): CertificateStatus {
    const mtls = this.mtls;
    if (!mtls) return status;
    const expiry = daysUntilExpiry(mtls.certChainPem, this.now());
    const first = expiry.perCertificate[expiry.firstToExpire];
    return {
      ...status,
      certificates: status.certificates.map((certificate, index) => ({
        ...certificate,
        daysLeft: expiry.perCertificate[index]?.days ?? certificate.daysLeft,
      })),
      daysToExpiry: expiry.min,
      ...(first ? { notAfter: first.notAfter } : {}),
    };
  }
}
