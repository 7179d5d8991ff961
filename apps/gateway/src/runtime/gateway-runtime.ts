import type { Environment } from '@connectpay-kit/hosts';
import { closeInOrder, type KeyRing } from '@connectpay-kit/service-kit';
import type { ConnectPayClient, CredentialRotation, CredentialWatcher } from '@connectpay-kit/transport';
import type { Logger } from 'pino';
import type { GatewaySettings } from '../bootstrap/settings.js';
import type { CertificateMonitor } from '../health/certificate-monitor.js';
import type { AdmissionControl, CallerRegistry } from '../http/admission.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RecentUpstreamErrors } from '../observability/recent-errors.js';
import type { GatewayStorage } from '../storage/gateway-storage.js';

export interface GatewayRuntimeParts {
  /** The profile's environment; the profile itself is ConnectPayConfigModule's, injected where read. */
  readonly environment: Environment;
  readonly settings: GatewaySettings;
  readonly apiKeys: KeyRing;
  readonly client: ConnectPayClient;
  readonly storage: GatewayStorage;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly recentErrors: RecentUpstreamErrors;
  readonly certificates: CertificateMonitor;
  /** Watches the client certificate files; stopped first on close, so no reload races the pools closing. */
  readonly credentialWatcher?: CredentialWatcher;
  /** The staged next client certificate and the switch to it (status, readiness, admin switch). */
  readonly rotation: CredentialRotation;
  /** The door (http/admission.ts): registered on Fastify before the app exists, so made beside it. */
  readonly admission: AdmissionControl;
  /** The /v1 requests in flight by request id: their start and hang-up signal, for the upstream door. */
  readonly callers: CallerRegistry;
  /** Startup warnings (config and settings), shown on the status page. */
  readonly warnings: readonly string[];
}

/**
 * Everything one gateway process holds, built once at startup by a provider (bootstrap/create-gateway.ts)
 * from the profile ConnectPayConfigModule loaded and the gateway's settings: controllers and services
 * inject it by class, and the profile itself as ConnectPayConfigService.
 */
export class GatewayRuntime {
  readonly environment: Environment;
  readonly settings: GatewaySettings;
  readonly apiKeys: KeyRing;
  readonly client: ConnectPayClient;
  readonly storage: GatewayStorage;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly recentErrors: RecentUpstreamErrors;
  readonly certificates: CertificateMonitor;
  readonly rotation: CredentialRotation;
  readonly warnings: readonly string[];
  readonly callers: CallerRegistry;
  readonly admission: AdmissionControl;
  private readonly credentialWatcher: CredentialWatcher | undefined;
  readonly startedAt = new Date();
  private closing: Promise<void> | undefined;

  constructor(parts: GatewayRuntimeParts) {
    this.environment = parts.environment;
    this.settings = parts.settings;
    this.apiKeys = parts.apiKeys;
    this.client = parts.client;
    this.storage = parts.storage;
    this.logger = parts.logger;
    this.metrics = parts.metrics;
    this.recentErrors = parts.recentErrors;
    this.certificates = parts.certificates;
    this.rotation = parts.rotation;
    this.warnings = parts.warnings;
    this.credentialWatcher = parts.credentialWatcher;
    this.admission = parts.admission;
    this.callers = parts.callers;
  }

  /** Stops watching the certificate files and the rotation's timers, closes the connection pools (after in-flight calls finish), then storage. Idempotent. */
  close(): Promise<void> {
    this.credentialWatcher?.close();
    this.rotation.close();
    this.closing ??= closeInOrder(
      this.logger,
      { 'the ConnectPay client': this.client, storage: this.storage },
      'gateway stopped',
    );
    return this.closing;
  }
}
