import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestIdOf } from '../http/request-context.js';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { mapError } from './map-error.js';

/**
 * Every error, from a guard, a handler, Fastify's body parsing or the not-found route, leaves the gateway
 * in the one documented shape. Unexpected errors are logged with their stack under the request id;
 * the caller only gets the id.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(private readonly runtime: GatewayRuntime) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = requestIdOf(request);
    const mapped = mapError(exception, requestId);
    const { code, message } = mapped.body.error;
    if (mapped.body.error.code === 'GATEWAY_INTERNAL') {
      const error =
        exception instanceof Error
          ? { type: exception.name, message: exception.message, stack: exception.stack }
          : { value: String(exception) };
      this.runtime.logger.error({ requestId, code, err: error }, 'unexpected error');
    } else {
      this.runtime.logger[mapped.severity](
        { requestId, code, status: mapped.status, cause: mapped.body.error.cause },
        message,
      );
    }
    if (reply.sent || reply.raw.headersSent) {
      // Part of a body is out: the caller can only learn of the failure from a cut connection.
      reply.raw.destroy();
      return;
    }
    reply
      .status(mapped.status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('x-request-id', requestId)
      .send(JSON.stringify(mapped.body));
  }
}
