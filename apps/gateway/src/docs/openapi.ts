import { API_CATALOG, API_NAMES, type ApiDefinition } from '@connectpay-kit/hosts';
import { z } from 'zod';
import { CatalogCallBodySchema, CatalogEntrySchema } from '../catalog/catalog.schemas.js';
import { TYPED_ENDPOINTS } from '../catalog/typed-endpoints.js';
import {
  InitiatePaymentRequestSchema,
  InitiatePaymentResponseSchema,
  PaymentDetailsSchema,
} from '../merchant/payment.schemas.js';
import { ExchangeCodeBodySchema, TokenStatusSchema } from '../oauth/oauth.schemas.js';
import { ErrorResponseSchema } from './error.schema.js';

type JsonObject = Record<string, unknown>;

export interface Operation {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly summary: string;
  readonly public?: boolean;
  readonly requestSchema?: string;
  readonly responses: Readonly<Record<string, { description: string; schema?: string; contentType?: string }>>;
  readonly parameters?: readonly JsonObject[];
}

const ERRORS = {
  '400': {
    description:
      'Invalid request (GATEWAY_VALIDATION_FAILED with details, GATEWAY_INVALID_JSON, GATEWAY_JSON_TOO_DEEP, GATEWAY_BAD_REQUEST, TRANSPORT_MISUSE).',
    schema: 'ErrorResponse',
  },
  '401': {
    description:
      'Missing or wrong x-api-key (GATEWAY_UNAUTHENTICATED), or ConnectPay refused the gateway credentials (PROVIDER_REJECTED_CREDENTIALS).',
    schema: 'ErrorResponse',
  },
  '502': {
    description:
      'Upstream failed: TLS, client certificate refused (cause says why), connection, a provider 5xx, or a 2xx that is not the API answer (PROVIDER_INVALID_RESPONSE).',
    schema: 'ErrorResponse',
  },
  '503': {
    description:
      'The gateway is overloaded (GATEWAY_OVERLOADED, with Retry-After), lacks a credential for this API (TRANSPORT_CREDENTIALS_MISSING) or is shutting down.',
    schema: 'ErrorResponse',
  },
  '504': {
    description:
      "ConnectPay did not answer within the call's budget (GATEWAY_UPSTREAM_TIMEOUT; cause names the phase: connect-, headers- or body-timeout).",
    schema: 'ErrorResponse',
  },
} as const;

const CALLABLE_APIS = API_NAMES.filter((api) => {
  const definition: ApiDefinition = API_CATALOG[api];
  return definition.scheme !== 'browser' && TYPED_ENDPOINTS[api] === undefined;
});

