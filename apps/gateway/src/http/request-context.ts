import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayMetrics } from '../observability/metrics.js';

/** What the gateway reads from Express's request beyond node's: the matched route template. */
export interface GatewayRequest extends IncomingMessage {
  requestId?: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  body?: unknown;
}

export type NextFunction = (error?: unknown) => void;

// The same shape transport accepts for X-Request-ID, so the id a caller sends reaches ConnectPay unchanged.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's valid `x-request-id`, else a new uuid (set by the middleware below). */
export function requestIdOf(request: GatewayRequest): string {
  request.requestId ??= incomingRequestId(request) ?? randomUUID();
  return request.requestId;
}

function incomingRequestId(request: IncomingMessage): string | undefined {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : undefined;
}

/**
 * First middleware of the app: gives every request its id and the `x-request-id` response header
 * (404s, 401s and body-parser failures included), then logs and counts it once it is answered.
 * Only method, route template, status and timing are logged: never headers, query or body.
 */
export function requestContext(logger: Logger, metrics: GatewayMetrics) {
  return (request: GatewayRequest, response: ServerResponse, next: NextFunction): void => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    response.setHeader('x-request-id', requestId);
    response.once('finish', () => {
      const route = routeTemplate(request, response.statusCode);
      const status = response.statusCode;
      metrics.requests.inc({ route, method: request.method ?? 'GET', status: String(status) });
      const fields = {
        requestId,
        method: request.method,
        route,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
      };
      if (status >= 500) logger.error(fields, 'request failed');
      else logger.info(fields, 'request');
    });
    next();
  };
}

/** The matched route template (`/v1/merchant/payments/:paymentId`), never the raw path: it may hold ids. */
function routeTemplate(request: GatewayRequest, status: number): string {
  const path = request.route?.path;
  if (typeof path === 'string') return path;
  return status === 404 ? '(unmatched)' : '(none)';
}
