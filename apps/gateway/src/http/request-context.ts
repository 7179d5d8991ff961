import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShuttingDownError } from '../errors/gateway-error.js';
import { PayloadTooLargeError } from './edge.js';
import type { AccessLine, AccessLogger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/** The request as handlers, guards and the exception filter see it (Fastify's, with our id). */
export interface GatewayRequest extends FastifyRequest {
  requestId: string;
}

/** What controllers set on the reply they pass through: the status the provider answered. */
export type GatewayReply = FastifyReply;

// The same shape transport accepts for X-Request-ID, so the id a caller sends reaches ConnectPay unchanged.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's valid `x-request-id`, else a new uuid (set by the onRequest hook). */
export function requestIdOf(request: FastifyRequest): string {
  const withId = request as Partial<GatewayRequest>;
  withId.requestId ||= incomingRequestId(request) ?? randomUUID();
  return withId.requestId;
}

function incomingRequestId(request: FastifyRequest): string | undefined {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : undefined;
}

// performance.now() when the request arrived; a symbol keeps it off the request's public shape.
const STARTED = Symbol('gateway.startedAt');

/**
 * Gives every request its id and the `x-request-id` response header (404s, 401s and body errors
 * included), then logs and counts it once it is answered. Only method, route template, status and
 * timing are logged: never headers, query or body. Fastify hooks instead of middleware: they run
 * on every request, including those Fastify answers itself, at a fraction of the cost.
 */
export function registerRequestContext(
  fastify: FastifyInstance,
  logger: AccessLogger,
  metrics: GatewayMetrics,
  bodyLimitBytes: number,
): void {
  // Declared up front so every request object has the same shape (V8 keeps the handlers monomorphic).
  fastify.decorateRequest('requestId', '');
  fastify.decorateRequest(STARTED, 0);
  // Set when close() begins. A request still arriving on a busy keep-alive connection then gets
  // 503 in the gateway's error shape (Fastify's own 503 has another body), and calls nothing.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    (request as unknown as Record<symbol, number>)[STARTED] = performance.now();
    reply.header('x-request-id', requestIdOf(request));
    if (closing) {
      reply.header('connection', 'close');
      done(new ShuttingDownError());
      return;
    }
    // Refused before the body is read. The connection stays open, so Node reads and drops the rest of
    // the body (within GATEWAY_BODY_TIMEOUT_MS) and the client sees the 413 instead of a reset.
    const length = request.headers['content-length'];
    if (length !== undefined && Number(length) > bodyLimitBytes) {
      done(new PayloadTooLargeError(bodyLimitBytes));
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const started = (request as unknown as Record<symbol, number>)[STARTED] ?? performance.now();
    const status = reply.statusCode;
    const route = routeTemplate(request, status);
    metrics.requests.inc({ route, method: request.method, status: String(status) });
    const fields: AccessLine = {
      requestId: requestIdOf(request),
      method: request.method,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) logger.error(fields, 'request failed');
    else logger.info(fields, 'request');
    done();
  });
}

/** The matched route template (`/v1/merchant/payments/:paymentId`), never the raw path: it may hold ids. */
function routeTemplate(request: FastifyRequest, status: number): string {
  const path = request.routeOptions.url;
  if (typeof path === 'string') return path;
  return status === 404 ? '(unmatched)' : '(none)';
}
