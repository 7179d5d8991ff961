import { Controller, HttpCode, Post } from '@nestjs/common';
import type { ProbeReport } from '@connectpay-kit/certs';
import type { RotationStatus } from '@connectpay-kit/transport';
import { switchClientCertificateNow } from '@connectpay-kit/service-kit/client';
import { UNAUTHENTICATED, errorResponse } from '../docs/error-responses.js';
import { ApiRoute } from '../docs/route-description.js';
import { GatewayRequestError } from '../errors/gateway-error.js';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { probeCurrentCertificate } from './handshake-probe.js';

/**
 * The operator's switch to the staged next client certificate, for when ConnectPay attached it
 * before the agreed CONNECTPAY_<ENV>_SWITCH_AT. API-key authenticated like every /v1 route. It
 * switches this replica only: replicas follow the same _SWITCH_AT, or each gets this call.
 */
@Controller('v1/admin/client-certificate')
export class ClientCertificateController {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly connectpay: ConnectPayConfigService,
  ) {}

  /** 200 with the rotation status after the switch; 409 GATEWAY_ROTATION_REFUSED when nothing valid is staged. */
  @Post('switch')
  @ApiRoute({
    summary:
      'Switch this replica to the staged next client certificate now, before CONNECTPAY_<ENV>_SWITCH_AT (docs/rotating-certificates.md).',
    responses: {
      '200': { description: 'The rotation status after the switch.', contentType: 'application/json' },
      ...UNAUTHENTICATED,
      '409': errorResponse('No valid next certificate is staged, or it was refused (GATEWAY_ROTATION_REFUSED).'),
    },
  })
  @HttpCode(200)
  switchNow(): Promise<RotationStatus> {
    return switchClientCertificateNow(
      this.runtime.rotation,
      (message) => new GatewayRequestError(409, 'GATEWAY_ROTATION_REFUSED', message),
    );
  }

  /**
   * A TLS handshake to ConnectPay's mTLS host with the certificate presented now, and the verdict in the
   * provider's terms (cert-check probe's report). Sends no API request.
   */
  @Post('probe')
  @ApiRoute({
    summary:
      "A TLS handshake to ConnectPay's mTLS host with the client certificate presented now, and the verdict in the provider's terms (cert-check probe's report). Sends no API request.",
    responses: {
      '200': {
        description: 'The probe report (verdict, clientCertificateRequested, ...).',
        contentType: 'application/json',
      },
      ...UNAUTHENTICATED,
    },
  })
  @HttpCode(200)
  probe(): Promise<ProbeReport> {
    return probeCurrentCertificate(this.runtime, this.connectpay.config);
  }
}
