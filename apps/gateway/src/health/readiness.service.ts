import { Injectable } from '@nestjs/common';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { HOST_KINDS } from '@connectpay-kit/hosts';
import type { RotationStatus } from '@connectpay-kit/transport';
import {
  judgeReadiness,
  pingCheck,
  type ReadinessCheck as BaseReadinessCheck,
  type ReadinessReport,
} from '@connectpay-kit/service-kit';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import type { CertificateStatus } from './certificate-monitor.js';
import { isReachable } from './reachability.js';

export interface ReadinessCheck extends BaseReadinessCheck {
  /** False for checks that are reported but do not make the gateway unready. */
  readonly gating: boolean;
}

export interface Readiness extends ReadinessReport<ReadinessCheck> {
  readonly certificate: CertificateStatus;
  /** The current certificate's days left, the staged next one's state, the last switch and rollback. */
  readonly rotation: RotationStatus;
}

/**
 * Ready = the configuration validated (else the process would not be running), the credentials
 * loaded, the client chain passes the provider's rules (packages/certs errors) and storage answers.
 * The upstream hosts gate readiness only in `local`, where they are our own sandbox starting up; in
 * stage and prod a provider outage must not pull every replica out of the load balancer.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  async check(): Promise<Readiness> {
    const { config } = this.connectpay;
    const { client } = this.runtime;
    const local = config.environment === 'local';
    const certificate = await this.runtime.certificates.status();
    const [storage, ...upstream] = await Promise.all([
      this.storageCheck(),
      ...HOST_KINDS.map((kind) => isReachable(config.baseUrls[kind]).then((ok) => ({ kind, ok }))),
    ]);
    const missing = (['mtls', 'basic', 'merchant'] as const).filter((group) => config[group] === undefined);
    const identity = client.identity;
    const rotation = this.runtime.rotation.status();
    const checks: Record<string, ReadinessCheck> = {
      config: { ok: true, gating: true, detail: `the ${config.environment} profile validated` },
      credentials: {
        ok: config.mtls !== undefined && config.basic !== undefined && identity !== undefined,
        gating: true,
        detail:
          missing.length === 0
            ? 'client certificate, DevApp credentials and merchant key loaded'
            : `not configured: ${missing.join(', ')} (APIs that need them answer 503)`,
      },
      certificate: {
        ok: certificate.configured && certificate.ok,
        gating: true,
        detail: !certificate.configured
          ? 'no client certificate configured'
          : certificate.ok
            ? `passes the provider's rules; expires in ${certificate.daysToExpiry ?? '?'} days`
            : `fails: ${certificate.errors.map((finding) => finding.rule).join(', ')}`,
      },
      // Informational: a missing or unready next pair is the renewal's state, not a reason to take a
      // replica out of the load balancer.
      nextCertificate: nextCertificateCheck(rotation),
      oauth: {
        ok: client.oauth !== undefined,
        gating: false,
        detail: client.oauth
          ? 'token store and encryption key ready'
          : 'CONNECTPAY_TOKEN_KEY_FILE not set: OAuth endpoints answer 503',
      },
      storage,
      upstream: {
        ok: upstream.every((host) => host.ok),
        gating: local,
        detail:
          upstream
            .map((host) => `${host.kind} ${config.baseUrls[host.kind]} ${host.ok ? 'reachable' : 'not reachable'}`)
            .join('; ') + (local && !upstream.every((host) => host.ok) ? ' (is the sandbox still starting?)' : ''),
      },
    };
    return { ...judgeReadiness(config.environment, checks), certificate, rotation };
  }

  private async storageCheck(): Promise<ReadinessCheck> {
    const { ok, detail } = await pingCheck(() => this.runtime.storage.ping(), 'storage', 2000);
    return { ok, gating: true, detail };
  }
}

function nextCertificateCheck(rotation: RotationStatus): ReadinessCheck {
  const { next, current } = rotation;
  const left = current ? `; the current one expires in ${current.daysLeft} days` : '';
  const detail: Record<typeof next.state, string> = {
    absent: `no next client certificate staged (CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE)${left}`,
    unreadable: `the next pair cannot be loaded: ${next.problems.join('; ')}`,
    invalid: `the next certificate fails the provider's rules: ${next.problems.join('; ')}`,
    staged: `next certificate ${next.certificate?.serialNumber ?? ''} staged, probe ${next.probe?.verdict ?? 'pending'}${
      next.switchAt ? `, switch at ${next.switchAt}` : ', switch by admin call'
    }${left}`,
    active: `the next certificate is in use${rotation.onProbation ? ', waiting for the first call to confirm it' : ''}`,
    'rolled-back': `switched back: ${rotation.lastRollback?.reason ?? 'the provider refused the next certificate'}`,
  };
  return { ok: next.ready || next.state === 'absent', gating: false, detail: detail[next.state] };
}
