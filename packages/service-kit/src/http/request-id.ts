import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * What a request id may look like: the shape @connectpay-kit/transport accepts for X-Request-ID, so
 * an id a caller sends travels on to ConnectPay unchanged. Anything else is replaced, never echoed.
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `x-request-id` when it fits REQUEST_ID_PATTERN, else a new uuid. */
export function acceptRequestId(header: string | readonly string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID_PATTERN.test(header) ? header : randomUUID();
}

/** A Fastify request with the id the HTTP edge gave it (`registerRequestContext`). */
export interface IdentifiedRequest extends FastifyRequest {
  requestId: string;
}

/** The request's id, fixed on first use: the edge's onRequest hook sets it before any route runs. */
export function requestIdOf(request: FastifyRequest): string {
  const withId = request as Partial<IdentifiedRequest>;
  withId.requestId ||= acceptRequestId(request.headers['x-request-id']);
  return withId.requestId;
}
