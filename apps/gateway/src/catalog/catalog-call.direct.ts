import type { IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { KeyRing } from '@connectpay-kit/service-kit';
import { acceptRequestId } from '@connectpay-kit/service-kit/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { authenticateCaller } from '../auth/authenticate.js';
import { ConnectionKeys } from '../auth/connection-keys.js';
import { OverloadedError } from '../errors/gateway-error.js';
import { logFailure } from '../errors/send-error.js';
import { type AdmissionControl, admitCaller, type CallerRegistry, writeOverloaded } from '../http/admission.js';
import { JsonTooDeepError, MAX_JSON_DEPTH, nestsDeeperThan } from '../http/edge.js';
import type { AccessLine, AccessLogger } from '../observability/logger.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { UpstreamService } from '../upstream/upstream.service.js';
import { readNamedCatalogCall } from './catalog-call.js';
import { CATALOG_CALL_ROUTE } from './catalog-call.route.js';

export interface DirectCatalogCallDependencies {
  /** The Fastify instance the other requests go to: its JSON parser, and its close. */
  readonly fastify: FastifyInstance;
  readonly apiKeys: KeyRing;
  readonly upstream: UpstreamService;
  readonly logger: Logger;
  readonly accessLogger: AccessLogger;
  readonly metrics: GatewayMetrics;
  readonly admission: AdmissionControl;
  readonly callers: CallerRegistry;
  readonly bodyLimitBytes: number;
  /**
   * True once the gateway drains (the edge's Drain, which may start before the server's close):
   * Fastify then answers, with `Connection: close` or the gateway's 503. The server's close counts
   * as draining without it.
   */
  readonly draining?: () => boolean;
}

const PREFIX = '/v1/catalog/';
// A name Fastify would hand the route unchanged: no percent-encoding, no query, no slash, at most
// the router's 100 characters (and so one CatalogApiNameParamsSchema accepts).
const API_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const JSON_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/json; charset=utf-8']);
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * `POST /v1/catalog/:api`, the gateway's hot path, served at the Node server for the requests of the
 * ordinary shape: a plain API name, a JSON content type, a Content-Length within the limit, and the
 * gateway not closing. Every other request, and all of them while closing, go to Fastify as before
 * (catalog-call.route.ts serves the same route there). Fastify and Nest's per-request machinery
 * (routing, nine request hooks, request and reply objects, the content-type parser, the reply's
 * send pipeline) cost more than the gateway's own duties on this route (apps/gateway/README.md
 * "Performance"); none of it does anything for these requests. The duties are the same, in the same
 * order, with the same answers: request id, admission (with its queue and the caller's hang-up
 * signal), the body read, the depth limit and Fastify's own JSON parser, the API key, validation,
 * the upstream call with its deadline and response check, the error shape, the access line and
 * gateway_http_requests_total. Register it before shedAtTheDoor, which then refuses first.
 */
