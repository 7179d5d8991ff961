import type { Environment } from '@connectpay-kit/hosts';
import { closeInOrder, type KeyRing } from '@connectpay-kit/service-kit';
import type { Drain } from '@connectpay-kit/service-kit/http';
import type { ConnectPayClient, CredentialRotation, CredentialWatcher } from '@connectpay-kit/transport';
import type { Logger } from 'pino';
import type { WebhookSettings } from '../bootstrap/settings.js';
import type { IngestHandler } from '../ingest/ingest-handler.js';
import type { WebhookMetrics } from '../observability/metrics.js';
import type { Dispatcher } from '../processing/dispatcher.js';
import type { HandlerRegistry } from '../processing/handler-registry.js';
import type { Housekeeping } from '../processing/housekeeping.js';
import type { WebhookStorage } from '../storage/webhook-storage.js';

export interface WebhookRuntimeParts {
  /** The profile's environment; the profile itself is ConnectPayConfigModule's, injected where read. */
  readonly environment: Environment;
  readonly settings: WebhookSettings;
  readonly storage: WebhookStorage;
  readonly client: ConnectPayClient;
  /** Reloads the client certificate when its files change; absent without mTLS credentials. */
  readonly credentialWatcher?: CredentialWatcher;
  /** The staged next client certificate and the switch to it (readiness, admin switch), as in the gateway. */
  readonly rotation: CredentialRotation;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly registry: HandlerRegistry;
  readonly dispatcher: Dispatcher;
  readonly housekeeping: Housekeeping;
  readonly ingest: IngestHandler;
  /** The HTTP edge's shutdown state: once draining, every answer carries `Connection: close`. */
  readonly http: Drain;
  readonly adminKeys: KeyRing | undefined;
  readonly warnings: readonly string[];
}

/**
 * Everything one receiver process holds, built once at startup by a provider
 * (bootstrap/create-webhook-app.ts) from the profile ConnectPayConfigModule loaded and the settings:
 * controllers and guards inject it by class, and the profile itself as ConnectPayConfigService.
 */
export class WebhookRuntime {
  readonly environment: Environment;
  readonly settings: WebhookSettings;
  readonly storage: WebhookStorage;
  readonly client: ConnectPayClient;
  readonly rotation: CredentialRotation;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly registry: HandlerRegistry;
  readonly dispatcher: Dispatcher;
  readonly housekeeping: Housekeeping;
  readonly ingest: IngestHandler;
  readonly adminKeys: KeyRing | undefined;
  readonly warnings: readonly string[];
  private readonly credentialWatcher: CredentialWatcher | undefined;
  private readonly http: Drain;
  private resolvedPublicUrl: string | undefined;
  private drainStartedAt: number | undefined;
  private closing: Promise<void> | undefined;

  constructor(parts: WebhookRuntimeParts) {
    this.environment = parts.environment;
    this.settings = parts.settings;
    this.storage = parts.storage;
    this.client = parts.client;
    this.rotation = parts.rotation;
    this.logger = parts.logger;
    this.metrics = parts.metrics;
    this.registry = parts.registry;
    this.dispatcher = parts.dispatcher;
    this.housekeeping = parts.housekeeping;
    this.ingest = parts.ingest;
    this.adminKeys = parts.adminKeys;
    this.warnings = parts.warnings;
    this.credentialWatcher = parts.credentialWatcher;
    this.http = parts.http;
    this.resolvedPublicUrl = parts.settings.publicUrl;
  }

  /** WEBHOOK_PUBLIC_URL; in local without it, this process's own URL once it listens. */
  get publicUrl(): string | undefined {
    return this.resolvedPublicUrl;
  }

  /** Called after listen: local falls back to the address it actually got (port 0 in tests). */
  listeningAt(url: string): void {
    if (this.resolvedPublicUrl === undefined && this.environment === 'local') this.resolvedPublicUrl = url;
  }

  get isDraining(): boolean {
    return this.http.draining;
  }

  /** Shutdown began: readiness fails and answers ask clients to reconnect elsewhere. */
  startDraining(): void {
    this.drainStartedAt ??= performance.now();
    this.http.startDraining();
  }

  /**
   * After the HTTP server drained: stops watching the certificate files (a reload must never land on
   * a closed client), stops the workers, then closes the connection pools and storage, which commits
   * appends already accepted. Idempotent. WEBHOOK_SHUTDOWN_TIMEOUT_MS is the whole shutdown, counted
   * from the drain's start (service-kit's startService exits when it passes): handlers in flight get
   * what the HTTP drain left of it, less a reserve for closing the pools and storage.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.credentialWatcher?.close();
      this.rotation.close();
      await this.housekeeping.stop();
      await this.dispatcher.stop(this.timeLeftForWorkers());
      await closeInOrder(
        this.logger,
        { 'the ConnectPay client': this.client, storage: this.storage },
        'webhook receiver stopped',
      );
    })();
    return this.closing;
  }

  private timeLeftForWorkers(): number {
    const budget = this.settings.shutdownTimeoutMs;
    const spent = this.drainStartedAt === undefined ? 0 : performance.now() - this.drainStartedAt;
    const reserve = Math.min(1_000, budget / 10);
    return Math.max(0, Math.floor(budget - spent - reserve));
  }
}
