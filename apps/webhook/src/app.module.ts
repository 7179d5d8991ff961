import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CONNECTPAY_CONFIG, ConnectPayConfigModule } from '@connectpay-kit/config/nest';
import type { ServiceModuleOptions } from '@connectpay-kit/service-kit/nest';
import { AdminKeyGuard } from './admin/admin-key.guard.js';
import { AdminController } from './admin/admin.controller.js';
import { ClientCertificateController } from './admin/client-certificate.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { type LoadedSettings, WEBHOOK_SETTINGS } from './bootstrap/settings.js';
import { WebhookRuntime } from './runtime/webhook-runtime.js';

/**
 * Shutdown order: readiness fails and answers say `Connection: close` (before), the HTTP server
 * drains in-flight requests, every acknowledged delivery is already committed, then the workers
 * stop and the pools and storage close (after).
 */
@Injectable()
class RuntimeShutdown implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(private readonly runtime: WebhookRuntime) {}

  beforeApplicationShutdown(): void {
    this.runtime.startDraining();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

export type WebhookModuleOptions = ServiceModuleOptions<LoadedSettings, WebhookRuntime>;

/**
 * The receiver runs on the kit's ConnectPayConfigModule, as a company's own Nest app would: the
 * profile is loaded and validated while the app is created, and reaches the runtime by injection.
 */
@Module({})
export class AppModule {
  static register(options: WebhookModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [ConnectPayConfigModule.forRoot(options.profile)],
      controllers: [AdminController, ClientCertificateController, AuthController, HealthController, MetricsController],
      providers: [
        { provide: WEBHOOK_SETTINGS, useValue: options.settings },
        { provide: WebhookRuntime, useFactory: options.runtime, inject: [CONNECTPAY_CONFIG, WEBHOOK_SETTINGS] },
        AdminKeyGuard,
        RuntimeShutdown,
      ],
    };
  }
}
