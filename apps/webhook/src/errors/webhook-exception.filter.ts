import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { isStorageError } from '@connectpay-kit/storage';
import { requestIdOf, type WebhookRequest } from '../http/request-id.js';
import { WebhookRuntime } from '../runtime/webhook-runtime.js';
import { errorBody } from './error-body.js';
import { type WebhookErrorCode, WebhookRequestError } from './webhook-error.js';

interface Mapped {
  readonly status: number;
  readonly code: WebhookErrorCode;
  readonly message: string;
}

/**
 * Every error on the Nest routes (admin, health, metrics, not-found) leaves in the one documented
 * shape. Unexpected errors are logged with their stack under the request id; the caller gets the id.
 */
@Catch()
export class WebhookExceptionFilter implements ExceptionFilter {
  constructor(private readonly runtime: WebhookRuntime) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<WebhookRequest>();
    const response = http.getResponse<ServerResponse>();
    const requestId = requestIdOf(request);
    const mapped = map(exception);
    if (mapped.code === 'WEBHOOK_INTERNAL') {
      const error =
        exception instanceof Error
          ? { type: exception.name, message: exception.message, stack: exception.stack }
          : { value: String(exception) };
      this.runtime.logger.error({ requestId, err: error }, 'unexpected error');
    } else if (mapped.status >= 500) {
      this.runtime.logger.error({ requestId, code: mapped.code, status: mapped.status }, mapped.message);
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const text = JSON.stringify(errorBody(mapped.code, mapped.message, requestId));
    response.statusCode = mapped.status;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('content-length', Buffer.byteLength(text));
    response.setHeader('cache-control', 'no-store');
    response.setHeader('x-request-id', requestId);
    response.end(text);
  }
}

function map(exception: unknown): Mapped {
  if (exception instanceof WebhookRequestError) {
    return { status: exception.status, code: exception.code, message: exception.message };
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
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    return {
      status: 404,
      code: 'WEBHOOK_ROUTE_NOT_FOUND',
      message:
        'No such route. Deliveries go to POST /webhooks/connectpay or POST /notifications/payments; see apps/webhook/README.md.',
    };
  }
  return {
    status: 500,
    code: 'WEBHOOK_INTERNAL',
    message: 'The receiver failed on this request; the details are logged under its request id.',
  };
}
