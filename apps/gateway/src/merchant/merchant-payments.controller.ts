import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ConnectPayConfigService } from '@connectpay-kit/config/nest';
import { contractProblems, type InitiatePaymentRequest, parsePaymentDetails } from '@connectpay-kit/hosts';
import { CALL_ERRORS, errorResponse } from '../docs/error-responses.js';
import { withGatewayDefaults } from '../docs/gateway-defaults.js';
import { ApiRoute } from '../docs/route-description.js';
import { ValidationFailedError } from '../errors/gateway-error.js';
import { type GatewayReply, type GatewayRequest, requestIdOf } from '../http/request-context.js';
import { parseRequest } from '../http/validation.js';
import { GATEWAY_SETTINGS, type LoadedSettings } from '../bootstrap/settings.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { insecureCallbackUrls } from './callback-urls.js';
import {
  InitiatePaymentRequestSchema,
  InitiatePaymentResponseSchema,
  PaymentDetailsSchema,
  PaymentIdParamsSchema,
} from './payment.schemas.js';

/** Merchant API v2 on the one-way host (Basic + RSA X-Signature, applied by transport). */
@Controller('v1/merchant/payments')
export class MerchantPaymentsController {
  constructor(
    private readonly upstream: UpstreamService,
    private readonly connectpay: ConnectPayConfigService,
    @Inject(GATEWAY_SETTINGS) private readonly configured: LoadedSettings,
  ) {}

  @Post()
  @ApiRoute({
    summary:
      "Create a merchant payment (Merchant API v2). Takes ConnectPay's published Initiate Payment body; merchant.brandId and notificationUrl default to the gateway's settings, language to EN.",
    body: { name: 'CreatePaymentRequest', schema: InitiatePaymentRequestSchema, adjust: withGatewayDefaults },
    responses: {
      '201': {
        description: "ConnectPay's answer: payment.paymentId and redirectUrl.",
        body: { name: 'PaymentCreated', schema: InitiatePaymentResponseSchema },
      },
      ...CALL_ERRORS,
      '4XX': errorResponse(
        'ConnectPay refused the payment: its status, with its body under error.provider (PROVIDER_ERROR).',
      ),
    },
  })
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
  @ApiRoute({
    summary: 'Get a merchant payment (Get Payment Details) with its status{code, isTerminal}.',
    params: PaymentIdParamsSchema,
    responses: {
      '200': {
        description: "ConnectPay's Get Payment Details body.",
        body: { name: 'PaymentDetails', schema: PaymentDetailsSchema },
      },
      '404': errorResponse('No such payment at ConnectPay (PROVIDER_ERROR, provider body attached).'),
      ...CALL_ERRORS,
    },
  })
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
      ? insecureCallbackUrls(parsed.data, this.connectpay.environment)
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
    const { merchantBrandId, notificationUrl } = this.configured.settings;
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
