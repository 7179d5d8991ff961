import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  closeIfBuildFails,
  loadServiceSettings,
  logStartupWarnings,
  openStorageOrExplain,
} from '@connectpay-kit/service-kit';
import {
  type Drain,
  type EdgeLimits,
  edgeServerOptions,
  refuseOversizedContinue,
  registerRequestContext,
} from '@connectpay-kit/service-kit/http';
import {
  createServiceApp,
  listenOn,
  type RuntimeInputs as ServiceRuntimeInputs,
  type ServiceApp,
  type ServiceAppOptions,
} from '@connectpay-kit/service-kit/nest';
import { ClientParts, createServiceClient, manageClientCredentials } from '@connectpay-kit/service-kit/client';
import { AppModule } from '../app.module.js';
import { WebhookRequestError } from '../errors/webhook-error.js';
import { sendWebhookError, WebhookExceptionFilter, webhookEdgeCodes } from '../errors/webhook-exception.filter.js';
import { IngestHandler } from '../ingest/ingest-handler.js';
import { createLogger } from '../observability/logger.js';
import { WebhookMetrics } from '../observability/metrics.js';
import { defaultHandlers } from '../processing/default-handlers.js';
import type { ConnectPayEventListeners } from '../processing/handlers/connectpay-events.handler.js';
import { Dispatcher } from '../processing/dispatcher.js';
import { Housekeeping } from '../processing/housekeeping.js';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';
import { openWebhookStorage, type WebhookStorage } from '../storage/webhook-storage.js';
import { WEBHOOK_SERVICE } from './service.js';
import { LOCAL_DEV_ADMIN_KEY, type LoadedSettings, loadWebhookSettings } from './settings.js';

/**
 * A public endpoint: a request must arrive whole within 30 s (ConnectPay itself gives up after 10 s),
 * so slow clients cannot hold sockets; the headers within 20 s of them.
 */
const HEADERS_TIMEOUT_MS = 20_000;
const BODY_TIMEOUT_MS = 10_000;

export interface CreateWebhookAppOptions extends ServiceAppOptions {
  /** Your code for the banking events (OutgoingPayment.*, IncomingPayment.*, Account.*, BaaS*). */
  readonly listeners?: ConnectPayEventListeners;
}

/**
 * `listen()` serves on WEBHOOK_HOST:WEBHOOK_PORT and starts the workers; `close()` stops accepting,
 * drains requests in flight, stops the workers, then closes pools and storage.
 */
export type WebhookApp = ServiceApp<NestFastifyApplication, WebhookRuntime>;

/**
 * Builds the whole receiver without listening. Its settings are read first (the HTTP server, logger
 * and storage need them); the ConnectPay profile is loaded by the app itself, through the kit's
 * ConnectPayConfigModule, and the runtime (client, workers, ingest) is a provider built from the
 * injected profile and settings. A bad profile fails app creation with the same StartupConfigError
 * (every variable to fix, exit 78) a bad setting gives.
 */
