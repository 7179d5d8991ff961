import type { AddressInfo } from 'node:net';
import type { ConnectPayConfigModuleOptions } from '@connectpay-kit/config/nest';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import type { DestinationStream, Logger } from 'pino';
import { explainProfileFailure, type ServiceSettings } from '../load-configuration.js';
import type { ServiceDescriptor } from '../service.js';
import type { StartableService } from '../start.js';
import type { ClientParts } from '../client/connectpay-client.js';
import type { ConnectPayConfig } from '@connectpay-kit/config';
import { PinoNestLogger } from './pino-nest-logger.js';

export interface CreateServiceAppOptions<Settings> {
  readonly service: Pick<ServiceDescriptor, 'displayName' | 'readme'>;
  /** What loadServiceSettings returned: where the profile is read from, its environment, the settings. */
  readonly loaded: Pick<ServiceSettings<Settings>, 'environment' | 'devPkiDir' | 'source' | 'settings'>;
  readonly logger: Logger;
  /** The HTTP adapter, its edge already registered (service-kit/http). */
  readonly adapter: AbstractHttpAdapter;
}

/** What a service's root module's `register()` takes. */
export interface ServiceModuleOptions<Settings, Runtime> {
  /** Where the ConnectPay profile is read from and where its warnings go: its ConnectPayConfigModule import. */
  readonly profile: ConnectPayConfigModuleOptions;
  /** The service's own settings, validated before the app is built (its HTTP server needs them). */
  readonly settings: Settings;
  /** Builds the runtime from the profile ConnectPayConfigModule loaded and the settings. */
  readonly runtime: (config: ConnectPayConfig, settings: Settings) => Promise<Runtime>;
}

/** A service's root module: a dynamic module on ConnectPayConfigModule and a runtime provider. */
export interface ServiceModule<Settings, Runtime> {
  register(options: ServiceModuleOptions<Settings, Runtime>): DynamicModule;
}

/**
 * Creates a service's Nest app from its root module on the kit's ConnectPayConfigModule: the profile
 * is read from the service's source while the app is created, its warnings go to the service's
 * logger, and Nest's own lines too; `runtime` builds the service's runtime provider from it.
 * `abortOnError: false` hands a failure back instead of exiting; an invalid profile becomes the
 * StartupConfigError a bad setting gives (every variable to fix, exit 78). No body parser: each
 * service registers the bodies it accepts on the adapter.
 */
export async function createServiceApp<App extends INestApplication, Settings, Runtime>(
  module: ServiceModule<Settings, Runtime>,
  options: CreateServiceAppOptions<Settings>,
  runtime: ServiceModuleOptions<Settings, Runtime>['runtime'],
): Promise<App> {
  const { loaded, logger } = options;
  const profile: ConnectPayConfigModuleOptions = {
    source: loaded.source,
    onWarning: (warning) => logger.warn({ environment: loaded.environment }, warning),
  };
  try {
    return await NestFactory.create<App>(
      module.register({ profile, settings: loaded.settings, runtime }),
      options.adapter,
      { bodyParser: false, abortOnError: false, logger: new PinoNestLogger(logger) },
    );
  } catch (error) {
    throw explainProfileFailure(options.service, loaded, error);
  }
}

/** What every service's `create…` function takes (the gateway's, the webhook receiver's). */
export interface ServiceAppOptions {
  /** Variables to read; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths and of the workspace-root search; default `process.cwd()`. */
  readonly cwd?: string;
  /** Where the JSON logs go; default stdout. */
  readonly logDestination?: DestinationStream;
  /** Listen to SIGTERM/SIGINT for a graceful shutdown (main: yes; tests: no). */
  readonly shutdownHooks?: boolean;
}

/** A built service: its Nest app and runtime, and what startService needs to run it. */
export interface ServiceApp<
  App extends INestApplication,
  Runtime extends StartableService['runtime'],
> extends StartableService {
  readonly app: App;
  readonly runtime: Runtime;
}

/** Listens on `host:port` (0: any free port) and resolves to the base URL it got, IPv6 in brackets. */
export async function listenOn(app: INestApplication, port: number, host: string): Promise<string> {
  await app.listen(port, host);
  const address = app.getHttpServer().address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${shown}:${address.port}`;
}

/** What a service's runtime provider is given: the profile ConnectPayConfigModule loaded, and the rest. */
export interface RuntimeInputs<Loaded, Storage> {
  readonly config: ConnectPayConfig;
  /** The service's settings, as its loader returned them. */
  readonly configured: Loaded;
  readonly clientTrustPems: readonly string[];
  readonly storage: Storage;
  readonly logger: Logger;
  /** Where the provider records the client and certificate life it made (closed if the start fails). */
  readonly made: ClientParts;
}
