import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { ReadinessService } from '../health/readiness.service.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { type StatusPageData, renderStatusPage } from './status-page.js';

@Public()
@Controller('status')
export class StatusController {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly readiness: ReadinessService,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async page(): Promise<string> {
    const { runtime } = this;
    return renderStatusPage({
      environment: runtime.environment,
      baseUrls: runtime.config.baseUrls,
      startedAt: runtime.startedAt,
      now: new Date(),
      readiness: await this.readiness.check(),
      token: await this.tokenState(),
      recentErrors: runtime.recentErrors.list(),
      warnings: runtime.warnings,
    });
  }

  private async tokenState(): Promise<StatusPageData['token']> {
    const manager = this.runtime.client.oauth;
    if (!manager) return { state: 'unavailable', reason: 'CONNECTPAY_TOKEN_KEY_FILE is not set.' };
    try {
      return await manager.status();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return {
        state: 'unavailable',
        reason: `The token store cannot be read${typeof code === 'string' ? ` (${code})` : ''}.`,
      };
    }
  }
}
