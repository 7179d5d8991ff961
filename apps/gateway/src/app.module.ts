import { CONNECTPAY_CONFIG, ConnectPayConfigModule } from '@connectpay-kit/config/nest';
import type { ServiceModuleOptions } from '@connectpay-kit/service-kit/nest';
import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsController } from './accounts/accounts.controller.js';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { CatalogController } from './catalog/catalog.controller.js';
import { ApiReference } from './docs/api-reference.service.js';
import { DocsController } from './docs/docs.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { ReadinessService } from './health/readiness.service.js';
import { MerchantPaymentsController } from './merchant/merchant-payments.controller.js';
import { OAuthController } from './oauth/oauth.controller.js';
import { GATEWAY_SETTINGS, type LoadedSettings } from './bootstrap/settings.js';
import { GatewayRuntime } from './runtime/gateway-runtime.js';
import { ClientCertificateController } from './status/client-certificate.controller.js';
import { StatusController } from './status/status.controller.js';
import { UpstreamService } from './upstream/upstream.service.js';

/** Runs after the HTTP server stopped accepting and drained: then the pools and storage close. */
@Injectable()
class RuntimeShutdown implements OnApplicationShutdown {
  constructor(private readonly runtime: GatewayRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

export type GatewayModuleOptions = ServiceModuleOptions<LoadedSettings, GatewayRuntime>;

/**
 * The gateway runs on the kit's ConnectPayConfigModule, as a company's own Nest app would: the
 * profile is loaded and validated while the app is created, and reaches the runtime by injection.
 */
@Module({})
export class AppModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [ConnectPayConfigModule.forRoot(options.profile)],
      controllers: [
        MerchantPaymentsController,
        OAuthController,
        AccountsController,
        CatalogController,
        HealthController,
        MetricsController,
        DocsController,
        StatusController,
        ClientCertificateController,
      ],
      providers: [
        { provide: GATEWAY_SETTINGS, useValue: options.settings },
        { provide: GatewayRuntime, useFactory: options.runtime, inject: [CONNECTPAY_CONFIG, GATEWAY_SETTINGS] },
        UpstreamService,
        ReadinessService,
        RuntimeShutdown,
        ApiReference,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    };
  }
}
