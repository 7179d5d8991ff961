import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestIdOf } from './request-id.js';

/** The fields of an access log line, and nothing else: the type keeps secrets out by construction. */
export interface AccessLine {
  readonly requestId: string;
  readonly method: string;
  /** The matched route template (`/admin/events/:id`), never the raw path: it may hold ids. */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

/** Where access lines go: pino's `info`/`error` fit (the gateway skips redaction on them, they hold no secret). */
export interface AccessLogger {
  info(line: AccessLine, message: 'request'): void;
  error(line: AccessLine, message: 'request failed'): void;
}

/**
 * Counts one answered request (a requests-total counter with route, method and status labels). A
 * function of plain values, so a service can count without a label object per request.
 */
export type CountRequest = (route: string, method: string, status: number) => void;

export interface RequestContextOptions {
  readonly accessLogger: AccessLogger;
  readonly countRequest: CountRequest;
  readonly bodyLimitBytes: number;
  /** The error a body over `bodyLimitBytes` by its Content-Length fails with (the service's 413). */
  readonly payloadTooLarge: () => Error;
  /**
   * The error a request that arrives after shutdown began fails with (a 503 for the load balancer to
   * retry elsewhere). Without it such a request is served, with `Connection: close`.
   */
  readonly shuttingDown?: () => Error;
}

/** Shutdown as the edge sees it; `startDraining` may come earlier than the server's close (readiness first). */
export interface Drain {
  /** From now on every answer carries `Connection: close` (and, with `shuttingDown`, new requests are refused). */
  startDraining(): void;
  readonly draining: boolean;
}

// performance.now() when the request arrived; a symbol keeps it off the request's public shape.
const STARTED = Symbol('edge.startedAt');
// Set by a route that writes its own, richer line for each request (the webhook's deliveries).
const LOGGED = Symbol('edge.ownAccessLine');

/** For a route that logs and counts each of its requests itself: the edge then writes no access line for it. */
export function markAccessLogged(request: FastifyRequest): void {
  (request as unknown as Record<symbol, boolean>)[LOGGED] = true;
}

/**
 * Gives every request its id and the `x-request-id` response header (404s, 401s and body errors
 * included), refuses a body over the limit by its Content-Length before a byte of it is read, then
 * logs and counts each request once it is answered. Only method, route template, status and timing
 * are logged: never headers, query strings (auth codes travel there) or bodies. Fastify hooks, not
 * middleware: they run on every request, including those Fastify answers itself, for a fraction of
 * the cost. Register before the routes.
 */
export function registerRequestContext(fastify: FastifyInstance, options: RequestContextOptions): Drain {
  const { accessLogger, countRequest, bodyLimitBytes, payloadTooLarge, shuttingDown } = options;
  // Declared up front so every request object has the same shape (V8 keeps the handlers monomorphic).
  fastify.decorateRequest('requestId', '');
  fastify.decorateRequest(STARTED, 0);
  fastify.decorateRequest(LOGGED, false);
  let draining = false;
  const drain: Drain = {
    startDraining: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
  fastify.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    (request as unknown as Record<symbol, number>)[STARTED] = performance.now();
    reply.header('x-request-id', requestIdOf(request));
    if (draining) {
      reply.header('connection', 'close');
      if (shuttingDown !== undefined) {
        done(shuttingDown());
        return;
      }
    }
    // Refused before the body is read. The connection stays open, so Node reads and drops the rest of
    // the body (within the body timeout) and the client sees the 413 instead of a reset.
    const length = request.headers['content-length'];
    if (length !== undefined && Number(length) > bodyLimitBytes) {
      done(payloadTooLarge());
      return;
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const fields = request as unknown as Record<symbol, number | boolean>;
    if (fields[LOGGED] === true) {
      done();
      return;
    }
    const started = (fields[STARTED] as number | undefined) ?? performance.now();
    const status = reply.statusCode;
    const route = routeTemplate(request, status);
    countRequest(route, request.method, status);
    const line: AccessLine = {
      requestId: requestIdOf(request),
      method: request.method,
      route,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (status >= 500) accessLogger.error(line, 'request failed');
    else accessLogger.info(line, 'request');
    done();
  });
  return drain;
}

/** The matched route template (`/v1/merchant/payments/:paymentId`), never the raw path: it may hold ids. */
function routeTemplate(request: FastifyRequest, status: number): string {
  const path = request.routeOptions.url;
  if (typeof path === 'string') return path;
  return status === 404 ? '(unmatched)' : '(none)';
}
