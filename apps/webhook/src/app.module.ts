import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AdminKeyGuard } from './admin/admin-key.guard.js';
import { AdminController } from './admin/admin.controller.js';
import { ClientCertificateController } from './admin/client-certificate.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
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

@Module({})
export class AppModule {
  static register(runtime: WebhookRuntime): DynamicModule {
    return {
      module: AppModule,
      controllers: [AdminController, ClientCertificateController, AuthController, HealthController, MetricsController],
      providers: [{ provide: WebhookRuntime, useValue: runtime }, AdminKeyGuard, RuntimeShutdown],
    };
  }
}
