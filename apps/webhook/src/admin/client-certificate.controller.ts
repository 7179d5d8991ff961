import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { isTransportError, RotationRefusedError, type RotationStatus } from '@connectpay-kit/transport';
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
  async switchNow(): Promise<RotationStatus> {
    try {
      return await this.runtime.rotation.switchNow('admin');
    } catch (error) {
      if (
        isTransportError(error) &&
        (error instanceof RotationRefusedError || error.code === 'TRANSPORT_CREDENTIALS_REJECTED')
      ) {
        throw new WebhookRequestError(409, 'WEBHOOK_ROTATION_REFUSED', error.message);
      }
      throw error;
    }
  }
}
