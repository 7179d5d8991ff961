import { z } from 'zod';
import { ERROR_RESPONSE } from './error-responses.js';
import {
  type DescribedSchema,
  isNamedSchema,
  type NamedSchema,
  type ResponseDescription,
  type RouteDescription,
  type RouteDescriptionEntry,
} from './route-description.js';

type JsonObject = Record<string, unknown>;

/** A route as Fastify registered it, with the description its `config` carried (if any). */
export interface RegisteredRoute {
  readonly method: string;
  /** Fastify's path, `:name` for parameters. */
  readonly url: string;
  readonly entry?: RouteDescriptionEntry;
}

/** A documented route: its description, with who may call it resolved. */
interface DocumentedRoute {
  readonly method: string;
  readonly path: string;
  readonly description: RouteDescription;
  readonly auth: 'public' | 'api-key';
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `/v1/catalog/:api` as OpenAPI writes it: `/v1/catalog/{api}`. */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)(\([^)]*\))?/g, '{$1}');
}

/**
 * The registered routes that should be in the document and are not (no description), and the
 * document's operations that no registered route serves. HEAD routes Fastify adds beside each GET
 * (and OPTIONS) are not operations of their own; routes described as `undocumented` are left out
 * on purpose.
 */
export function routeCoverage(
  routes: readonly RegisteredRoute[],
  document: { readonly paths?: Readonly<Record<string, Readonly<Record<string, unknown>>>> },
): { readonly undocumented: readonly string[]; readonly missing: readonly string[] } {
  const registered = operationRoutes(routes);
  const registeredKeys = new Set(registered.map((route) => `${route.method} ${openApiPath(route.url)}`));
  const documentedKeys = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => (HTTP_METHODS as readonly string[]).includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  const documented = new Set(documentedKeys);
  return {
    undocumented: registered
      .filter((route) => !(route.entry && 'undocumented' in route.entry.description))
      .map((route) => `${route.method} ${openApiPath(route.url)}`)
      .filter((key) => !documented.has(key)),
    missing: documentedKeys.filter((key) => !registeredKeys.has(key)),
  };
}

/** One row per method of each route, without the HEAD and OPTIONS routes that are not operations of their own. */
function operationRoutes(routes: readonly RegisteredRoute[]): RegisteredRoute[] {
  const gets = new Set(routes.filter((route) => route.method === 'GET').map((route) => route.url));
  return routes.filter((route) => route.method !== 'OPTIONS' && !(route.method === 'HEAD' && gets.has(route.url)));
}

/**
 * The OpenAPI 3.1 document of the routes the app registered, from the descriptions they were
 * registered with and the zod schemas that validate their requests. Built once, at startup.
 */
export function buildOpenApiDocument(routes: readonly RegisteredRoute[], version: string): JsonObject {
  const documented = operationRoutes(routes).flatMap((route): DocumentedRoute[] => {
    const entry = route.entry;
    if (!entry || 'undocumented' in entry.description) return [];
    return [{ method: route.method, path: openApiPath(route.url), description: entry.description, auth: entry.auth() }];
  });
  documented.sort((a, b) => pathOrder(a.path, b.path) || a.method.localeCompare(b.method));

  const components = new Components();
  components.ref(ERROR_RESPONSE, 'output');
  const paths: Record<string, JsonObject> = {};
  for (const route of documented) {
    paths[route.path] ??= {};
    (paths[route.path] as JsonObject)[route.method.toLowerCase()] = operation(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ConnectPay gateway',
      version,
      description: INFO_DESCRIPTION,
    },
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      headers: {
        RequestId: {
          description:
            "The request's id: the caller's x-request-id when valid, else a new uuid. Sent to ConnectPay as X-Request-ID.",
          schema: { type: 'string' },
        },
      },
      schemas: components.schemas,
    },
    paths,
  };
}

const INFO_DESCRIPTION = `The API internal services call to reach ConnectPay: the gateway picks the host, scheme and credentials from the API catalog. Authenticate with the x-api-key header (\`local-dev-key\` in the local environment; *Authorize* sets it for *Try it out* in /docs). Every answer carries x-request-id; errors share one shape (ErrorResponse).

**Errors.** Every error has one shape: \`{"error":{"code","message","requestId","cause"?,"details"?,"provider"?:{"status","body"}}}\`. \`provider\` is ConnectPay's own answer, passed through.

**Example.**

    curl -s localhost:3000/v1/merchant/payments -H 'x-api-key: local-dev-key' -H 'content-type: application/json' \\
      -d '{"merchant":{"redirectUrl":"https://shop.example/return"},"payment":{"paymentMethod":["PIS"],"providerCountryCode":"LT","instructedAmount":{"amount":"12.34","currency":"EUR"}},"identifiers":{"merchantReference":"order-1"}}'`;

function operation(route: DocumentedRoute, components: Components): JsonObject {
  const { description } = route;
  const parameters = [...parametersOf(description.params, 'path'), ...parametersOf(description.query, 'query')];
  return {
    operationId: description.operationId ?? defaultOperationId(route.method, route.path),
    tags: [tagOf(route.path)],
    summary: description.summary,
    ...(description.description ? { description: description.description } : {}),
    ...(route.auth === 'public' ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(description.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: components.ref(description.body, 'input'),
                ...(description.bodyExamples ? { examples: description.bodyExamples } : {}),
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(description.responses).map(([status, response]) => [status, responseObject(response, components)]),
    ),
  };
}

function responseObject(response: ResponseDescription, components: Components): JsonObject {
  return {
    description: response.description,
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    ...(response.body
      ? { content: { 'application/json': { schema: components.ref(response.body, 'output') } } }
      : response.contentType
        ? {
            content: {
              [response.contentType]: response.contentType.endsWith('json') ? {} : { schema: { type: 'string' } },
            },
          }
        : {}),
  };
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  const properties = (json['properties'] ?? {}) as Record<string, JsonObject>;
  const required = new Set((json['required'] as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** components.schemas, filled as operations refer to named schemas; one name, one schema. */
class Components {
  readonly schemas: Record<string, JsonObject> = {};
  private readonly sources = new Map<string, NamedSchema>();

  ref(schema: DescribedSchema, io: 'input' | 'output'): JsonObject {
    if (!isNamedSchema(schema)) return jsonSchema(schema, io);
    const known = this.sources.get(schema.name);
    if (known && known.schema !== schema.schema) {
      throw new Error(`Two different schemas are described as components.schemas.${schema.name}; rename one.`);
    }
    if (!known) {
      this.sources.set(schema.name, schema);
      const json = jsonSchema(schema.schema, io);
      this.schemas[schema.name] = schema.adjust ? schema.adjust(json) : json;
    }
    return { $ref: `#/components/schemas/${schema.name}` };
  }
}

/** zod 4's JSON Schema (draft 2020-12, what OpenAPI 3.1 uses), without the `$schema` line. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return json;
}

/** `/v1/merchant/payments/{paymentId}` → `merchant`; `/health/live` → `health`. */
function tagOf(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return (segments[0] === 'v1' ? segments[1] : segments[0]) ?? 'gateway';
}

function defaultOperationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) =>
      segment
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase()),
    )
    .map((segment) => segment.charAt(0).toUpperCase() + segment.slice(1));
  return `${method.toLowerCase()}${words.join('')}`;
}

/** The /v1 API first, then the service routes; alphabetical within each, so the document reads the same every start. */
function pathOrder(a: string, b: string): number {
  const rank = (path: string) => (path.startsWith('/v1/') ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}
