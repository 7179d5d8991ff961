import { Controller, Get } from '@nestjs/common';
import { API_CATALOG, API_NAMES, type ApiDefinition } from '@connectpay-kit/hosts';
import { z } from 'zod';
import { UNAUTHENTICATED } from '../docs/error-responses.js';
import { ApiRoute } from '../docs/route-description.js';
import { CatalogEntrySchema } from './catalog.schemas.js';
import { TYPED_ENDPOINTS } from './typed-endpoints.js';

const CatalogSchema = z.object({ apis: z.array(CatalogEntrySchema) });

/**
 * The catalog listing. Calling an API by name (`POST /v1/catalog/:api`) is a plain Fastify route:
 * catalog-call.route.ts.
 */
@Controller('v1/catalog')
export class CatalogController {
  @Get()
  @ApiRoute({
    summary: 'The ConnectPay APIs the gateway knows and the endpoint that calls each.',
    responses: {
      '200': { description: 'The catalog.', body: { name: 'Catalog', schema: CatalogSchema } },
      ...UNAUTHENTICATED,
    },
  })
  list() {
    return {
      apis: API_NAMES.map((api) => {
        const definition: ApiDefinition = API_CATALOG[api];
        return {
          api,
          method: definition.method,
          path: definition.path,
          hostKind: definition.hostKind,
          scheme: definition.scheme,
          ...(definition.scopes ? { scopes: definition.scopes } : {}),
          summary: definition.summary,
          // published: the path is on a ConnectPay page; example: the API is documented, its path not.
          source: definition.source,
          docs: definition.docs,
          gatewayEndpoint:
            definition.scheme === 'browser'
              ? '(none: a browser page)'
              : (TYPED_ENDPOINTS[api] ?? `POST /v1/catalog/${api}`),
        };
      }),
    };
  }
}
