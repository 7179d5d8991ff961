import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { renderDocsPage } from './docs-page.js';
import { buildOpenApiDocument, type RegisteredRoute, routeCoverage } from './openapi.js';
import { ROUTE_DESCRIPTION, type RouteDescriptionEntry } from './route-description.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Reference {
  readonly document: Record<string, unknown>;
  readonly page: string;
}

/**
 * The OpenAPI document and the /docs page, built from the routes the app actually registered.
 *
 * An `onRoute` hook on the Fastify instance sees every route as it is registered: the Nest controllers'
 * (their `@ApiRoute` description arrives in the route's `config`, through Nest's `@RouteConfig`) and
 * the plain Fastify ones (`config: describedRoute(...)`) alike, with the path Fastify really serves.
 * Nest's DiscoveryService would see the controllers only. The hook is added when Nest builds its
 * providers, before any route exists; the document is built once, when Fastify is ready (no route can
 * be added after that), so nothing here runs per request.
 */
@Injectable()
export class ApiReference {
  private readonly registered: RegisteredRoute[] = [];
  private reference: Reference | undefined;

  constructor(adapterHost: HttpAdapterHost) {
    const fastify = adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onRoute', (route) => {
      const entry = (route.config as Record<string, unknown> | undefined)?.[ROUTE_DESCRIPTION] as
        RouteDescriptionEntry | undefined;
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        this.registered.push({ method: String(method).toUpperCase(), url: route.url, ...(entry ? { entry } : {}) });
      }
    });
    fastify.addHook('onReady', (done) => {
      this.build();
      done();
    });
  }

  /** Every route Fastify registered, described or not (HEAD twins included). */
  get routes(): readonly RegisteredRoute[] {
    return this.registered;
  }

  get document(): Record<string, unknown> {
    return this.build().document;
  }

  get page(): string {
    return this.build().page;
  }

  /** Registered routes without a description, and documented operations without a route (both empty in a healthy app). */
  coverage(): ReturnType<typeof routeCoverage> {
    return routeCoverage(this.registered, this.document as Parameters<typeof routeCoverage>[1]);
  }

  private build(): Reference {
    if (!this.reference) {
      const document = buildOpenApiDocument(this.registered, VERSION);
      this.reference = { document, page: renderDocsPage(document) };
    }
    return this.reference;
  }
}
