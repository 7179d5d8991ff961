import { randomUUID } from 'node:crypto';
import { REQUEST_ID_PATTERN } from '@connectpay-kit/hosts';
import type { FastifyRequest } from 'fastify';

// The rule lives in hosts, beside the wire contract, so transport (which may not import service-kit)
// and the apps' edge read the same one.
export { REQUEST_ID_PATTERN };

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