/** Every endpoint of the gateway; the OpenAPI document and the /docs page are both built from it. */
export const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/merchant/payments',
    summary:
      "Create a merchant payment (Merchant API v2). Takes ConnectPay's published Initiate Payment body; merchant.brandId and notificationUrl default to the gateway's settings, language to EN.",
    requestSchema: 'CreatePaymentRequest',
    responses: {
      '201': { description: "ConnectPay's answer: payment.paymentId and redirectUrl.", schema: 'PaymentCreated' },
      ...ERRORS,
      '4XX': {
        description: 'ConnectPay refused the payment: its status, with its body under error.provider (PROVIDER_ERROR).',
        schema: 'ErrorResponse',
      },
    },
  },
  {
    method: 'get',
    path: '/v1/merchant/payments/{paymentId}',
    summary: 'Get a merchant payment (Get Payment Details) with its status{code, isTerminal}.',
    parameters: [{ name: 'paymentId', in: 'path', required: true, schema: { type: 'string', maxLength: 200 } }],
    responses: {
      '200': { description: "ConnectPay's Get Payment Details body.", schema: 'PaymentDetails' },
      '404': {
        description: 'No such payment at ConnectPay (PROVIDER_ERROR, provider body attached).',
        schema: 'ErrorResponse',
      },
      ...ERRORS,
    },
  },
  {
    method: 'post',
    path: '/v1/oauth/token',
    summary:
      'Exchange an auth code for the OAuth token pair; the tokens are stored encrypted, only their state is returned.',
    requestSchema: 'ExchangeCodeRequest',
    responses: {
      '200': { description: 'The stored token state.', schema: 'TokenStatus' },
      ...ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/oauth/status',
    summary: 'State and expiry of the stored OAuth tokens (never their values).',
    responses: { '200': { description: 'The stored token state.', schema: 'TokenStatus' }, ...ERRORS },
  },
  {
    method: 'get',
    path: '/v1/accounts',
    summary: "The consenting Person's accounts (mTLS + OAuth bearer; the token is refreshed and rotated as needed).",
    responses: {
      '200': { description: "ConnectPay's body." },
      '409': {
        description: 'No usable OAuth grant: a person must issue a new auth code (TRANSPORT_NEW_AUTH_CODE_REQUIRED).',
        schema: 'ErrorResponse',
      },
      ...ERRORS,
    },
  },
  {
    method: 'get',
    path: '/v1/catalog',
    summary: 'The ConnectPay APIs the gateway knows and the endpoint that calls each.',
    responses: { '200': { description: 'The catalog.', schema: 'Catalog' }, '401': ERRORS['401'] },
  },
  {
    method: 'post',
    path: '/v1/catalog/{api}',
    summary:
      'Call a catalog API that has no typed endpoint, by name. Host, path, scheme and credentials come from the catalog.',
    parameters: [{ name: 'api', in: 'path', required: true, schema: { type: 'string', enum: CALLABLE_APIS } }],
    requestSchema: 'CatalogCallRequest',
    responses: {
      '2XX': { description: "ConnectPay's status and body." },
      '404': { description: 'Not a catalog API (GATEWAY_UNKNOWN_API).', schema: 'ErrorResponse' },
      ...ERRORS,
    },
  },
  {
    method: 'get',
    path: '/health/live',
    summary: 'Liveness: the process serves HTTP.',
    public: true,
    responses: { '200': { description: 'Alive.' } },
  },
  {
    method: 'get',
    path: '/health/ready',
    summary:
      'Readiness: config, credentials, client certificate (provider rules, days to expiry), storage; upstream in local.',
    public: true,
    responses: { '200': { description: 'Ready.' }, '503': { description: 'Not ready; `failing` names the checks.' } },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics.',
    public: true,
    responses: { '200': { description: 'Text format 0.0.4.', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/status',
    summary:
      'A status page for people: environment, certificate chain and expiry timeline, token state, recent upstream errors.',
    public: true,
    responses: { '200': { description: 'HTML.', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs',
    summary: 'This documentation as a page.',
    public: true,
    responses: { '200': { description: 'HTML.', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/docs/openapi.json',
    summary: 'This OpenAPI 3.1 document.',
    public: true,
    responses: { '200': { description: 'JSON.' } },
  },
];

const SCHEMAS: Readonly<Record<string, { schema: z.ZodType; io: 'input' | 'output' }>> = {
  CreatePaymentRequest: { schema: InitiatePaymentRequestSchema, io: 'input' },
  PaymentCreated: { schema: InitiatePaymentResponseSchema, io: 'output' },
  PaymentDetails: { schema: PaymentDetailsSchema, io: 'output' },
  ExchangeCodeRequest: { schema: ExchangeCodeBodySchema, io: 'input' },
  TokenStatus: { schema: TokenStatusSchema, io: 'output' },
  CatalogCallRequest: { schema: CatalogCallBodySchema, io: 'input' },
  Catalog: { schema: z.object({ apis: z.array(CatalogEntrySchema) }), io: 'output' },
  ErrorResponse: { schema: ErrorResponseSchema, io: 'output' },
};

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(version: string): JsonObject {
  const schemas = Object.fromEntries(
    Object.entries(SCHEMAS).map(([name, { schema, io }]) => {
      const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
      return [name, name === 'CreatePaymentRequest' ? withGatewayDefaults(json) : json];
    }),
  );
  const paths: Record<string, JsonObject> = {};
  for (const operation of OPERATIONS) {
    paths[operation.path] ??= {};
    (paths[operation.path] as JsonObject)[operation.method] = {
      summary: operation.summary,
      ...(operation.public ? { security: [] } : {}),
      ...(operation.parameters ? { parameters: operation.parameters } : {}),
      ...(operation.requestSchema
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: { $ref: `#/components/schemas/${operation.requestSchema}` } } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(operation.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
            ...(response.schema
              ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${response.schema}` } } } }
              : response.contentType
                ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
                : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ConnectPay gateway',
      version,
      description:
        'The API internal services call to reach ConnectPay: the gateway picks the host, scheme and credentials from the API catalog. ' +
        'Authenticate with the x-api-key header. Every answer carries x-request-id; errors share one shape (ErrorResponse).',
    },
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      headers: {
        RequestId: {
          description:
            "The request's id: the caller's x-request-id when valid, else a new uuid. Sent to ConnectPay as X-Request-ID.",
          schema: { type: 'string' },
        },
      },
      schemas,
    },
    paths,
  };
}

/**
 * The provider's schema requires merchant.brandId; through the gateway it may be left out when
 * GATEWAY_MERCHANT_BRAND_ID is set, so the published document says so.
 */
function withGatewayDefaults(json: JsonObject): JsonObject {
  const properties = json['properties'] as Record<string, JsonObject> | undefined;
  const merchant = properties?.['merchant'];
  if (!merchant) return json;
  const required = (merchant['required'] as string[] | undefined)?.filter((field) => field !== 'brandId');
  const merchantProperties = merchant['properties'] as Record<string, JsonObject> | undefined;
  return {
    ...json,
    properties: {
      ...properties,
      merchant: {
        ...merchant,
        ...(required ? { required } : {}),
        properties: {
          ...merchantProperties,
          brandId: { ...merchantProperties?.['brandId'], description: 'Default: GATEWAY_MERCHANT_BRAND_ID.' },
          notificationUrl: {
            ...merchantProperties?.['notificationUrl'],
            description: 'Per-payment status callback; https outside local. Default: GATEWAY_NOTIFICATION_URL.',
          },
        },
      },
    },
  };
}
