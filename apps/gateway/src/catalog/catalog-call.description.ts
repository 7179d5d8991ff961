import { API_CATALOG, API_NAMES, type ApiDefinition, type ApiName, pathParams } from '@connectpay-kit/hosts';
import { z } from 'zod';
import { CALL_ERRORS, errorResponse } from '../docs/error-responses.js';
import type { RouteDescription } from '../docs/route-description.js';
import { CatalogCallBodySchema } from './catalog.schemas.js';
import { TYPED_ENDPOINTS } from './typed-endpoints.js';

/** The APIs this route calls: every catalog API but browser pages and those with a typed endpoint. */
const CALLABLE_APIS = API_NAMES.filter((api) => {
  const definition: ApiDefinition = API_CATALOG[api];
  return definition.scheme !== 'browser' && TYPED_ENDPOINTS[api] === undefined;
});

function exampleCall(api: ApiName): { summary: string; value: Record<string, unknown> } {
  const definition: ApiDefinition = API_CATALOG[api];
  const params = pathParams(definition.path);
  return {
    summary: `${api}: ${definition.method} ${definition.path}`,
    value: {
      ...(params.length > 0 ? { params: Object.fromEntries(params.map((name) => [name, `<${name}>`])) } : {}),
      ...(definition.requestBody ? { body: {} } : {}),
    },
  };
}

const apiRows = CALLABLE_APIS.map((api) => {
  const definition: ApiDefinition = API_CATALOG[api];
  const params = pathParams(definition.path);
  return `| \`${api}\` | \`${definition.method} ${definition.path}\` | ${params.map((name) => `\`${name}\``).join(', ') || '—'} | ${definition.requestBody ? 'yes' : '—'} | ${definition.summary.replace(/\|/g, '\\|')} |`;
});

const typedRows = Object.entries(TYPED_ENDPOINTS).map(([api, endpoint]) => `| \`${api}\` | \`${endpoint}\` |`);

/** `POST /v1/catalog/:api` for the OpenAPI document (catalog-call.route.ts registers it with this). */
export const CATALOG_CALL_DESCRIPTION: RouteDescription & { readonly auth: 'api-key' } = {
  operationId: 'Catalog_call',
  auth: 'api-key',
  summary:
    'Call a catalog API that has no typed endpoint, by name. Host, path, scheme and credentials come from the catalog.',
  description: [
    "The APIs it calls; `params` fills the provider path's placeholders, `body` is sent only to APIs that take one:",
    '',
    '| api | provider call | params | body | what it does |',
    '| --- | --- | --- | --- | --- |',
    ...apiRows,
    '',
    'APIs with a typed endpoint are refused here (GATEWAY_USE_TYPED_ENDPOINT): call the endpoint instead.',
    '',
    '| api | endpoint |',
    '| --- | --- |',
    ...typedRows,
  ].join('\n'),
  params: z.object({
    api: z.enum(CALLABLE_APIS as [ApiName, ...ApiName[]]).meta({ description: 'The catalog API to call.' }),
  }),
  body: { name: 'CatalogCallRequest', schema: CatalogCallBodySchema },
  bodyExamples: Object.fromEntries(CALLABLE_APIS.map((api) => [api, exampleCall(api)])),
  responses: {
    '2XX': { description: "ConnectPay's status and body." },
    '404': errorResponse('Not a catalog API (GATEWAY_UNKNOWN_API).'),
    ...CALL_ERRORS,
  },
};
