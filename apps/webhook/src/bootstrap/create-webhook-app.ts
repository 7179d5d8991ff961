import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { openStorageOrExplain, type StartupLine } from '@connectpay-kit/service-kit';
import {
  type EdgeLimits,
  edgeServerOptions,
  refuseOversizedContinue,
  registerRequestContext,
} from '@connectpay-kit/service-kit/http';
import { PinoNestLogger } from '@connectpay-kit/service-kit/nest';
import {
  type ClientCredentialsLifecycle,
  createServiceClient,
  manageClientCredentials,
} from '@connectpay-kit/service-kit/client';
import type { ConnectPayClient } from '@connectpay-kit/transport';
import type { DestinationStream, Logger } from 'pino';
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
import { type Configuration, loadConfiguration } from './load-configuration.js';
import { WEBHOOK_SERVICE } from './service.js';
import { LOCAL_DEV_ADMIN_KEY } from './settings.js';

/**
 * A public endpoint: a request must arrive whole within 30 s (ConnectPay itself gives up after 10 s),
 * so slow clients cannot hold sockets; the headers within 20 s of them.
 */
const HEADERS_TIMEOUT_MS = 20_000;
const BODY_TIMEOUT_MS = 10_000;

export interface CreateWebhookAppOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths and of the workspace-root search; default `process.cwd()`. */
  readonly cwd?: string;
  /** Where the JSON logs go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** Listen to SIGTERM/SIGINT for a graceful shutdown (main: yes; tests: no). */
  readonly shutdownHooks?: boolean;
  /** Your code for the banking events (OutgoingPayment.*, IncomingPayment.*, Account.*, BaaS*). */
  readonly listeners?: ConnectPayEventListeners;
}

export interface WebhookApp {
  readonly app: NestFastifyApplication;
  readonly runtime: WebhookRuntime;
  /** Serves on WEBHOOK_HOST:WEBHOOK_PORT and starts the workers; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains requests in flight, stops the workers, then closes pools and storage. */
  close(): Promise<void>;
  /** What the process entry logs once the receiver listens at `url`. */
  startupLine(url: string): StartupLine;
}

/** Builds the whole receiver (configuration, storage, client, workers, Nest app) without listening. */
export async function createWebhookApp(options: CreateWebhookAppOptions = {}): Promise<WebhookApp> {
  const env = options.env ?? process.env;
  const configuration = await loadConfiguration(env, options.cwd ?? process.cwd());
  const { config, settings } = configuration;
  const logger = createLogger({
    level: settings.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const storage = await openStorageOrExplain(WEBHOOK_SERVICE, config.environment, () => openWebhookStorage(settings));
  let client: ConnectPayClient | undefined;
  let credentials: ClientCredentialsLifecycle | undefined;
  try {
    const metrics = new WebhookMetrics();
    client = createClient(configuration, storage, logger);
    credentials = await manageClientCredentials({
      config,
      client,
      clientTrustPems: configuration.clientTrustPems,
      logger,
    });
    const registry = defaultHandlers(storage.main.resources, client, metrics, options.listeners);
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
      tokens: configuration.webhookTokens,
      tokenHeader: settings.tokenHeader,
      sources: configuration.sources,
      checkNotificationSource: settings.checkNotificationSource,
      bodyLimitBytes: settings.bodyLimitBytes,
      metrics,
      logger,
      onStored: () => dispatcher.wake(),
    });
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
    ingest.register(fastify);
    const housekeeping = new Housekeeping({
      inbox: storage.main.inbox,
      authStates: storage.main.authStates,
      logger,
      retentionMs: settings.retentionHours * 3_600_000,
    });
    const runtime = new WebhookRuntime({
      config,
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
      http,
      adminKeys: configuration.adminKeys,
      warnings: configuration.warnings,
    });
    for (const warning of runtime.warnings) logger.warn({ environment: config.environment }, warning);

    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(runtime), adapter, {
      bodyParser: false,
      abortOnError: false,
      logger: new PinoNestLogger(logger),
    });
    app.useGlobalFilters(new WebhookExceptionFilter(logger, codes));
    if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

    return {
      app,
      runtime,
      async listen() {
        await app.listen(settings.port, settings.host);
        const address = app.getHttpServer().address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        const url = `http://${host}:${address.port}`;
        runtime.listeningAt(url);
        dispatcher.start();
        housekeeping.start();
        return url;
      },
      close: () => app.close(),
      startupLine: (url) => ({
        fields: {
          environment: config.environment,
          url,
          publicUrl: runtime.publicUrl ?? null,
          storage: storage.main.location,
          workers: settings.workers,
          handlers: registry.prefixes,
        },
        message:
          `ConnectPay webhook receiver (${config.environment}) listening on ${url}: POST /webhooks/connectpay, POST /notifications/payments` +
          (config.environment === 'local' ? `; admin API with -H 'x-admin-key: ${LOCAL_DEV_ADMIN_KEY}'` : ''),
      }),
    };
  } catch (error) {
    credentials?.close();
    await client?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw error;
  }
}

function createClient(configuration: Configuration, storage: WebhookStorage, logger: Logger): ConnectPayClient {
  const { config, settings, tokenKey } = configuration;
  return createServiceClient({
    config,
    clientTrustPems: configuration.clientTrustPems,
    // Storage's TokenStore is the one transport takes: no wrapper (as the gateway's).
    tokens: tokenKey ? { store: storage.tokens.tokens, encryptionKey: tokenKey } : undefined,
    logger,
    userAgent: 'connectpay-kit-webhook',
    tuning: { timeouts: { headersMs: settings.upstreamTimeoutMs, bodyMs: settings.upstreamTimeoutMs } },
  });
}
