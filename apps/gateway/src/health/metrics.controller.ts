import { Controller, Get, Header, Res } from '@nestjs/common';
import { Public } from '../auth/public.decorator.js';
import { ApiRoute } from '../docs/route-description.js';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import type { GatewayReply } from '../http/request-context.js';

@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  /** Prometheus text format; the certificate gauge is refreshed on every scrape. */
  @Get()
  @ApiRoute({
    summary: 'Prometheus metrics.',
    responses: { '200': { description: 'Text format 0.0.4.', contentType: 'text/plain' } },
  })
  @Header('cache-control', 'no-store')
  async metrics(@Res({ passthrough: true }) response: GatewayReply): Promise<string> {
    const { metrics, client } = this.runtime;
    const { environment } = this.connectpay;
    const identity = client.identity;
    metrics.certificateExpiry.reset();
    if (identity) {
      metrics.certificateExpiry.set(
        { environment, fingerprint: identity.leafFingerprint },
        Math.floor((identity.notAfter.getTime() - Date.now()) / 1000),
      );
    }
    const next = this.runtime.rotation.status().next;
    metrics.nextCertificateReady.set({ environment }, next.ready ? 1 : 0);
    metrics.nextCertificateExpiry.reset();
    if (next.certificate) {
      metrics.nextCertificateExpiry.set(
        { environment, fingerprint: next.certificate.leafFingerprint },
        Math.floor((Date.parse(next.certificate.notAfter) - Date.now()) / 1000),
      );
    }
    response.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  }
}
