import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayRequestError } from '../errors/gateway-error.js';
import type { NextFunction } from './request-context.js';

/**
 * A body in another format would reach the handlers as "no body" and fail validation with a
 * misleading "payment is required": refuse it up front, saying what to send instead.
 */
export function jsonOnly() {
  return (request: IncomingMessage, _response: ServerResponse, next: NextFunction): void => {
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    const type = request.headers['content-type'] ?? '';
    if (hasBody && !/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i.test(type)) {
      next(
        new GatewayRequestError(
          415,
          'GATEWAY_UNSUPPORTED_MEDIA_TYPE',
          `The gateway takes JSON bodies: send Content-Type: application/json${type ? ` (got ${type.slice(0, 60)})` : ''}.`,
        ),
      );
      return;
    }
    next();
  };
}
