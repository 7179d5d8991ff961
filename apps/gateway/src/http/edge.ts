import type { SocketRefusalCodes } from '@connectpay-kit/service-kit/http';
import { GatewayRequestError, type GatewayErrorCode } from '../errors/gateway-error.js';

/** JSON nested deeper than this is refused before it is parsed: nothing the gateway takes nests near it. */
export const MAX_JSON_DEPTH = 64;

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
 * The gateway's code and message for each refusal Node makes on the socket (service-kit's edge writes
 * them in the error shape, with x-request-id). Fastify's own refusals are mapped in errors/map-error.ts.
 */
export const GATEWAY_SOCKET_REFUSALS: SocketRefusalCodes<GatewayErrorCode> = {
  bad_request: {
    code: 'GATEWAY_BAD_REQUEST',
    message: 'The request is not valid HTTP/1.1: a header holds a bare CR, LF or NUL, or the framing is wrong.',
  },
  request_timeout: {
    code: 'GATEWAY_REQUEST_TIMEOUT',
    message:
      'The request did not arrive in time (GATEWAY_HEADERS_TIMEOUT_MS for the headers, then GATEWAY_BODY_TIMEOUT_MS for the body).',
  },
  headers_too_large: {
    code: 'GATEWAY_HEADERS_TOO_LARGE',
    message: 'The request line and headers are larger than the gateway accepts (16 KiB).',
  },
};

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
