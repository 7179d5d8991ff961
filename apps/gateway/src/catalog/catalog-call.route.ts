import type { KeyRing } from '@connectpay-kit/service-kit';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { authenticateCaller } from '../auth/authenticate.js';
import { describedRoute } from '../docs/route-description.js';
import { sendError } from '../errors/send-error.js';
import { requestIdOf } from '../http/request-context.js';
import type { UpstreamService } from '../upstream/upstream.service.js';
import { readCatalogCall } from './catalog-call.js';
import { CATALOG_CALL_DESCRIPTION } from './catalog-call.description.js';

export interface CatalogCallRouteDependencies {
  readonly apiKeys: KeyRing;
  readonly upstream: UpstreamService;
  readonly logger: Logger;
}

/** The route's template, as the access log and `gateway_http_requests_total` name it. */
export const CATALOG_CALL_ROUTE = '/v1/catalog/:api';

/**
 * `POST /v1/catalog/:api`, the gateway's hot proxying path, as a plain Fastify route instead of a Nest
 * handler: Nest's per-request pipeline (execution context, guard lookup, param pipes, interceptors,
 * response controller) cost about a third of the gateway's throughput on it (apps/gateway/README.md
 * "Performance"). Nothing else differs: the same API-key check, validation, upstream door, request id
 * hooks and error shape (`sendError`, also for Fastify's own body errors on this route).
 */
export function registerCatalogCallRoute(fastify: FastifyInstance, dependencies: CatalogCallRouteDependencies): void {
  const { apiKeys, upstream, logger } = dependencies;
  fastify.route({
    method: 'POST',
    url: CATALOG_CALL_ROUTE,
    // Read once, when the route is registered, for /docs/openapi.json (docs/api-reference.service.ts).
    config: describedRoute(CATALOG_CALL_DESCRIPTION),
    errorHandler: (error, request, reply) => sendError(error, request, reply, logger),
    handler: async (request, reply) => {
      authenticateCaller(request.headers['x-api-key'], apiKeys);
      const call = readCatalogCall(request.params, request.body);
      const answer = await upstream.call(call.api, requestIdOf(request), call.input);
      return reply.code(answer.status).send(answer.body);
    },
  });
}
