import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  EDGE_REFUSAL_STATUS,
  type EdgeCodes,
  edgeRefusalOf,
  errorBody,
  type ErrorDetail,
  requestIdOf,
  sendErrorBody,
  unexpectedForLog,
} from '@connectpay-kit/service-kit/http';
import { isStorageError } from '@connectpay-kit/storage';
import type { Logger } from 'pino';
import { type WebhookErrorCode, WebhookRequestError } from './webhook-error.js';

interface Answer {
  readonly status: number;
  readonly code: WebhookErrorCode;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
}

/** The receiver's code and message for each refusal of the HTTP edge (service-kit's EDGE_REFUSAL_STATUS). */
export function webhookEdgeCodes(bodyLimitBytes: number): EdgeCodes<WebhookErrorCode> {
  return {
    bad_request: {
      code: 'WEBHOOK_BAD_REQUEST',
      message: 'The request is not valid HTTP/1.1: a header holds a bare CR, LF or NUL, or the framing is wrong.',
    },
    request_timeout: {
      code: 'WEBHOOK_REQUEST_TIMEOUT',
      message: 'The request did not arrive in time (the headers within 20 s, the whole request within 30 s).',
    },
    headers_too_large: {
      code: 'WEBHOOK_HEADERS_TOO_LARGE',
      message: 'The request line and headers are larger than the receiver accepts (16 KiB).',
    },
    payload_too_large: {
      code: 'WEBHOOK_PAYLOAD_TOO_LARGE',
      message: `The body exceeds ${bodyLimitBytes} bytes (WEBHOOK_BODY_LIMIT_BYTES); nothing was stored.`,
    },
    uri_too_long: {
      code: 'WEBHOOK_URI_TOO_LONG',
      message: 'A path segment of the URL is longer than the receiver accepts (100 characters).',
    },
    bad_url: { code: 'WEBHOOK_BAD_REQUEST', message: 'The URL holds an invalid percent-encoding.' },
    unsupported_media_type: {
      code: 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
      message: 'Only deliveries have a body: POST /webhooks/connectpay or POST /notifications/payments.',
    },
    invalid_json: { code: 'WEBHOOK_INVALID_JSON', message: 'The request body is not valid JSON.' },
    invalid_body: {
      code: 'WEBHOOK_BODY_INCOMPLETE',
      message: 'The body does not match its Content-Length; nothing was stored.',
    },
  };
}

/**
 * Every error on the Nest routes (admin, auth, health, metrics, not-found) and Fastify's own refusals
 * leave in the one documented shape (service-kit's ErrorBody, as the gateway's). Unexpected errors
 * are logged with their stack under the request id; the caller gets the id.
 */
export function sendWebhookError(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  edge: EdgeCodes<WebhookErrorCode>,
): void {
  const requestId = requestIdOf(request);
  const answer = answerFor(exception, edge);
  if (answer.code === 'WEBHOOK_INTERNAL') {
    logger.error({ requestId, err: unexpectedForLog(exception) }, 'unexpected error');
  } else if (answer.status >= 500) {
    logger.error({ requestId, code: answer.code, status: answer.status }, answer.message);
  }
  reply.header('cache-control', 'no-store');
  sendErrorBody(
    reply,
    answer.status,
    errorBody(answer.code, answer.message, requestId, answer.details ? { details: answer.details } : {}),
  );
}

@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly edge: EdgeCodes<WebhookErrorCode>,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendWebhookError(
      exception,
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      this.logger,
      this.edge,
    );
  }
}

function answerFor(exception: unknown, edge: EdgeCodes<WebhookErrorCode>): Answer {
  if (exception instanceof WebhookRequestError) {
    const { status, code, message, details } = exception;
    return details ? { status, code, message, details } : { status, code, message };
  }
  if (isStorageError(exception)) {
    if (exception.code === 'STORAGE_NOT_FOUND') {
      return { status: 404, code: 'WEBHOOK_EVENT_NOT_FOUND', message: exception.message };
    }
    if (exception.code === 'STORAGE_CONFLICT') {
      return { status: 409, code: 'WEBHOOK_REPLAY_CONFLICT', message: exception.message };
    }
    if (exception.code === 'STORAGE_UNAVAILABLE') {
      return {
        status: 503,
        code: 'WEBHOOK_STORAGE_UNAVAILABLE',
        message: 'Storage does not answer right now; retry shortly.',
      };
    }
  }
  // Nest hands Fastify's own refusals over as an HttpException caused by them.
  const refusal = edgeRefusalOf(exception instanceof HttpException ? exception.cause : exception);
  if (refusal !== undefined) return { status: EDGE_REFUSAL_STATUS[refusal], ...edge[refusal] };
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    return {
      status: 404,
      code: 'WEBHOOK_ROUTE_NOT_FOUND',
      message:
        'No such route. Deliveries go to POST /webhooks/connectpay or POST /notifications/payments; see apps/webhook/README.md.',
    };
  }
  const status = exception instanceof HttpException ? exception.getStatus() : 500;
  if (status >= 400 && status < 500) {
    return { status, code: 'WEBHOOK_BAD_REQUEST', message: `The request could not be served (HTTP ${status}).` };
  }
  return {
    status: 500,
    code: 'WEBHOOK_INTERNAL',
    message: 'The receiver failed on this request; the details are logged under its request id.',
  };
}
