import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { contractProblems, type InitiatePaymentRequest, parsePaymentDetails } from '@connectpay-kit/hosts';
import { ValidationFailedError } from '../errors/gateway-error.js';
import { type GatewayReply, type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { parseRequest } from '../http/validation.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { insecureCallbackUrls } from './callback-urls.js';
import { InitiatePaymentRequestSchema, PaymentIdParamsSchema } from './payment.schemas.js';

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
    const input = this.validate(this.withMerchantDefaults(body));
    const created = await this.upstream.call('merchant.payments.create', requestIdOf(request), { body: input });
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
    // The typed model (status{code,isTerminal}); fields ConnectPay adds beyond the published ones pass through.
    return parsePaymentDetails(payment.body).details;
  }

  /**
   * The published contract (packages/hosts), with messages that name each field and what it allows.
   * The https rule depends on the environment, so it is checked here rather than in the schema.
   */
  private validate(body: unknown): InitiatePaymentRequest {
    const parsed = InitiatePaymentRequestSchema.safeParse(body);
    const problems = parsed.success
      ? insecureCallbackUrls(parsed.data, this.runtime.environment)
      : contractProblems(parsed.error);
    if (!parsed.success || problems.length > 0) {
      const withHints = problems.map((problem) =>
        problem.path === 'merchant.brandId' && problem.message.startsWith('is required')
          ? { ...problem, message: 'is required: send it, or set GATEWAY_MERCHANT_BRAND_ID on the gateway.' }
          : problem,
      );
      const count = withHints.length === 1 ? 'a field' : `${withHints.length} fields`;
      throw new ValidationFailedError(`The request body is invalid: fix ${count} listed in details.`, withHints);
    }
    return parsed.data;
  }

  /**
   * merchant.brandId and merchant.notificationUrl default to the gateway's settings, filled in before
   * validation so one schema (the provider's, where brandId is mandatory) checks the result.
   */
  private withMerchantDefaults(body: unknown): unknown {
    if (!isRecord(body)) return body;
    const merchant = body['merchant'] ?? {};
    if (!isRecord(merchant)) return body;
    const { merchantBrandId, notificationUrl } = this.runtime.settings;
    return {
      ...body,
      merchant: {
        ...(merchantBrandId !== undefined ? { brandId: merchantBrandId } : {}),
        ...(notificationUrl !== undefined ? { notificationUrl } : {}),
        ...merchant,
      },
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
