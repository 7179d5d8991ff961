import type { ConnectPayConfigModuleOptions } from '@connectpay-kit/config/nest';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { explainProfileFailure, type ServiceSettings } from '../load-configuration.js';
import type { ServiceDescriptor } from '../service.js';
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
