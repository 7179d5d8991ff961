import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { WebhookMetrics } from '../observability/metrics.js';
import { requestIdOf, type WebhookRequest } from './request-id.js';

export type NextFunction = (error?: unknown) => void;

/**
 * First middleware of the Nest routes: gives every request its id and the `x-request-id` header
 * (404s and 401s included), then logs and counts it once answered. Only method, route template,
 * status and timing are logged: never headers, query strings (auth codes travel there) or bodies.
 */
export function requestContext(logger: Logger, metrics: WebhookMetrics, isDraining: () => boolean) {
  return (request: WebhookRequest, response: ServerResponse, next: NextFunction): void => {
    const started = performance.now();
    const requestId = requestIdOf(request);
    response.setHeader('x-request-id', requestId);
    if (isDraining()) response.setHeader('connection', 'close');
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

/** The matched route template (`/admin/dead-letters/:id/replay`), never the raw path. */
function routeTemplate(request: WebhookRequest, status: number): string {
  const path = request.route?.path;
  if (typeof path === 'string') return path;
  return status === 404 ? '(unmatched)' : '(none)';
}
