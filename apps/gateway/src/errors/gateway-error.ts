import { ServiceRequestError } from '@connectpay-kit/service-kit';
import type { ErrorDetail } from './error-body.js';

/**
 * Stable codes of the gateway's own answers; callers match on these, never on messages. Its error
 * body also carries @connectpay-kit/transport's TRANSPORT_* codes (statuses in map-error.ts). A start
 * that cannot proceed raises @connectpay-kit/service-kit's SERVICE_* errors instead.
 */
export const GATEWAY_ERROR_CODES = [
  'GATEWAY_UNAUTHENTICATED',
  'GATEWAY_ROUTE_NOT_FOUND',
  'GATEWAY_UNKNOWN_API',
  'GATEWAY_API_NOT_CALLABLE',
  'GATEWAY_USE_TYPED_ENDPOINT',
  'GATEWAY_VALIDATION_FAILED',
  'GATEWAY_INVALID_JSON',
  'GATEWAY_UNSUPPORTED_MEDIA_TYPE',
  'GATEWAY_PAYLOAD_TOO_LARGE',
  'GATEWAY_INVALID_BODY',
  'GATEWAY_SHUTTING_DOWN',
  'GATEWAY_OVERLOADED',
  'GATEWAY_UPSTREAM_TIMEOUT',
  'GATEWAY_CALLER_GONE',
  'GATEWAY_BAD_REQUEST',
  'GATEWAY_REQUEST_TIMEOUT',
  'GATEWAY_URI_TOO_LONG',
  'GATEWAY_HEADERS_TOO_LARGE',
  'GATEWAY_JSON_TOO_DEEP',
  'GATEWAY_ROTATION_REFUSED',
  'PROVIDER_INVALID_RESPONSE',
  'PROVIDER_ERROR',
  'PROVIDER_REJECTED_CREDENTIALS',
  'GATEWAY_INTERNAL',
  'GATEWAY_HTTP_400',
  'GATEWAY_HTTP_401',
  'GATEWAY_HTTP_402',
  'GATEWAY_HTTP_403',
  'GATEWAY_HTTP_404',
  'GATEWAY_HTTP_405',
  'GATEWAY_HTTP_406',
  'GATEWAY_HTTP_407',
  'GATEWAY_HTTP_408',
  'GATEWAY_HTTP_409',
  'GATEWAY_HTTP_410',
  'GATEWAY_HTTP_411',
  'GATEWAY_HTTP_412',
  'GATEWAY_HTTP_413',
  'GATEWAY_HTTP_414',
  'GATEWAY_HTTP_415',
  'GATEWAY_HTTP_416',
  'GATEWAY_HTTP_417',
  'GATEWAY_HTTP_418',
  'GATEWAY_HTTP_421',
  'GATEWAY_HTTP_422',
  'GATEWAY_HTTP_423',
  'GATEWAY_HTTP_424',
  'GATEWAY_HTTP_425',
  'GATEWAY_HTTP_426',
  'GATEWAY_HTTP_428',
  'GATEWAY_HTTP_429',
  'GATEWAY_HTTP_431',
  'GATEWAY_HTTP_451',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const GATEWAY_ERROR_MEANING: Readonly<Record<GatewayErrorCode, string>> = {
  GATEWAY_UNAUTHENTICATED: 'The x-api-key header is missing or holds no key this gateway accepts.',
  GATEWAY_ROUTE_NOT_FOUND: 'No such route; GET /docs lists the endpoints.',
  GATEWAY_UNKNOWN_API: 'The API named in the catalog call is not in the ConnectPay catalog.',
  GATEWAY_API_NOT_CALLABLE: 'The API exists but cannot be called through the catalog route.',
  GATEWAY_USE_TYPED_ENDPOINT: 'The API has a typed endpoint, which must be used instead of the catalog route.',
  GATEWAY_VALIDATION_FAILED: 'The request does not fit the endpoint schema; details name each field.',
  GATEWAY_INVALID_JSON: 'The request body is not valid JSON.',
  GATEWAY_UNSUPPORTED_MEDIA_TYPE: 'The request body is not sent as application/json.',
  GATEWAY_PAYLOAD_TOO_LARGE: 'The request body is larger than the gateway accepts.',
  GATEWAY_INVALID_BODY: 'The request body does not match its Content-Length header.',
  GATEWAY_SHUTTING_DOWN: 'The replica is shutting down; retry on another one.',
  GATEWAY_OVERLOADED: 'Too many calls in flight and queued; retry after the Retry-After delay.',
  GATEWAY_UPSTREAM_TIMEOUT: 'ConnectPay did not answer within the call budget; cause names the phase.',
  GATEWAY_CALLER_GONE: 'The caller closed the connection; the upstream call was abandoned.',
  GATEWAY_BAD_REQUEST: 'The request is not valid HTTP/1.1 (bare CR, LF or NUL in a header, wrong framing).',
  GATEWAY_REQUEST_TIMEOUT: 'The request headers or body did not arrive in time.',
  GATEWAY_URI_TOO_LONG: 'A path segment of the URL is longer than the gateway accepts.',
  GATEWAY_HEADERS_TOO_LARGE: 'The request line and headers are larger than the gateway accepts.',
  GATEWAY_JSON_TOO_DEEP: 'The request body nests objects or arrays deeper than any gateway request does.',
  GATEWAY_ROTATION_REFUSED: 'A client certificate switch was asked for but nothing valid is staged.',
  PROVIDER_INVALID_RESPONSE: 'ConnectPay answered 2xx with something that is not the API answer.',
  PROVIDER_ERROR: 'ConnectPay answered with an error; its status and body are under error.provider.',
  PROVIDER_REJECTED_CREDENTIALS:
    'ConnectPay refused the gateway credentials (client id, secret, merchant key), not the caller api key.',
  GATEWAY_INTERNAL: 'The gateway failed on this request; the request id leads to the details in its logs.',
  GATEWAY_HTTP_400: 'A request refused by the HTTP framework with status 400 and no more specific code.',
  GATEWAY_HTTP_401: 'A request refused by the HTTP framework with status 401 and no more specific code.',
  GATEWAY_HTTP_402: 'A request refused by the HTTP framework with status 402 and no more specific code.',
  GATEWAY_HTTP_403: 'A request refused by the HTTP framework with status 403 and no more specific code.',
  GATEWAY_HTTP_404: 'A request refused by the HTTP framework with status 404 and no more specific code.',
  GATEWAY_HTTP_405: 'A request refused by the HTTP framework with status 405 and no more specific code.',
  GATEWAY_HTTP_406: 'A request refused by the HTTP framework with status 406 and no more specific code.',
  GATEWAY_HTTP_407: 'A request refused by the HTTP framework with status 407 and no more specific code.',
  GATEWAY_HTTP_408: 'A request refused by the HTTP framework with status 408 and no more specific code.',
  GATEWAY_HTTP_409: 'A request refused by the HTTP framework with status 409 and no more specific code.',
  GATEWAY_HTTP_410: 'A request refused by the HTTP framework with status 410 and no more specific code.',
  GATEWAY_HTTP_411: 'A request refused by the HTTP framework with status 411 and no more specific code.',
  GATEWAY_HTTP_412: 'A request refused by the HTTP framework with status 412 and no more specific code.',
  GATEWAY_HTTP_413: 'A request refused by the HTTP framework with status 413 and no more specific code.',
  GATEWAY_HTTP_414: 'A request refused by the HTTP framework with status 414 and no more specific code.',
  GATEWAY_HTTP_415: 'A request refused by the HTTP framework with status 415 and no more specific code.',
  GATEWAY_HTTP_416: 'A request refused by the HTTP framework with status 416 and no more specific code.',
  GATEWAY_HTTP_417: 'A request refused by the HTTP framework with status 417 and no more specific code.',
  GATEWAY_HTTP_418: 'A request refused by the HTTP framework with status 418 and no more specific code.',
  GATEWAY_HTTP_421: 'A request refused by the HTTP framework with status 421 and no more specific code.',
  GATEWAY_HTTP_422: 'A request refused by the HTTP framework with status 422 and no more specific code.',
  GATEWAY_HTTP_423: 'A request refused by the HTTP framework with status 423 and no more specific code.',
  GATEWAY_HTTP_424: 'A request refused by the HTTP framework with status 424 and no more specific code.',
  GATEWAY_HTTP_425: 'A request refused by the HTTP framework with status 425 and no more specific code.',
  GATEWAY_HTTP_426: 'A request refused by the HTTP framework with status 426 and no more specific code.',
  GATEWAY_HTTP_428: 'A request refused by the HTTP framework with status 428 and no more specific code.',
  GATEWAY_HTTP_429: 'A request refused by the HTTP framework with status 429 and no more specific code.',
  GATEWAY_HTTP_431: 'A request refused by the HTTP framework with status 431 and no more specific code.',
  GATEWAY_HTTP_451: 'A request refused by the HTTP framework with status 451 and no more specific code.',
};

/** The HTTP status each code is answered with, for docs/errors.md; a string where it depends on the provider. */
export const GATEWAY_ERROR_STATUS: Readonly<Record<GatewayErrorCode, number | string>> = {
  GATEWAY_UNAUTHENTICATED: 401,
  GATEWAY_ROUTE_NOT_FOUND: 404,
  GATEWAY_UNKNOWN_API: 404,
  GATEWAY_API_NOT_CALLABLE: 400,
  GATEWAY_USE_TYPED_ENDPOINT: 400,
  GATEWAY_VALIDATION_FAILED: 400,
  GATEWAY_INVALID_JSON: 400,
  GATEWAY_UNSUPPORTED_MEDIA_TYPE: 415,
  GATEWAY_PAYLOAD_TOO_LARGE: 413,
  GATEWAY_INVALID_BODY: 400,
  GATEWAY_SHUTTING_DOWN: 503,
  GATEWAY_OVERLOADED: 503,
  GATEWAY_UPSTREAM_TIMEOUT: 504,
  GATEWAY_CALLER_GONE: 499,
  GATEWAY_BAD_REQUEST: 400,
  GATEWAY_REQUEST_TIMEOUT: 408,
  GATEWAY_URI_TOO_LONG: 414,
  GATEWAY_HEADERS_TOO_LARGE: 431,
  GATEWAY_JSON_TOO_DEEP: 400,
  GATEWAY_ROTATION_REFUSED: 409,
  PROVIDER_INVALID_RESPONSE: 502,
  PROVIDER_ERROR: '502 for a provider 5xx, else the provider status (4xx)',
  PROVIDER_REJECTED_CREDENTIALS: 'the provider status (401 or 403)',
  GATEWAY_INTERNAL: 500,
  GATEWAY_HTTP_400: 400,
  GATEWAY_HTTP_401: 401,
  GATEWAY_HTTP_402: 402,
  GATEWAY_HTTP_403: 403,
  GATEWAY_HTTP_404: 404,
  GATEWAY_HTTP_405: 405,
  GATEWAY_HTTP_406: 406,
  GATEWAY_HTTP_407: 407,
  GATEWAY_HTTP_408: 408,
  GATEWAY_HTTP_409: 409,
  GATEWAY_HTTP_410: 410,
  GATEWAY_HTTP_411: 411,
  GATEWAY_HTTP_412: 412,
  GATEWAY_HTTP_413: 413,
  GATEWAY_HTTP_414: 414,
  GATEWAY_HTTP_415: 415,
  GATEWAY_HTTP_416: 416,
  GATEWAY_HTTP_417: 417,
  GATEWAY_HTTP_418: 418,
  GATEWAY_HTTP_421: 421,
  GATEWAY_HTTP_422: 422,
  GATEWAY_HTTP_423: 423,
  GATEWAY_HTTP_424: 424,
  GATEWAY_HTTP_425: 425,
  GATEWAY_HTTP_426: 426,
  GATEWAY_HTTP_428: 428,
  GATEWAY_HTTP_429: 429,
  GATEWAY_HTTP_431: 431,
  GATEWAY_HTTP_451: 451,
};

/**
 * The code of a 4xx the HTTP framework raised that no more specific code covers, one per status Node
 * knows, so no code is built at run time; a status outside this table answers GATEWAY_BAD_REQUEST.
 */
export const GATEWAY_HTTP_STATUS_CODES: Readonly<Record<number, GatewayErrorCode>> = {
  400: 'GATEWAY_HTTP_400',
  401: 'GATEWAY_HTTP_401',
  402: 'GATEWAY_HTTP_402',
  403: 'GATEWAY_HTTP_403',
  404: 'GATEWAY_HTTP_404',
  405: 'GATEWAY_HTTP_405',
  406: 'GATEWAY_HTTP_406',
  407: 'GATEWAY_HTTP_407',
  408: 'GATEWAY_HTTP_408',
  409: 'GATEWAY_HTTP_409',
  410: 'GATEWAY_HTTP_410',
  411: 'GATEWAY_HTTP_411',
  412: 'GATEWAY_HTTP_412',
  413: 'GATEWAY_HTTP_413',
  414: 'GATEWAY_HTTP_414',
  415: 'GATEWAY_HTTP_415',
  416: 'GATEWAY_HTTP_416',
  417: 'GATEWAY_HTTP_417',
  418: 'GATEWAY_HTTP_418',
  421: 'GATEWAY_HTTP_421',
  422: 'GATEWAY_HTTP_422',
  423: 'GATEWAY_HTTP_423',
  424: 'GATEWAY_HTTP_424',
  425: 'GATEWAY_HTTP_425',
  426: 'GATEWAY_HTTP_426',
  428: 'GATEWAY_HTTP_428',
  429: 'GATEWAY_HTTP_429',
  431: 'GATEWAY_HTTP_431',
  451: 'GATEWAY_HTTP_451',
};

/**
 * The base of every error the gateway raises: each is a request it answers itself, with an HTTP
 * status, in the documented error shape (service-kit's ServiceRequestError, typed by the codes above).
 */
export class GatewayError extends ServiceRequestError<GatewayErrorCode> {}

/** The class the gateway's errors extend: a request the gateway answers itself. */
export class GatewayRequestError extends GatewayError {}

/** A request that reached a replica after its shutdown began: the load balancer should retry it elsewhere. */
export class ShuttingDownError extends GatewayRequestError {
  constructor() {
    super(503, 'GATEWAY_SHUTTING_DOWN', 'This gateway replica is shutting down; retry the request on another one.');
  }
}

/**
 * More requests than the gateway serves at once and queues (GATEWAY_MAX_IN_FLIGHT, _MAX_QUEUED), or a
 * queued one waited GATEWAY_QUEUE_TIMEOUT_MS: shed at once, so the calls already admitted stay fast.
 */
export class OverloadedError extends GatewayRequestError {
  readonly retryAfterSeconds = 1;

  constructor(reason: 'full' | 'queue-timeout') {
    super(
      503,
      'GATEWAY_OVERLOADED',
      reason === 'full'
        ? 'The gateway is serving as many calls as it can and its queue is full; retry after the Retry-After delay, on another replica if you can.'
        : 'The gateway is overloaded: this request waited its longest in the queue; retry after the Retry-After delay, on another replica if you can.',
    );
  }
}

/** ConnectPay answered 2xx with something that is not the API's answer (an HTML page, a wrong shape). */
export class ProviderInvalidResponseError extends GatewayRequestError {
  constructor(
    readonly api: string,
    message: string,
    readonly bodySha256: string,
  ) {
    super(502, 'PROVIDER_INVALID_RESPONSE', message);
  }
}

export class UnauthenticatedError extends GatewayRequestError {
  constructor(message: string) {
    super(401, 'GATEWAY_UNAUTHENTICATED', message);
  }
}

export class ValidationFailedError extends GatewayRequestError {
  constructor(message: string, details: readonly ErrorDetail[]) {
    super(400, 'GATEWAY_VALIDATION_FAILED', message, details);
  }
}

export class UnknownApiError extends GatewayRequestError {
  constructor(api: string, suggestions: readonly string[]) {
    const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    super(
      404,
      'GATEWAY_UNKNOWN_API',
      `"${truncate(api)}" is not an API in the ConnectPay catalog; GET /docs lists the ones the gateway can call.${hint}`,
    );
  }
}

export class ApiNotCallableError extends GatewayRequestError {
  constructor(message: string) {
    super(400, 'GATEWAY_API_NOT_CALLABLE', message);
  }
}

export class UseTypedEndpointError extends GatewayRequestError {
  constructor(api: string, endpoint: string) {
    super(
      400,
      'GATEWAY_USE_TYPED_ENDPOINT',
      `"${api}" has a typed endpoint: call ${endpoint} instead, which validates the body and keeps the gateway's state consistent.`,
    );
  }
}

export function truncate(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** True for any error the gateway itself raises (its own classes only; transport errors have their own guard). */
export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
