import type { IdentifiedRequest } from '@connectpay-kit/service-kit/http';
import type { FastifyReply } from 'fastify';

// The edge (request id, access line, 413 before the body, drain) is service-kit's, shared with the
// webhook receiver: bootstrap/create-gateway.ts registers it.
export { requestIdOf } from '@connectpay-kit/service-kit/http';

/** The request as handlers, guards and the exception filter see it (Fastify's, with the edge's id). */
export type GatewayRequest = IdentifiedRequest;

/** What controllers set on the reply they pass through: the status the provider answered. */
export type GatewayReply = FastifyReply;
