import type { ConnectPayConfig } from '@connectpay-kit/config';
import type { ConnectPayClient } from '@connectpay-kit/transport';
import type { Logger } from 'pino';
import type { ApiKeyRing } from '../auth/api-keys.js';
import type { GatewaySettings } from '../bootstrap/settings.js';
import type { CertificateMonitor } from '../health/certificate-monitor.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { RecentUpstreamErrors } from '../observability/recent-errors.js';
import type { GatewayStorage } from '../storage/gateway-storage.js';

export interface GatewayRuntimeParts {
  readonly config: ConnectPayConfig;
  readonly settings: GatewaySettings;
  readonly apiKeys: ApiKeyRing;
  readonly client: ConnectPayClient;
  readonly storage: GatewayStorage;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly recentErrors: RecentUpstreamErrors;
  readonly certificates: CertificateMonitor;
  /** Startup warnings (config and settings), shown on the status page. */
  readonly warnings: readonly string[];
}

/**
 * Everything one gateway process holds, built once at startup (bootstrap/create-gateway.ts) and
 * handed to Nest as a value: controllers and services inject it by class.
 */
export class GatewayRuntime {
  readonly config: ConnectPayConfig;
  readonly settings: GatewaySettings;
  readonly apiKeys: ApiKeyRing;
  readonly client: ConnectPayClient;
  readonly storage: GatewayStorage;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly recentErrors: RecentUpstreamErrors;
  readonly certificates: CertificateMonitor;
  readonly warnings: readonly string[];
  readonly startedAt = new Date();
  private closing: Promise<void> | undefined;

  constructor(parts: GatewayRuntimeParts) {
    this.config = parts.config;
    this.settings = parts.settings;
    this.apiKeys = parts.apiKeys;
    this.client = parts.client;
    this.storage = parts.storage;
    this.logger = parts.logger;
    this.metrics = parts.metrics;
    this.recentErrors = parts.recentErrors;
    this.certificates = parts.certificates;
    this.warnings = parts.warnings;
  }

  get environment(): ConnectPayConfig['environment'] {
    return this.config.environment;
  }

  /** Closes the connection pools (after in-flight calls finish), then storage. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.client
        .close()
        .catch((error: unknown) => this.logger.warn({ err: describe(error) }, 'closing the ConnectPay client failed'));
      await this.storage
        .close()
        .catch((error: unknown) => this.logger.warn({ err: describe(error) }, 'closing storage failed'));
      this.logger.info('gateway stopped');
      this.logger.flush();
    })();
    return this.closing;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
