import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, registerAs } from '@nestjs/config';
import type { Environment } from '@connectpay-kit/hosts';
import type { ConfigSource } from '../env-source.js';
import { loadConfig, loadConfigFromEnv } from '../load.js';
import type { ConnectPayConfig } from '../types.js';
import type { CredentialKind } from '../variables.js';
import { ConnectPayConfigService } from './connectpay-config.service.js';
import { CONNECTPAY_CONFIG, CONNECTPAY_CONFIG_NAMESPACE } from './tokens.js';

export interface ConnectPayConfigModuleOptions {
  /** The environment to load; default: `CONNECTPAY_ENV` (`local` when unset). */
  readonly environment?: Environment;
  /** Where variables, `.env.<env>` files and the dev PKI are read from; default: the process's. */
  readonly source?: ConfigSource;
  /** Credential groups the app cannot run without; default `DEFAULT_REQUIRE[environment]`. */
  readonly require?: readonly CredentialKind[];
  /** Register the module globally (default true): one profile per process. */
  readonly isGlobal?: boolean;
  /** Where warnings go; default Nest's Logger (they never contain secrets). */
  readonly onWarning?: (warning: string) => void;
}

/**
 * Loads and validates the ConnectPay profile while the app starts. An invalid profile throws the
 * InvalidConfigError (listing every variable to fix) out of app creation, so a misconfigured
 * process never serves a request.
 */
@Module({})
export class ConnectPayConfigModule {
  static forRoot(options: ConnectPayConfigModuleOptions = {}): DynamicModule {
    const namespace = registerAs(CONNECTPAY_CONFIG_NAMESPACE, () => load(options));
    return {
      module: ConnectPayConfigModule,
      global: options.isGlobal ?? true,
      // The profile reads its own variables and .env.<env> file; @nestjs/config must not load a .env too.
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [namespace] })],
      providers: [
        { provide: CONNECTPAY_CONFIG, useFactory: (config: ConnectPayConfig) => config, inject: [namespace.KEY] },
        ConnectPayConfigService,
      ],
      exports: [CONNECTPAY_CONFIG, ConnectPayConfigService],
    };
  }
}

function load(options: ConnectPayConfigModuleOptions): ConnectPayConfig {
  const loadOptions = options.require === undefined ? {} : { require: options.require };
  const config: ConnectPayConfig =
    options.environment === undefined
      ? loadConfigFromEnv(options.source, loadOptions)
      : loadConfig(options.environment, options.source, loadOptions);
  const warn = options.onWarning ?? ((warning: string) => new Logger('ConnectPayConfig').warn(warning));
  for (const warning of config.warnings) warn(warning);
  return config;
}
