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

export interface CreateServiceAppOptions {
  readonly service: Pick<ServiceDescriptor, 'displayName' | 'readme'>;
  /** What loadServiceSettings returned: where the profile is read from, and its environment. */
  readonly loaded: Pick<ServiceSettings<unknown>, 'environment' | 'devPkiDir' | 'source'>;
  readonly logger: Logger;
  /** The app's root module, given the options its `ConnectPayConfigModule.forRoot` import takes. */
  readonly module: (profile: ConnectPayConfigModuleOptions) => DynamicModule;
  /** The HTTP adapter, its edge already registered (service-kit/http). */
  readonly adapter: AbstractHttpAdapter;
}

/**
 * Creates a service's Nest app on the kit's ConnectPayConfigModule: the profile is read from the
 * service's source while the app is created, its warnings go to the service's logger, and Nest's
 * own lines too. `abortOnError: false` hands a failure back instead of exiting; an invalid profile
 * becomes the StartupConfigError a bad setting gives (every variable to fix, exit 78). No body
 * parser: each service registers the bodies it accepts on the adapter.
 */
export async function createServiceApp<App extends INestApplication>(options: CreateServiceAppOptions): Promise<App> {
  const { loaded, logger } = options;
  const profile: ConnectPayConfigModuleOptions = {
    source: loaded.source,
    onWarning: (warning) => logger.warn({ environment: loaded.environment }, warning),
  };
  try {
    return await NestFactory.create<App>(options.module(profile), options.adapter, {
      bodyParser: false,
      abortOnError: false,
      logger: new PinoNestLogger(logger),
    });
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
