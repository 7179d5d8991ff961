import 'reflect-metadata';
import { Secret } from '@connectpay-kit/config';
import { API_CATALOG, API_NAMES, type ApiDefinition } from '@connectpay-kit/hosts';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ClientCredentials, ConnectPayClient } from '@connectpay-kit/transport';
import type { ConnectPayConfig } from '@connectpay-kit/config';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import {
  closeIfBuildFails,
  loadServiceSettings,
  logStartupWarnings,
  openStorageOrExplain,
} from '@connectpay-kit/service-kit';
import { ClientParts, createServiceClient, manageClientCredentials } from '@connectpay-kit/service-kit/client';
import {
  type EdgeLimits,
  edgeServerOptions,
  refuseOversizedContinue,
  registerRequestContext,
  requestIdOf,
} from '@connectpay-kit/service-kit/http';
import {
  createServiceApp,
  listenOn,
  type RuntimeInputs as ServiceRuntimeInputs,
  type ServiceApp,
  type ServiceAppOptions,
} from '@connectpay-kit/service-kit/nest';
import type { Logger } from 'pino';
import { AppModule } from '../app.module.js';
import { LOCAL_DEV_API_KEY } from '../auth/api-keys.js';
import { serveCatalogCallsDirectly } from '../catalog/catalog-call.direct.js';
import { registerCatalogCallRoute } from '../catalog/catalog-call.route.js';
import { GatewayExceptionFilter } from '../errors/gateway-exception.filter.js';
import { CertificateMonitor } from '../health/certificate-monitor.js';
import { registerJsonBodies } from '../http/json-bodies.js';
import { AdmissionControl, CallerRegistry, registerAdmission, shedAtTheDoor } from '../http/admission.js';
import { GATEWAY_SOCKET_REFUSALS, PayloadTooLargeError } from '../http/edge.js';
import { ShuttingDownError } from '../errors/gateway-error.js';
import { sendError } from '../errors/send-error.js';
import { createLoggers } from '../observability/logger.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { RecentUpstreamErrors } from '../observability/recent-errors.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { type GatewayStorage, openGatewayStorage } from '../storage/gateway-storage.js';
import { GATEWAY_SERVICE } from './service.js';
import { type LoadedSettings, loadGatewaySettings } from './settings.js';

export type CreateGatewayOptions = ServiceAppOptions;

/** `listen()` serves on GATEWAY_HOST:GATEWAY_PORT; `close()` lets in-flight calls finish, then closes the pools and storage. */
export type Gateway = ServiceApp<NestFastifyApplication, GatewayRuntime>;

const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Builds the whole gateway without listening. Its settings are read first (the HTTP server, door,
 * loggers and storage need them); the ConnectPay profile is loaded by the app itself, through the
 * kit's ConnectPayConfigModule, and the runtime (client, certificate life, health) is a provider built
 * from the injected profile and settings. A bad profile fails app creation with the same
 * StartupConfigError (every variable to fix, exit 78) a bad setting gives.
 */
export async function createGateway(options: CreateGatewayOptions = {}): Promise<Gateway> {
  const loaded = await loadServiceSettings({ ...options, service: GATEWAY_SERVICE, loadSettings: loadGatewaySettings });
  const { settings } = loaded.settings;
  const { logger, accessLogger } = createLoggers({
    level: settings.logLevel,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const storage = await openStorageOrExplain(GATEWAY_SERVICE, loaded.environment, () =>
    openGatewayStorage(settings.storageLocation),
  );
  // What this start opened: the storage, then what the runtime provider makes; closed if anything after fails.
  const made = new ClientParts(storage);
  return closeIfBuildFails(made, async () => {
    const metrics = new GatewayMetrics();
    // The door's state needs only the settings: it is registered on Fastify before the app exists.
    const callers = new CallerRegistry();
    const admission = new AdmissionControl(
      { maxInFlight: settings.maxInFlight, maxQueued: settings.maxQueued, queueTimeoutMs: settings.queueTimeoutMs },
      metrics,
      logger,
    );
    metrics.watchAdmission(() => ({ inFlight: admission.active, queued: admission.queued }));

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
    registerAdmission(adapter.getInstance(), admission, callers, requestIdOf);
    registerJsonBodies(adapter.getInstance(), BODY_LIMIT_BYTES);
    const parts = { clientTrustPems: loaded.clientTrustPems, storage, logger, metrics, admission, callers, made };
    const app = await createServiceApp<NestFastifyApplication, LoadedSettings, GatewayRuntime>(
      AppModule,
      { service: GATEWAY_SERVICE, loaded, logger, adapter },
      (config, configured) => buildRuntime({ config, configured, ...parts }),
    );
    const runtime = app.get(GatewayRuntime);
    const { baseUrls } = app.get(ConnectPayConfigService);
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
      listen: () => listenOn(app, settings.port, settings.host),
      async close() {
        await app.close();
      },
      startupLine: (url) => ({
        fields: {
          environment: runtime.environment,
          url,
          mtlsUrl: baseUrls.mtls,
          onewayUrl: baseUrls.oneway,
        },
        message:
          `ConnectPay gateway (${runtime.environment}) listening on ${url}` +
          (runtime.environment === 'local'
            ? ` - call it with -H 'x-api-key: ${LOCAL_DEV_API_KEY}'; docs at ${url}/docs, status at ${url}/status`
            : ''),
      }),
    };
  });
}

interface RuntimeInputs extends ServiceRuntimeInputs<LoadedSettings, GatewayStorage> {
  readonly metrics: GatewayMetrics;
  readonly admission: AdmissionControl;
  readonly callers: CallerRegistry;
}

/** The gateway's runtime from the injected profile and settings: client, certificate life, health. */
async function buildRuntime(inputs: RuntimeInputs): Promise<GatewayRuntime> {
  const { config, configured, storage, logger, metrics, made } = inputs;
  const client = createClient(config, configured, inputs.clientTrustPems, storage, logger, metrics);
  made.client = client;
  const certificates = new CertificateMonitor(config, { trust: inputs.clientTrustPems });
  // The health page and readiness judge the chain the client presents now: after a reload of its
  // files, a staged switch or a rollback.
  const credentials = await manageClientCredentials({
    config,
    client,
    clientTrustPems: inputs.clientTrustPems,
    logger,
    onCurrentChange: (current) => useChain(certificates, current),
  });
  made.credentials = credentials;
  return new GatewayRuntime({
    environment: config.environment,
    settings: configured.settings,
    apiKeys: configured.apiKeys,
    client,
    storage,
    logger,
    metrics,
    recentErrors: new RecentUpstreamErrors(20),
    certificates,
    ...(credentials.watcher ? { credentialWatcher: credentials.watcher } : {}),
    rotation: credentials.rotation,
    admission: inputs.admission,
    callers: inputs.callers,
    warnings: logStartupWarnings(config, configured.warnings, logger),
  });
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
  config: ConnectPayConfig,
  configured: LoadedSettings,
  clientTrustPems: readonly string[],
  storage: GatewayStorage,
  logger: Logger,
  metrics: GatewayMetrics,
): ConnectPayClient {
  const { settings, tokenKey } = configured;
  return createServiceClient({
    config,
    clientTrustPems,
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
