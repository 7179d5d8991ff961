import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Secret } from '@connectpay-kit/config';
import { API_CATALOG, API_NAMES, type ApiDefinition } from '@connectpay-kit/hosts';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ClientCredentials, ConnectPayClient } from '@connectpay-kit/transport';
import { openStorageOrExplain, type StartupLine } from '@connectpay-kit/service-kit';
import {
  type ClientCredentialsLifecycle,
  createServiceClient,
  manageClientCredentials,
} from '@connectpay-kit/service-kit/client';
import {
  type EdgeLimits,
  edgeServerOptions,
  refuseOversizedContinue,
  registerRequestContext,
  requestIdOf,
} from '@connectpay-kit/service-kit/http';
import { PinoNestLogger } from '@connectpay-kit/service-kit/nest';
import type { DestinationStream, Logger } from 'pino';
import { AppModule } from '../app.module.js';
import { LOCAL_DEV_API_KEY } from '../auth/api-keys.js';
import { serveCatalogCallsDirectly } from '../catalog/catalog-call.direct.js';
import { registerCatalogCallRoute } from '../catalog/catalog-call.route.js';
import { GatewayExceptionFilter } from '../errors/gateway-exception.filter.js';
import { CertificateMonitor } from '../health/certificate-monitor.js';
import { registerJsonBodies } from '../http/json-bodies.js';
import { registerAdmission, shedAtTheDoor } from '../http/admission.js';
import { GATEWAY_SOCKET_REFUSALS, PayloadTooLargeError } from '../http/edge.js';
import { ShuttingDownError } from '../errors/gateway-error.js';
import { sendError } from '../errors/send-error.js';
import { createLoggers } from '../observability/logger.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { RecentUpstreamErrors } from '../observability/recent-errors.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { type GatewayStorage, openGatewayStorage } from '../storage/gateway-storage.js';
import { type Configuration, loadConfiguration } from './load-configuration.js';
import { GATEWAY_SERVICE } from './service.js';

export interface CreateGatewayOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths and of the workspace-root search; default `process.cwd()`. */
  readonly cwd?: string;
  /** Where the JSON logs go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** Listen to SIGTERM/SIGINT for a graceful shutdown (main: yes; tests: no). */
  readonly shutdownHooks?: boolean;
}

export interface Gateway {
  readonly app: NestFastifyApplication;
  readonly runtime: GatewayRuntime;
  /** Starts serving on GATEWAY_HOST:GATEWAY_PORT; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight calls finish, then closes the pools and storage. */
  close(): Promise<void>;
  /** What the process entry logs once the gateway listens at `url`. */
  startupLine(url: string): StartupLine;
}

const BODY_LIMIT_BYTES = 256 * 1024;

