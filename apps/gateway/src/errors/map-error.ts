import { HttpException } from '@nestjs/common';
import {
  ClientCertificateRefusedError,
  ProviderHttpError,
  TransportError,
  TransportTimeoutError,
  type TransportErrorCode,
} from '@connectpay-kit/transport';
import { EDGE_REFUSAL_STATUS, type EdgeCodes, type EdgeRefusal, edgeRefusalOf } from '@connectpay-kit/service-kit/http';
import { GATEWAY_SOCKET_REFUSALS } from '../http/edge.js';
import type { GatewayErrorBody } from './error-body.js';
import { GATEWAY_HTTP_STATUS_CODES, GatewayRequestError, truncate, type GatewayErrorCode } from './gateway-error.js';

export interface MappedError {
  readonly status: number;
  readonly body: GatewayErrorBody;
  /** Our own failures are errors in the log; a caller's mistake or the provider's answer a warning. */
  readonly severity: 'warn' | 'error';
}

/**
 * What each transport failure means for the internal caller. Connection-level failures are the
 * gateway's upstream failing (502); a timeout is 504; missing credentials are this deployment's
 * configuration (503, another replica or a fixed config may succeed); an expired grant needs a
 * person (409); misuse comes from the caller's input (400).
 */
// Complete, so a code transport adds cannot ship without a status here (docs/errors.md lists them).
export const TRANSPORT_STATUS: Readonly<Record<TransportErrorCode, number>> = {
  TRANSPORT_CLIENT_CERT_REFUSED: 502,
  TRANSPORT_SERVER_CERT_UNTRUSTED: 502,
  TRANSPORT_TLS_FAILED: 502,
  TRANSPORT_CONNECTION_REFUSED: 502,
  TRANSPORT_CONNECTION_RESET: 502,
  TRANSPORT_REQUEST_FAILED: 502,
  TRANSPORT_INVALID_RESPONSE: 502,
  TRANSPORT_HTTP_ERROR: 502,
  TRANSPORT_TIMEOUT: 504,
  // The caller hung up: nobody reads this answer; 499 keeps it apart from failures in the access log.
  TRANSPORT_CANCELLED: 499,
  TRANSPORT_CREDENTIALS_MISSING: 503,
  TRANSPORT_CREDENTIALS_REJECTED: 503,
  TRANSPORT_TOKEN_STORE_FAILED: 503,
  TRANSPORT_CLOSED: 503,
  TRANSPORT_NEW_AUTH_CODE_REQUIRED: 409,
  TRANSPORT_MISUSE: 400,
  // Only the admin switch raises it, and that route answers it itself (409); elsewhere it is a failure.
  TRANSPORT_ROTATION_REFUSED: 502,
};

const WAITED_FOR: Readonly<Record<TransportTimeoutError['phase'], string>> = {
  connect: 'accept the connection',
  headers: 'answer',
  body: 'finish its answer',
};

/** Turns anything thrown while serving a request into the one documented error shape. */
export function mapError(error: unknown, requestId: string): MappedError {
  if (error instanceof GatewayRequestError) {
    return {
      status: error.status,
      severity: error.status >= 500 ? 'error' : 'warn',
      body: body(error.code, error.message, requestId, error.details ? { details: error.details } : {}),
    };
  }
  if (error instanceof ProviderHttpError) return mapProviderError(error, requestId);
  if (error instanceof TransportTimeoutError) {
    return {
      status: 504,
      severity: 'error',
      body: body(
        'GATEWAY_UPSTREAM_TIMEOUT',
        error.budgetMs === undefined
          ? `${error.message} Retry later.`
          : `ConnectPay did not ${WAITED_FOR[error.phase]} within the call's budget (GATEWAY_UPSTREAM_TIMEOUT_MS, or the API's timeoutMs in the catalog), counted from the request's arrival; it ran out in the ${error.phase} phase. Retry later.`,
        requestId,
        { cause: `${error.phase}-timeout` },
      ),
    };
  }
  if (error instanceof TransportError && error.code === 'TRANSPORT_CANCELLED') {
    return {
      status: 499,
      severity: 'warn',
      body: body(
        'GATEWAY_CALLER_GONE',
        'The caller closed the connection; the upstream call was abandoned.',
        requestId,
      ),
    };
  }
  if (error instanceof TransportError) {
    const status = TRANSPORT_STATUS[error.code];
    const cause = causeOf(error);
    const message =
      error.code === 'TRANSPORT_NEW_AUTH_CODE_REQUIRED'
        ? `${error.message} Through the gateway: POST /v1/oauth/token with the new code.`
        : error.message;
    return {
      status,
      severity: status === 400 || status === 409 ? 'warn' : 'error',
      body: body(error.code, message, requestId, cause ? { cause } : {}),
    };
  }
  // Nest hands Fastify's own 4xx errors over as an HttpException caused by them.
  const cause = error instanceof HttpException ? error.cause : error;
  const refusal = edgeRefusalOf(cause);
  if (refusal !== undefined) return mapEdgeRefusal(refusal, requestId);
  const framework = frameworkError(cause);
  if (framework) return mapFrameworkError(framework, requestId);
  if (error instanceof HttpException) return mapHttpException(error, requestId);
  return {
    status: 500,
    severity: 'error',
    body: body(
      'GATEWAY_INTERNAL',
      'The gateway failed on this request. The request id leads to the details in its logs.',
      requestId,
    ),
  };
}

