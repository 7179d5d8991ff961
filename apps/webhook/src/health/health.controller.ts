import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RotationStatus } from '@connectpay-kit/transport';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { judgeReadiness, pingCheck, type ReadinessCheck, type ReadinessReport } from '@connectpay-kit/service-kit';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';

export type { ReadinessCheck };

export interface Readiness extends ReadinessReport {
  /** The current client certificate's days left and the staged next one (informational, never failing readiness). */
  readonly rotation: RotationStatus;
}

const PING_TIMEOUT_MS = 2_000;

@Controller('health')
export class HealthController {
  constructor(
    private readonly runtime: WebhookRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  /** The process serves HTTP: restart it only when this fails. */
  @Get('live')
  @Header('cache-control', 'no-store')
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready = storage answers (a delivery could be committed) and the process is not shutting down.
   * ConnectPay's own availability is deliberately not a check: receiving must go on while it is down.
   */
  @Get('ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) response: FastifyReply): Promise<Readiness> {
    const { storage } = this.runtime;
    const checks: Record<string, ReadinessCheck> = {
      storage: await pingCheck(() => storage.main.ping(), storage.main.location, PING_TIMEOUT_MS),
      shutdown: this.runtime.isDraining
        ? { ok: false, detail: 'shutting down: finishing requests in flight' }
        : { ok: true, detail: 'serving' },
    };
    if (storage.tokens !== storage.main) {
      checks['tokenStorage'] = await pingCheck(() => storage.tokens.ping(), storage.tokens.location, PING_TIMEOUT_MS);
    }
    const readiness = judgeReadiness(this.connectpay.environment, checks);
    response.code(readiness.status === 'ready' ? 200 : 503);
    return { ...readiness, rotation: this.runtime.rotation.status() };
  }
}
