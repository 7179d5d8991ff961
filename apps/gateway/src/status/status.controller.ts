import { Controller, Get, Header, HttpCode, NotFoundException, Post } from '@nestjs/common';
import type { ProbeReport } from '@connectpay-kit/certs';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { Public } from '../auth/public.decorator.js';
import { ApiRoute } from '../docs/route-description.js';
import { ReadinessService } from '../health/readiness.service.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { probeCurrentCertificate } from './handshake-probe.js';
import { type StatusPageData, renderStatusPage } from './status-page.js';

@Public()
@Controller('status')
export class StatusController {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly readiness: ReadinessService,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  @Get()
  @ApiRoute({
    summary:
      'A status page for people: environment, certificate chain and expiry timeline, token state, recent upstream errors.',
    responses: { '200': { description: 'HTML.', contentType: 'text/html' } },
  })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async page(): Promise<string> {
    return this.render();
  }

  /**
   * The page's "Probe the mTLS host" button (a plain form, no script), in local and stage only: the page
   * is not authenticated, and in prod the same probe is the API-key route POST /v1/admin/client-certificate/probe.
   */
  @Post('probe')
  @ApiRoute({
    summary:
      'The status page\'s "Probe the mTLS host" button: a TLS handshake to ConnectPay\'s mTLS host with the current client certificate, and the page with the verdict. Local and stage only.',
    responses: {
      '200': { description: 'HTML: the status page with the probe report.', contentType: 'text/html' },
      '404': { description: 'In prod: use POST /v1/admin/client-certificate/probe (x-api-key).' },
    },
  })
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async probe(): Promise<string> {
    if (!this.probeAllowed()) throw new NotFoundException();
    return this.render(await probeCurrentCertificate(this.runtime, this.connectpay.config));
  }

  private probeAllowed(): boolean {
    return this.connectpay.environment !== 'prod';
  }

  private async render(probe?: ProbeReport): Promise<string> {
    const { runtime } = this;
    return renderStatusPage({
      environment: this.connectpay.environment,
      baseUrls: this.connectpay.baseUrls,
      startedAt: runtime.startedAt,
      now: new Date(),
      readiness: await this.readiness.check(),
      token: await this.tokenState(),
      recentErrors: runtime.recentErrors.list(),
      warnings: runtime.warnings,
      probe: this.probeAllowed() ? { ...(probe ? { report: probe } : {}) } : undefined,
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
