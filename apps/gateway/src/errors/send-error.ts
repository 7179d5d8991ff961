import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { requestIdOf } from '../http/request-context.js';
import { OverloadedError } from './gateway-error.js';
import { mapError, type MappedError } from './map-error.js';

/**
 * Answers a failed request in the one documented error shape and logs it under the request id.
 * Unexpected errors are logged with their stack; the caller only gets the id. Used by the Nest
 * exception filter and by the plain Fastify catalog route, so both fail alike.
 */
export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const requestId = requestIdOf(request);
  const mapped = logFailure(exception, requestId, logger);
  if (reply.sent || reply.raw.headersSent) {
    // Part of a body is out: the caller can only learn of the failure from a cut connection.
    reply.raw.destroy();
    return;
  }
  if (exception instanceof OverloadedError) reply.header('retry-after', String(exception.retryAfterSeconds));
  reply
    .status(mapped.status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-request-id', requestId)
    .send(JSON.stringify(mapped.body));
}

/**
 * Maps a failure to its answer and logs it under the request id: unexpected errors with their stack
 * (the caller only gets the id), the rest at their severity. Shared by sendError and the catalog
 * route served at the server (catalog/catalog-call.direct.ts).
 */
export function logFailure(exception: unknown, requestId: string, logger: Logger): MappedError {
  const mapped = mapError(exception, requestId);
  const { code, message } = mapped.body.error;
  if (code === 'GATEWAY_INTERNAL') {
    const error =
      exception instanceof Error
        ? { type: exception.name, message: exception.message, stack: exception.stack }
        : { value: String(exception) };
    logger.error({ requestId, code, err: error }, 'unexpected error');
  } else {
    logger[mapped.severity]({ requestId, code, status: mapped.status, cause: mapped.body.error.cause }, message);
  }
  return mapped;
}
