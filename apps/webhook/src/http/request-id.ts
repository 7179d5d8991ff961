import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What the receiver reads from Express's request beyond node's: the matched route template. */
export interface WebhookRequest extends IncomingMessage {
  requestId?: string;
  route?: { path?: unknown };
  params?: Record<string, string>;
  query?: unknown;
}

// The shape transport accepts for X-Request-ID, so an id given to us can travel on unchanged.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's valid `x-request-id`, else a new uuid; fixed on first use. */
export function requestIdOf(request: WebhookRequest): string {
  if (request.requestId === undefined) {
    const header = request.headers['x-request-id'];
    request.requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  }
  return request.requestId;
}