/** Builds the whole gateway (configuration, storage, ConnectPay client, Nest app) without listening. */
export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const env = options.env ?? process.env;
  const configuration = await loadConfiguration(env, options.cwd ?? process.cwd());
  const { config, settings } = configuration;
  const { logger, accessLogger } = createLoggers({
    level: settings.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const storage = await openStorageOrExplain(GATEWAY_SERVICE, config.environment, () =>
    openGatewayStorage(settings.storageLocation),
  );
  let client: ConnectPayClient | undefined;
  let credentials: ClientCredentialsLifecycle | undefined;
  try {
    const metrics = new GatewayMetrics();
    client = createClient(configuration, storage, logger, metrics);
    const certificates = new CertificateMonitor(config, { trust: configuration.clientTrustPems });
    // The health page and readiness judge the chain the client presents now: after a reload of its
    // files, a staged switch or a rollback.
    credentials = await manageClientCredentials({
      config,
      client,
      clientTrustPems: configuration.clientTrustPems,
      logger,
      onCurrentChange: (current) => useChain(certificates, current),
    });
    const runtime = new GatewayRuntime({
      config,
      settings,
      apiKeys: configuration.apiKeys,
      client,
      storage,
      logger,
      metrics,
      recentErrors: new RecentUpstreamErrors(20),
      certificates,
      ...(credentials.watcher ? { credentialWatcher: credentials.watcher } : {}),
      rotation: credentials.rotation,
      warnings: configuration.warnings,
    });
    for (const warning of runtime.warnings) logger.warn({ environment: config.environment }, warning);

    // Fastify, not Express: on the same proxied call Nest on Fastify serves about 2.7x the requests
    // of Nest on Express (tools/bench/gateway, apps/gateway/README.md "Performance").
    const edge: EdgeLimits = {
      bodyLimitBytes: BODY_LIMIT_BYTES,
      headersTimeoutMs: settings.headersTimeoutMs,
      bodyTimeoutMs: settings.bodyTimeoutMs,
    };
    const adapter = new FastifyAdapter(
      edgeServerOptions({
        limits: edge,
        codes: GATEWAY_SOCKET_REFUSALS,
        logger,
        frameworkErrors: (error, request, reply) => sendError(error, request, reply, logger),
      }),
    );
    const tooLarge = new PayloadTooLargeError(BODY_LIMIT_BYTES);
    refuseOversizedContinue(adapter.getInstance().server, BODY_LIMIT_BYTES, tooLarge, logger);
    const drain = registerRequestContext(adapter.getInstance(), {
      accessLogger,
      countRequest: (route, method, status) => metrics.countRequest(route, method, status),
      bodyLimitBytes: BODY_LIMIT_BYTES,
      payloadTooLarge: () => new PayloadTooLargeError(BODY_LIMIT_BYTES),
      // A request still arriving on a busy keep-alive connection once close() began gets 503 in the
      // gateway's error shape, and calls nothing.
      shuttingDown: () => new ShuttingDownError(),
    });
    registerAdmission(adapter.getInstance(), runtime.admission, runtime.callers, requestIdOf);
    registerJsonBodies(adapter.getInstance(), BODY_LIMIT_BYTES);
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(runtime), adapter, {
      bodyParser: false,
      abortOnError: false,
      logger: new PinoNestLogger(logger),
    });
    app.useGlobalFilters(new GatewayExceptionFilter(runtime));
    const upstream = app.get(UpstreamService);
    registerCatalogCallRoute(adapter.getInstance(), { apiKeys: runtime.apiKeys, upstream, logger });
    // The same route's ordinary requests, served at the Node server; the door refuses before both.
    serveCatalogCallsDirectly(adapter.getInstance().server, {
      fastify: adapter.getInstance(),
      apiKeys: runtime.apiKeys,
      upstream,
      logger,
      accessLogger,
      metrics: runtime.metrics,
      admission: runtime.admission,
      callers: runtime.callers,
      bodyLimitBytes: BODY_LIMIT_BYTES,
      draining: () => drain.draining,
    });
    shedAtTheDoor(adapter.getInstance().server, runtime.admission);
    if (options.shutdownHooks) app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

    return {
      app,
      runtime,
      async listen() {
        await app.listen(settings.port, settings.host);
        const address = app.getHttpServer().address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        return `http://${host}:${address.port}`;
      },
      async close() {
        await app.close();
      },
      startupLine: (url) => ({
        fields: {
          environment: config.environment,
          url,
          mtlsUrl: config.baseUrls.mtls,
          onewayUrl: config.baseUrls.oneway,
        },
        message:
          `ConnectPay gateway (${config.environment}) listening on ${url}` +
          (config.environment === 'local'
            ? ` - call it with -H 'x-api-key: ${LOCAL_DEV_API_KEY}'; docs at ${url}/docs, status at ${url}/status`
            : ''),
      }),
    };
  } catch (error) {
    credentials?.close();
    await client?.close().catch(() => undefined);
    await storage.close().catch(() => undefined);
    throw error;
  }
}

/** The health page and readiness judge the chain the client presents now. */
function useChain(certificates: CertificateMonitor, credentials: ClientCredentials): void {
  const key = credentials.privateKeyPem;
  certificates.useChain(credentials.certChainPem, typeof key === 'string' ? new Secret(key) : key);
}

/** The longest call budget of any API: the default, or a catalog entry's own `timeoutMs`. */
function longestBudget(defaultMs: number): number {
  return Math.max(defaultMs, ...API_NAMES.map((api) => (API_CATALOG[api] as ApiDefinition).timeoutMs ?? 0));
}

function createClient(
  configuration: Configuration,
  storage: GatewayStorage,
  logger: Logger,
  metrics: GatewayMetrics,
): ConnectPayClient {
  const { config, settings, tokenKey } = configuration;
  return createServiceClient({
    config,
    clientTrustPems: configuration.clientTrustPems,
    tokens: tokenKey ? { store: storage.tokens, encryptionKey: tokenKey } : undefined,
    logger,
    userAgent: 'connectpay-kit-gateway',
    tuning: {
      // Each call's whole budget is its deadline (UpstreamService); the pools' idle timeouts only back it up.
      callTimeoutMs: settings.upstreamTimeoutMs,
      timeouts: {
        headersMs: longestBudget(settings.upstreamTimeoutMs),
        bodyMs: longestBudget(settings.upstreamTimeoutMs),
      },
      onCall: (event) => {
        metrics.countUpstreamCall(event.api, event.status ?? 0);
        metrics.upstreamLatency.observe({ api: event.api }, event.durationMs / 1000);
        if (event.errorCode) metrics.upstreamErrors.inc({ api: event.api, code: event.errorCode });
      },
    },
  });
}