export function serveCatalogCallsDirectly(server: Server, dependencies: DirectCatalogCallDependencies): void {
  const { fastify, bodyLimitBytes, draining } = dependencies;
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // Set when close() begins: from then on Fastify answers, with the gateway's 503 for a request still
  // arriving on a busy keep-alive connection (http/request-context.ts).
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const direct = new DirectCatalogCalls(dependencies, (text, done) =>
    parseJson(undefined as unknown as FastifyRequest, text, done),
  );
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const api = closing || draining?.() === true ? undefined : directApi(request, bodyLimitBytes);
    if (api !== undefined) {
      direct.serve(request, response, api);
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
}

/** The API name of a request of the ordinary shape, or undefined for Fastify to serve it. */
function directApi(request: IncomingMessage, bodyLimitBytes: number): string | undefined {
  const { url, headers } = request;
  if (request.method !== 'POST' || url === undefined || !url.startsWith(PREFIX)) return undefined;
  const api = url.slice(PREFIX.length);
  if (!API_NAME.test(api)) return undefined;
  const type = headers['content-type'];
  if (type === undefined || !JSON_TYPES.has(type)) return undefined;
  const length = headers['content-length'];
  // No Content-Length (chunked) or one over the limit (413 before the body): Fastify's answers.
  if (length === undefined || headers['transfer-encoding'] !== undefined) return undefined;
  return Number(length) <= bodyLimitBytes ? api : undefined;
}

type ParseJson = (text: string, done: (error: Error | null, body?: unknown) => void) => void;

class DirectCatalogCalls {
  private readonly keys: ConnectionKeys;

  constructor(
    private readonly dependencies: DirectCatalogCallDependencies,
    private readonly parseJson: ParseJson,
  ) {
    this.keys = new ConnectionKeys(dependencies.apiKeys);
  }

  serve(request: IncomingMessage, response: ServerResponse, api: string): void {
    const startedAt = performance.now();
    const requestId = acceptRequestId(request.headers['x-request-id']);
    this.dependencies.admission.enter(
      () => this.admitted(request, response, api, requestId, startedAt),
      (error) => writeOverloaded(response, requestId, error),
      response,
    );
  }

  private admitted(
    request: IncomingMessage,
    response: ServerResponse,
    api: string,
    requestId: string,
    startedAt: number,
  ): void {
    const { admission, callers } = this.dependencies;
    admitCaller(admission, callers, requestId, startedAt, response, () => {
      // As Fastify's onResponse: only answers that were written in full are logged and counted.
      if (response.writableFinished) this.answered(requestId, response.statusCode, startedAt);
    });
    // Buffers, decoded once at the end: a body is one chunk but for the largest, and a string
    // decoder per request costs more than the concatenation it would save.
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    request.on('data', (chunk: Buffer) => {
      if (first === undefined) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    request.on('end', () => {
      const text = more ? Buffer.concat(more).toString('utf8') : (first?.toString('utf8') ?? '');
      void this.call(request, response, api, requestId, text);
    });
    request.on('error', (error: Error & { statusCode?: number }) => {
      // As Fastify's body reader: a body that broke off is the caller's 400.
      if (!(typeof error.statusCode === 'number' && error.statusCode >= 400)) error.statusCode = 400;
      this.fail(response, requestId, error);
    });
  }

  private async call(
    request: IncomingMessage,
    response: ServerResponse,
    api: string,
    requestId: string,
    text: string,
  ): Promise<void> {
    const { upstream } = this.dependencies;
    try {
      const body = this.body(text);
      authenticateCaller(request.headers['x-api-key'], this.keys.on(request.socket));
      const call = readNamedCatalogCall(api, body);
      const answer = await upstream.call(call.api, requestId, call.input);
      if (response.destroyed) return; // the caller hung up: nobody reads the answer
      writeAnswer(response, requestId, answer.status, answer.body);
    } catch (error) {
      this.fail(response, requestId, error);
    }
  }

  /** The body as json-bodies.ts reads it: empty is no body, too deep is a 400, then Fastify's parser. */
  private body(text: string): unknown {
    if (text.trim() === '') return undefined;
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new JsonTooDeepError();
    let parsed: unknown;
    let failure: Error | null = null;
    this.parseJson(text, (error, body) => {
      failure = error;
      parsed = body;
    });
    if (failure) throw failure;
    return parsed;
  }

  /** The error shape with the same headers, in the same order, as sendError's Fastify reply. */
  private fail(response: ServerResponse, requestId: string, exception: unknown): void {
    const mapped = logFailure(exception, requestId, this.dependencies.logger);
    if (response.headersSent) {
      // Part of a body is out: the caller can only learn of the failure from a cut connection.
      response.destroy();
      return;
    }
    if (response.destroyed) return;
    const text = JSON.stringify(mapped.body);
    const headers: OutgoingHttpHeaders = { 'x-request-id': requestId };
    if (exception instanceof OverloadedError) headers['retry-after'] = String(exception.retryAfterSeconds);
    headers['content-type'] = JSON_CONTENT_TYPE;
    headers['content-length'] = Buffer.byteLength(text);
    response.writeHead(mapped.status, headers);
    response.end(text);
  }

  /** As request-context's onResponse hook: gateway_http_requests_total and the access line. */
  private answered(requestId: string, status: number, startedAt: number): void {
    const { metrics, accessLogger } = this.dependencies;
    metrics.countRequest(CATALOG_CALL_ROUTE, 'POST', status);
    const line: AccessLine = {
      requestId,
      method: 'POST',
      route: CATALOG_CALL_ROUTE,
      status,
      durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
    };
    if (status >= 500) accessLogger.error(line, 'request failed');
    else accessLogger.info(line, 'request');
  }
}

/** The provider's answer as Fastify's `reply.code(status).send(body)` writes it. */
function writeAnswer(response: ServerResponse, requestId: string, status: number, body: unknown): void {
  if (body === undefined || status === 204 || status < 200) {
    const headers: OutgoingHttpHeaders = { 'x-request-id': requestId };
    if (status >= 200 && status !== 204 && status !== 304) headers['content-length'] = '0';
    response.writeHead(status, headers);
    response.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'x-request-id': requestId,
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
