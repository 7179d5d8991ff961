import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import type { RotationStatus } from '@connectpay-kit/transport';
import { switchClientCertificateNow } from '@connectpay-kit/service-kit/client';
import { WebhookRequestError } from '../errors/webhook-error.js';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';
import { AdminKeyGuard } from './admin-key.guard.js';

/**
 * The staged client certificate behind `x-admin-key`: its state, and the switch for when ConnectPay
 * attached it before CONNECTPAY_<ENV>_SWITCH_AT. Make the same call on the gateway: each process
 * switches itself.
 */
@Controller('admin/client-certificate')
@UseGuards(AdminKeyGuard)
export class ClientCertificateController {
  constructor(private readonly runtime: WebhookRuntime) {}

  @Get()
  status(): RotationStatus {
    return this.runtime.rotation.status();
  }

  /** 200 with the status after the switch; 409 WEBHOOK_ROTATION_REFUSED when nothing valid is staged. */
  @Post('switch')
  @HttpCode(200)
  switchNow(): Promise<RotationStatus> {
    return switchClientCertificateNow(
      this.runtime.rotation,
      (message) => new WebhookRequestError(409, 'WEBHOOK_ROTATION_REFUSED', message),
    );
  }
}
