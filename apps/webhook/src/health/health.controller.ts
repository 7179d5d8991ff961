import { Controller, Get, Header, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RotationStatus } from '@connectpay-kit/transport';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';

export interface ReadinessCheck {
  readonly ok: boolean;
  readonly detail: string;
}

export interface Readiness {
  readonly status: 'ready' | 'not_ready';
  readonly environment: string;
  readonly failing: readonly string[];
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
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
      storage: await ping(() => storage.main.ping(), storage.main.location),
      shutdown: this.runtime.isDraining
        ? { ok: false, detail: 'shutting down: finishing requests in flight' }
        : { ok: true, detail: 'serving' },
    };
    if (storage.tokens !== storage.main) {
      checks['tokenStorage'] = await ping(() => storage.tokens.ping(), storage.tokens.location);
    }
    const failing = Object.entries(checks)
      .filter(([, check]) => !check.ok)
      .map(([name]) => name);
    response.code(failing.length === 0 ? 200 : 503);
    return {
      status: failing.length === 0 ? 'ready' : 'not_ready',
      environment: this.connectpay.environment,
      failing,
      checks,
      rotation: this.runtime.rotation.status(),
    };
  }
}

async function ping(run: () => Promise<void>, location: string): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })), PING_TIMEOUT_MS);
      }),
    ]);
    return { ok: true, detail: `${location} answers` };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { ok: false, detail: `${location} does not answer${typeof code === 'string' ? ` (${code})` : ''}` };
  } finally {
    clearTimeout(timer);
  }
}
