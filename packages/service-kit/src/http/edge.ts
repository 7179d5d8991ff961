import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody } from './error-body.js';
import { acceptRequestId } from './request-id.js';

/**
 * What the HTTP edge refuses on its own, before a route decides anything. Each has one status here;
 * each service gives each one its own code and message (`EdgeCodes`).
 */
export const EDGE_REFUSAL_STATUS = {
  /** Not valid HTTP/1.1: a bare CR, LF or NUL in a header, broken framing (Node's HPE_* codes). */
  bad_request: 400,
  /** The headers, or the body after them, did not arrive within their timeouts. */
  request_timeout: 408,
  /** The request line and headers are over Node's 16 KiB. */
  headers_too_large: 431,
  /** The body is over the limit: by Content-Length before a byte is read, or while it streams. */
  payload_too_large: 413,
  /** A path segment over Fastify's 100 characters (the path is never echoed back). */
  uri_too_long: 414,
  /** The URL holds an invalid percent-encoding. */
  bad_url: 400,
  /** A body of a media type the route does not take. */
  unsupported_media_type: 415,
  /** A JSON body that does not parse (or holds `__proto__` / `constructor.prototype` keys). */
  invalid_json: 400,
  /** The body ended before Content-Length bytes arrived, or went on after them. */
  invalid_body: 400,
} as const;
export type EdgeRefusal = keyof typeof EDGE_REFUSAL_STATUS;

/** A service's code and message for one edge refusal. */
export interface EdgeAnswer<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
}

/** Every edge refusal with the service's own code and message: a closed table, no code built at run time. */
export type EdgeCodes<Code extends string = string> = Readonly<Record<EdgeRefusal, EdgeAnswer<Code>>>;

/** The refusals Node makes on the socket, before there is a request: what `edgeServerOptions` needs. */
export type SocketRefusal = 'bad_request' | 'request_timeout' | 'headers_too_large';
export type SocketRefusalCodes<Code extends string = string> = Pick<EdgeCodes<Code>, SocketRefusal>;

export interface EdgeLimits {
  /** The largest body a route takes, in bytes. */
  readonly bodyLimitBytes: number;
  /** Time for the request line and headers. */
  readonly headersTimeoutMs: number;
  /** Time for the body, after the headers. */
  readonly bodyTimeoutMs: number;
  /**
   * How long an idle keep-alive connection stays open; default 65 s, longer than the usual 60 s idle
   * timeout of cloud load balancers, which would otherwise reuse a socket just closed and answer 502.
   */
  readonly keepAliveTimeoutMs?: number;
}

export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Node checks its header and request timeouts on an interval (30 s by default), so a 5 s limit fired
 * anywhere from 5 to 35 s. Half a second keeps each limit within 0.5 s of its setting.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

export interface EdgeServerOptions<Code extends string> {
  readonly limits: EdgeLimits;
  readonly codes: SocketRefusalCodes<Code>;
  /** Where the socket-level refusals are logged (a warning each, with the request id). */
  readonly logger: Logger;
  /** Answers what Fastify refuses before routing (a bad URL, an over-long parameter) in the service's shape. */
  readonly frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void;
}

/**
 * The Fastify options of a service's HTTP edge: a slow client gets the header and body time it is
 * allowed and no more, and the refusals Fastify and Node make before any route or hook runs (bad
 * percent-encoding, a path parameter over 100 characters, bare CR/LF/NUL in a header, oversized
 * headers, timeouts) leave in the one error shape, with `x-request-id`. Pass them to `new
 * FastifyAdapter({ ...edgeServerOptions(…) })`, then call `refuseOversizedContinue` on its server.
 */
export function edgeServerOptions<Code extends string>(options: EdgeServerOptions<Code>) {
  const { limits, codes, logger } = options;
  const requestTimeout = limits.headersTimeoutMs + limits.bodyTimeoutMs;
  return {
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    // Requests that arrive while the server closes are the edge's to answer (registerRequestContext).
    return503OnClosing: false,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    frameworkErrors: options.frameworkErrors,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) =>
      refuseConnection(error, socket, codes, logger),
  };
}

/** Node's own refusals, before there is a request object: written to the socket in the error shape. */
function refuseConnection(
  error: Error & { code?: string },
  socket: Socket,
  codes: SocketRefusalCodes,
  logger: Logger,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const nodeCode = error.code ?? '';
  const refusal: SocketRefusal =
    nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 'request_timeout'
      : nodeCode === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : 'bad_request';
  const status = EDGE_REFUSAL_STATUS[refusal];
  const { code } = codes[refusal];
  const message =
    refusal === 'bad_request'
      ? `${codes[refusal].message.replace(/\.$/, '')} (${/^HPE_[A-Z_]+$/.test(nodeCode) ? nodeCode : 'malformed'}).`
      : codes[refusal].message;
  const requestId = acceptRequestId(undefined);
  logger.warn({ requestId, code, status, cause: nodeCode }, message);
  // As Node's own handler: no answer on a socket whose current response has begun (it would corrupt it).
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && current?.headersSent !== true) {
    const text = JSON.stringify(errorBody(code, message, requestId));
    socket.write(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroySoon();
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * `Expect: 100-continue` with a Content-Length over the limit gets 413 instead of `100 Continue`, so
 * the client never sends the body; other expectations continue as Node would.
 */
export function refuseOversizedContinue(
  server: Server,
  bodyLimitBytes: number,
  tooLarge: EdgeAnswer,
  logger: Logger,
): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length']) > bodyLimitBytes) {
      const requestId = acceptRequestId(request.headers['x-request-id']);
      logger.warn({ requestId, code: tooLarge.code, status: 413 }, tooLarge.message);
      const text = JSON.stringify(errorBody(tooLarge.code, tooLarge.message, requestId));
      response.writeHead(413, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'x-request-id': requestId,
        connection: 'close',
      });
      response.end(text);
      return;
    }
    response.writeContinue();
    server.emit('request', request, response);
  });
}

const FRAMEWORK_REFUSALS: Readonly<Record<string, EdgeRefusal>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/**
 * The edge refusal a Fastify error stands for (Nest hands them over as an HttpException caused by
 * them: pass `cause` too), or undefined for anything else.
 */
export function edgeRefusalOf(error: unknown): EdgeRefusal | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(FRAMEWORK_REFUSALS, code) ? FRAMEWORK_REFUSALS[code] : undefined;
}