function mapProviderError(error: ProviderHttpError, requestId: string): MappedError {
  const provider = { status: error.status, body: error.body };
  if (error.status >= 500) {
    return {
      status: 502,
      severity: 'error',
      body: body('PROVIDER_ERROR', `${error.message} The provider failed; retry later.`, requestId, { provider }),
    };
  }
  // 401/403 from ConnectPay judge the gateway's own credentials, not the internal caller's api key:
  // a distinct code keeps a caller from "fixing" its x-api-key for a provider-side refusal.
  const credentials = error.status === 401 || error.status === 403;
  return {
    status: error.status,
    severity: credentials ? 'error' : 'warn',
    body: body(
      credentials ? 'PROVIDER_REJECTED_CREDENTIALS' : 'PROVIDER_ERROR',
      credentials
        ? `${error.message} ConnectPay refused the gateway's credentials: check the CONNECTPAY_<ENV>_CLIENT_ID, _CLIENT_SECRET_FILE and _MERCHANT_KEY_FILE of this deployment; for a merchant API also _MERCHANT_SIGNATURE_SEPARATOR, _QUERY and _PADDING, which must build the string ConnectPay verifies.`
        : error.message,
      requestId,
      { provider },
    ),
  };
}

function mapHttpException(error: HttpException, requestId: string): MappedError {
  const status = error.getStatus();
  if (status === 404) {
    return {
      status,
      severity: 'warn',
      body: body(
        'GATEWAY_ROUTE_NOT_FOUND',
        `${truncate(error.message)}: no such route. GET /docs lists the endpoints.`,
        requestId,
      ),
    };
  }
  if (status === 413) {
    return {
      status,
      severity: 'warn',
      body: body(
        'GATEWAY_PAYLOAD_TOO_LARGE',
        'The request body is larger than the gateway accepts (256 KiB).',
        requestId,
      ),
    };
  }
  return {
    status,
    severity: status >= 500 ? 'error' : 'warn',
    body: body(status >= 500 ? 'GATEWAY_INTERNAL' : httpCodeOf(status), truncate(error.message, 300), requestId),
  };
}

const JSON_BODIES_ONLY = 'The gateway takes JSON bodies: send Content-Type: application/json.';

/**
 * The gateway's code and message for each refusal of the HTTP edge; the status is service-kit's
 * (EDGE_REFUSAL_STATUS), as is which Fastify error stands for which refusal (edgeRefusalOf).
 */
const GATEWAY_EDGE_CODES: EdgeCodes<GatewayErrorCode> = {
  ...GATEWAY_SOCKET_REFUSALS,
  payload_too_large: {
    code: 'GATEWAY_PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than the gateway accepts (256 KiB).',
  },
  // Fastify's maxParamLength (100): the path is not echoed back, it may be 10,000 characters.
  uri_too_long: {
    code: 'GATEWAY_URI_TOO_LONG',
    message: 'A path segment of the URL is longer than the gateway accepts (100 characters).',
  },
  bad_url: { code: 'GATEWAY_VALIDATION_FAILED', message: 'The URL holds an invalid percent-encoding.' },
  unsupported_media_type: { code: 'GATEWAY_UNSUPPORTED_MEDIA_TYPE', message: JSON_BODIES_ONLY },
  // Also a body with __proto__ or constructor.prototype keys, which Fastify's parser refuses.
  invalid_json: { code: 'GATEWAY_INVALID_JSON', message: 'The request body is not valid JSON.' },
  invalid_body: { code: 'GATEWAY_INVALID_BODY', message: 'The request body does not match its Content-Length header.' },
};

function mapEdgeRefusal(refusal: EdgeRefusal, requestId: string): MappedError {
  const { code, message } = GATEWAY_EDGE_CODES[refusal];
  return { status: EDGE_REFUSAL_STATUS[refusal], severity: 'warn', body: body(code, message, requestId) };
}

/** Any other error Fastify raised before a handler ran. */
interface FrameworkError {
  readonly statusCode: number;
  readonly code: string;
}

function frameworkError(error: unknown): FrameworkError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  return { statusCode, code };
}

function mapFrameworkError(error: FrameworkError, requestId: string): MappedError {
  const status = error.statusCode;
  const code = status >= 500 ? 'GATEWAY_INTERNAL' : httpCodeOf(status);
  return {
    status,
    severity: status >= 500 ? 'error' : 'warn',
    body: body(code, `The request could not be served (${error.code}).`, requestId),
  };
}

/** Every code the gateway answers is one of its own or transport's: none is built at run time. */
export type GatewayAnswerCode = GatewayErrorCode | TransportErrorCode;

function httpCodeOf(status: number): GatewayErrorCode {
  return GATEWAY_HTTP_STATUS_CODES[status] ?? 'GATEWAY_BAD_REQUEST';
}

function body(
  code: GatewayAnswerCode,
  message: string,
  requestId: string,
  extra: Partial<Pick<GatewayErrorBody['error'], 'cause' | 'details' | 'provider'>> = {},
): GatewayErrorBody {
  return { error: { code, message, requestId, ...extra } };
}

/** A short, secret-free reason for a connection failure: the probable cause or the socket error code. */
function causeOf(error: TransportError): string | undefined {
  if (error instanceof ClientCertificateRefusedError) return error.probableCause;
  if (error instanceof TransportTimeoutError) return `${error.phase}-timeout`;
  let current: unknown = error.cause;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]{2,64}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