export async function createWebhookApp(options: CreateWebhookAppOptions = {}): Promise<WebhookApp> {
  const loaded = await loadServiceSettings({ ...options, service: WEBHOOK_SERVICE, loadSettings: loadWebhookSettings });
  const { settings } = loaded.settings;
  const logger = createLogger({
    level: settings.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const storage = await openStorageOrExplain(WEBHOOK_SERVICE, loaded.environment, () => openWebhookStorage(settings));
  // What this start opened: the storage, then what the runtime provider makes; closed if anything after fails.
  const made = new ClientParts(storage);
  return closeIfBuildFails(made, async () => {
    const metrics = new WebhookMetrics();
    // Fastify, as the gateway: Express 5 alone topped out near 3,000 requests/s on the 2-core
    // development machine, below the 5,000 durable acks/s the receiver is built for.
    const edge: EdgeLimits = {
      bodyLimitBytes: settings.bodyLimitBytes,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: BODY_TIMEOUT_MS,
    };
    const codes = webhookEdgeCodes(settings.bodyLimitBytes);
    const adapter = new FastifyAdapter(
      edgeServerOptions({
        limits: edge,
        codes,
        logger,
        frameworkErrors: (error, request, reply) => sendWebhookError(error, request, reply, logger, codes),
      }),
    );
    const fastify = adapter.getInstance();
    refuseOversizedContinue(fastify.server, edge.bodyLimitBytes, codes.payload_too_large, logger);
    const http = registerRequestContext(fastify, {
      accessLogger: logger,
      countRequest: (route, method, status) => metrics.requests.inc({ route, method, status: String(status) }),
      bodyLimitBytes: edge.bodyLimitBytes,
      payloadTooLarge: () =>
        new WebhookRequestError(413, codes.payload_too_large.code, codes.payload_too_large.message),
    });
    // Only deliveries have a body (read raw, in their own scope): anything else sending one gets 415.
    fastify.removeAllContentTypeParsers();

    const parts = {
      clientTrustPems: loaded.clientTrustPems,
      storage,
      logger,
      metrics,
      http,
      listeners: options.listeners,
      made,
    };
    const app = await createServiceApp<NestFastifyApplication, LoadedSettings, WebhookRuntime>(
      AppModule,
      { service: WEBHOOK_SERVICE, loaded, logger, adapter },
      (config, configured) => buildRuntime({ config, configured, ...parts }),
    );
    const runtime = app.get(WebhookRuntime);
    runtime.ingest.register(fastify);
    app.useGlobalFilters(new WebhookExceptionFilter(logger, codes));
    if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

    return {
      app,
      runtime,
      async listen() {
        const url = await listenOn(app, settings.port, settings.host);
        runtime.listeningAt(url);
        runtime.dispatcher.start();
        runtime.housekeeping.start();
        return url;
      },
      close: () => app.close(),
      startupLine: (url) => ({
        fields: {
          environment: runtime.environment,
          url,
          publicUrl: runtime.publicUrl ?? null,
          storage: storage.main.location,
          workers: settings.workers,
          handlers: runtime.registry.prefixes,
        },
        message:
          `ConnectPay webhook receiver (${runtime.environment}) listening on ${url}: POST /webhooks/connectpay, POST /notifications/payments` +
          (runtime.environment === 'local' ? `; admin API with -H 'x-admin-key: ${LOCAL_DEV_ADMIN_KEY}'` : ''),
      }),
    };
  });
}

interface RuntimeInputs extends ServiceRuntimeInputs<LoadedSettings, WebhookStorage> {
  readonly metrics: WebhookMetrics;
  readonly http: Drain;
  readonly listeners: ConnectPayEventListeners | undefined;
}

/** The receiver's runtime from the injected profile and settings: client, certificate life, workers, ingest. */
async function buildRuntime(inputs: RuntimeInputs): Promise<WebhookRuntime> {
  const { config, configured, storage, logger, metrics, made } = inputs;
  const { settings } = configured;
  const client = createServiceClient({
    config,
    clientTrustPems: inputs.clientTrustPems,
    // Storage's TokenStore is the one transport takes: no wrapper (as the gateway's).
    tokens: configured.tokenKey ? { store: storage.tokens.tokens, encryptionKey: configured.tokenKey } : undefined,
    logger,
    userAgent: 'connectpay-kit-webhook',
    tuning: { timeouts: { headersMs: settings.upstreamTimeoutMs, bodyMs: settings.upstreamTimeoutMs } },
  });
  made.client = client;
  const credentials = await manageClientCredentials({
    config,
    client,
    clientTrustPems: inputs.clientTrustPems,
    logger,
  });
  made.credentials = credentials;
  const registry = defaultHandlers(storage.main.resources, client, metrics, inputs.listeners);
  // The dispatcher and the ingest handler refer to each other through callbacks that run only once
  // both exist (after listen).
  const dispatcher = new Dispatcher({
    inbox: storage.main.inbox,
    registry,
    logger: logger.child({ component: 'dispatcher' }),
    metrics,
    workers: settings.workers,
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
    retry: { maxAttempts: settings.maxAttempts, baseDelayMs: settings.retryBaseMs, maxDelayMs: settings.retryMaxMs },
    workerName: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    receiving: () => ingest.receiving,
  });
  const ingest = new IngestHandler({
    inbox: storage.main.inbox,
    tokens: configured.webhookTokens,
    tokenHeader: settings.tokenHeader,
    sources: configured.sources,
    checkNotificationSource: settings.checkNotificationSource,
    bodyLimitBytes: settings.bodyLimitBytes,
    metrics,
    logger,
    onStored: () => dispatcher.wake(),
  });
  const housekeeping = new Housekeeping({
    inbox: storage.main.inbox,
    authStates: storage.main.authStates,
    logger,
    retentionMs: settings.retentionHours * 3_600_000,
  });
  return new WebhookRuntime({
    environment: config.environment,
    settings,
    storage,
    client,
    ...(credentials.watcher ? { credentialWatcher: credentials.watcher } : {}),
    rotation: credentials.rotation,
    logger,
    metrics,
    registry,
    dispatcher,
    housekeeping,
    ingest,
    http: inputs.http,
    adminKeys: configured.adminKeys,
    warnings: logStartupWarnings(config, configured.warnings, logger),
  });
}
