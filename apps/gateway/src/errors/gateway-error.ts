import type { ErrorDetail } from './error-body.js';

/**
 * Stable codes of errors the gateway itself raises; callers match on these, never on messages. A
 * start that cannot proceed raises @connectpay-kit/service-kit's SERVICE_* errors instead.
 */
export type GatewayErrorCode =
  | 'GATEWAY_UNAUTHENTICATED'
  | 'GATEWAY_ROUTE_NOT_FOUND'
  | 'GATEWAY_UNKNOWN_API'
  | 'GATEWAY_API_NOT_CALLABLE'
  | 'GATEWAY_USE_TYPED_ENDPOINT'
  | 'GATEWAY_VALIDATION_FAILED'
  | 'GATEWAY_INVALID_JSON'
  | 'GATEWAY_UNSUPPORTED_MEDIA_TYPE'
  | 'GATEWAY_PAYLOAD_TOO_LARGE'
  | 'GATEWAY_INVALID_BODY'
  | 'GATEWAY_SHUTTING_DOWN'
  | 'GATEWAY_OVERLOADED'
  | 'GATEWAY_UPSTREAM_TIMEOUT'
  | 'GATEWAY_CALLER_GONE'
  | 'GATEWAY_BAD_REQUEST'
  | 'GATEWAY_REQUEST_TIMEOUT'
  | 'GATEWAY_URI_TOO_LONG'
  | 'GATEWAY_HEADERS_TOO_LARGE'
  | 'GATEWAY_JSON_TOO_DEEP'
  | 'GATEWAY_ROTATION_REFUSED'
  | 'PROVIDER_INVALID_RESPONSE'
  | 'GATEWAY_INTERNAL';

/** The base of every error the gateway raises for a request it refuses. */
export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request the gateway answers itself, with this HTTP status, in the documented error shape. */
export class GatewayRequestError extends GatewayError {
  constructor(
    readonly status: number,
    code: GatewayErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
  ) {
    super(code, message);
  }
}

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
