import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ValidationFailedError } from '../errors/gateway-error.js';
import { type GatewayReply, type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { parseRequest } from '../http/validation.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { insecureCallbackUrls } from './callback-urls.js';
import { type CreatePaymentBody, CreatePaymentBodySchema, PaymentIdParamsSchema } from './payment.schemas.js';

/** Merchant API v2 on the one-way host (Basic + RSA X-Signature, applied by transport). */
@Controller('v1/merchant/payments')
export class MerchantPaymentsController {
  constructor(
    private readonly upstream: UpstreamService,
    private readonly runtime: GatewayRuntime,
  ) {}

  @Post()
  async create(
    @Body() body: unknown,
    @Req() request: GatewayRequest,
    @Res({ passthrough: true }) response: GatewayReply,
  ): Promise<unknown> {
    const input = parseRequest(CreatePaymentBodySchema, body, 'body');
    const created = await this.upstream.call('merchant.payments.create', requestIdOf(request), {
      body: this.withMerchantDefaults(input),
    });
    response.status(created.status);
    return created.body;
  }

  @Get(':paymentId')
  async get(
    @Param() params: unknown,
    @Req() request: GatewayRequest,
    @Res({ passthrough: true }) response: GatewayReply,
  ): Promise<unknown> {
    const { paymentId } = parseRequest(PaymentIdParamsSchema, params, 'path');
    const payment = await this.upstream.call('merchant.payments.get', requestIdOf(request), { params: { paymentId } });
    response.status(payment.status);
    return payment.body;
  }

  private withMerchantDefaults(input: CreatePaymentBody): CreatePaymentBody {
    const { settings } = this.runtime;
    const insecure = insecureCallbackUrls(input, this.runtime.environment);
    if (insecure.length > 0) {
      throw new ValidationFailedError('The request body is invalid: fix the fields listed in details.', insecure);
    }
    const brandId = input.merchant?.brandId ?? settings.merchantBrandId;
    if (brandId === undefined) {
      throw new ValidationFailedError('The request body is invalid: fix a field listed in details.', [
        { path: 'merchant.brandId', message: 'is required: send it, or set GATEWAY_MERCHANT_BRAND_ID on the gateway.' },
      ]);
    }
    const notificationUrl = input.merchant?.notificationUrl ?? settings.notificationUrl;
    return {
      ...input,
      merchant: {
        ...input.merchant,
        brandId,
        language: input.merchant?.language ?? 'en',
        ...(notificationUrl !== undefined ? { notificationUrl } : {}),
      },
    };
  }
}
