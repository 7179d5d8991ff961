import { RouteConfig } from '@nestjs/platform-fastify';
import type { z } from 'zod';
import { PUBLIC_ROUTE } from '../auth/public.decorator.js';

type JsonObject = Record<string, unknown>;

/** A zod schema published under a name in `components.schemas` (what client generators name types after). */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
  /** Edits the generated JSON Schema, for what the schema alone cannot say (e.g. a default the gateway fills in). */
  readonly adjust?: (json: JsonObject) => JsonObject;
}

/** A schema in a description: named (a `$ref` to a component) or inline. */
export type DescribedSchema = NamedSchema | z.ZodType;

export interface ResponseDescription {
  readonly description: string;
  /** The JSON body's schema (content type application/json). */
  readonly body?: DescribedSchema;
  /** A body that is not JSON (text/html, text/plain), or JSON without a schema (application/json). */
  readonly contentType?: string;
}

/** What a route does and takes, in the terms of the OpenAPI operation built from it. */
export interface RouteDescription {
  readonly summary: string;
  /** Longer text (CommonMark), shown under the summary in /docs. */
  readonly description?: string;
  /** Default: the controller and handler, e.g. `MerchantPayments_create` (Fastify routes: method and path). */
  readonly operationId?: string;
  /**
   * Who may call it. Nest routes leave it out: it is read from `@Public()` (what the api-key guard
   * reads); plain Fastify routes, which authenticate themselves, say it.
   */
  readonly auth?: 'public' | 'api-key';
  /** Path parameters: one property per `:name` in the route's path. */
  readonly params?: z.ZodObject;
  readonly query?: z.ZodObject;
  readonly body?: DescribedSchema;
  /** Named examples of the request body, shown as a list to pick from in /docs. */
  readonly bodyExamples?: Readonly<Record<string, { readonly summary: string; readonly value: unknown }>>;
  /** By status code (`200`, `4XX`). Use the error sets of error-responses.ts for the error answers. */
  readonly responses: Readonly<Record<string, ResponseDescription>>;
}

/** A route left out of the document on purpose, with the reason (the Swagger UI files under /docs). */
export interface UndocumentedRoute {
  readonly undocumented: string;
}

/** What a route's Fastify `config` carries under ROUTE_DESCRIPTION, read once when the route is registered. */
export interface RouteDescriptionEntry {
  readonly description: RouteDescription | UndocumentedRoute;
  /** Resolved after the class decorators ran (a class-level `@Public()` is applied after method decorators). */
  readonly auth: () => 'public' | 'api-key';
}

export const ROUTE_DESCRIPTION = 'connectpay:openapi';

/**
 * Describes a Nest route for the OpenAPI document and /docs. It travels in the route's Fastify `config`
 * (Nest's `@RouteConfig`), so one `onRoute` hook collects Nest and plain Fastify routes alike
 * (api-reference.service.ts). Read at startup only: nothing of it runs per request.
 */
export function ApiRoute(description: RouteDescription | UndocumentedRoute): MethodDecorator {
  return (target, key, descriptor) => {
    const controller = target.constructor;
    const handler = descriptor.value as object;
    const entry: RouteDescriptionEntry = {
      description:
        'undocumented' in description || description.operationId
          ? description
          : { ...description, operationId: `${controller.name.replace(/Controller$/, '')}_${String(key)}` },
      auth: () =>
        'auth' in description && description.auth
          ? description.auth
          : Reflect.getMetadata(PUBLIC_ROUTE, handler) === true ||
              Reflect.getMetadata(PUBLIC_ROUTE, controller) === true
            ? 'public'
            : 'api-key',
    };
    RouteConfig({ [ROUTE_DESCRIPTION]: entry })(target, key, descriptor);
  };
}

/** The same description for a plain Fastify route: spread into `fastify.route({ config: ... })`. */
export function describedRoute(
  description: RouteDescription & { readonly auth: 'public' | 'api-key' },
): Record<typeof ROUTE_DESCRIPTION, RouteDescriptionEntry> {
  return { [ROUTE_DESCRIPTION]: { description, auth: () => description.auth } };
}

export function isNamedSchema(schema: DescribedSchema): schema is NamedSchema {
  return !('_zod' in schema);
}
