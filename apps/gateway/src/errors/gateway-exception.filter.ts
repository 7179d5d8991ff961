import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayRuntime } from '../runtime/gateway-runtime.js';
import { sendError } from './send-error.js';

/**
 * Every error from a guard, a Nest handler, Fastify's body parsing or the not-found route leaves the
 * gateway in the one documented shape (errors/send-error.ts).
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(private readonly runtime: GatewayRuntime) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.runtime.logger);
  }
}
