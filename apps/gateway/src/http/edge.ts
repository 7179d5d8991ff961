import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayErrorBody } from '../errors/error-body.js';
import { GatewayRequestError, type GatewayErrorCode } from '../errors/gateway-error.js';
import { sendError } from '../errors/send-error.js';

export interface EdgeLimits {
  readonly bodyLimitBytes: number;
  /** Time for the request line and headers (GATEWAY_HEADERS_TIMEOUT_MS). */
  readonly headersTimeoutMs: number;
  /** Time for the body after the headers (GATEWAY_BODY_TIMEOUT_MS). */
  readonly bodyTimeoutMs: number;
}

/** JSON nested deeper than this is refused before it is parsed: nothing the gateway takes nests near it. */
export const MAX_JSON_DEPTH = 64;

/**
 * Node checks its header and request timeouts on an interval (30 s by default), so a 5 s limit fired
 * anywhere from 5 to 35 s. Half a second keeps each limit within 0.5 s of its setting.
 */
const CONNECTIONS_CHECKING_INTERVAL_MS = 500;

// The same shape transport accepts for X-Request-ID.
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request whose body is over the limit by its Content-Length: refused before a byte of it is read. */
export class PayloadTooLargeError extends GatewayRequestError {
  constructor(limit: number) {
    super(
      413,
      'GATEWAY_PAYLOAD_TOO_LARGE',
      `The request body is larger than the gateway accepts (${Math.round(limit / 1024)} KiB).`,
    );
  }
}

export class JsonTooDeepError extends GatewayRequestError {
  constructor() {
    super(
      400,
      'GATEWAY_JSON_TOO_DEEP',
      `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels; no gateway request does.`,
    );
  }
}

/**
 * The Fastify options of the gateway's HTTP edge: a slow client gets the header and body time it is
 * allowed and no more, and the refusals Fastify and Node make before any route or hook runs (bad
 * percent-encoding, a path parameter over 100 characters, bare CR/LF/NUL in a header, oversized
 * headers, timeouts) leave in the gateway's one error shape, with `x-request-id`.
 */
export function edgeOptions(limits: EdgeLimits, logger: Logger) {
  return {
    bodyLimit: limits.bodyLimitBytes,
    requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendError(error, request, reply, logger),
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => refuseConnection(error, socket, logger),
  };
}

/** Node's own refusals, before there is a request object: written to the socket in the error shape. */
function refuseConnection(error: Error & { code?: string }, socket: Socket, logger: Logger): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] = clientErrorOf(error.code ?? '');
  const requestId = randomUUID();
  logger.warn({ requestId, code, status, cause: error.code }, message);
  // As Node's own handler: no answer on a socket whose current response has begun (it would corrupt it).
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && current?.headersSent !== true) {
    const text = JSON.stringify(errorBody(code, message, requestId));
    socket.write(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
        `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroySoon();
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
};

function clientErrorOf(nodeCode: string): [number, GatewayErrorCode, string] {
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [
      408,
      'GATEWAY_REQUEST_TIMEOUT',
      'The request did not arrive in time (GATEWAY_HEADERS_TIMEOUT_MS for the headers, then GATEWAY_BODY_TIMEOUT_MS for the body).',
    ];
  }
  if (nodeCode === 'HPE_HEADER_OVERFLOW') {
    return [
      431,
      'GATEWAY_HEADERS_TOO_LARGE',
      'The request line and headers are larger than the gateway accepts (16 KiB).',
    ];
  }
  return [
    400,
    'GATEWAY_BAD_REQUEST',
    `The request is not valid HTTP/1.1 (${/^HPE_[A-Z_]+$/.test(nodeCode) ? nodeCode : 'malformed'}): a header holds a bare CR, LF or NUL, or the framing is wrong.`,
  ];
}

/**
 * `Expect: 100-continue` with a Content-Length over the limit gets 413 instead of `100 Continue`, so
 * the client never sends the body; other expectations continue as Node would.
 */
export function refuseOversizedContinue(server: Server, limits: EdgeLimits, logger: Logger): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (Number(request.headers['content-length']) > limits.bodyLimitBytes) {
      const header = request.headers['x-request-id'];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
      const error = new PayloadTooLargeError(limits.bodyLimitBytes);
      logger.warn({ requestId, code: error.code, status: 413 }, error.message);
      const text = JSON.stringify(errorBody(error.code, error.message, requestId));
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

/**
 * Whether JSON text nests deeper than `max`, by counting brackets outside strings: a linear scan that
 * costs far less than the parse it saves, and never recurses.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max * 2) return false;
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return false;
}

function errorBody(code: string, message: string, requestId: string): GatewayErrorBody {
  return { error: { code, message, requestId } };
}
