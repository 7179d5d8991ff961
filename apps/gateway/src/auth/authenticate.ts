import { UnauthenticatedError } from '../errors/gateway-error.js';
import type { KeyCheck } from './connection-keys.js';

/**
 * The internal-caller check, shared by the Nest guard and the plain Fastify catalog route: a missing
 * or unknown `x-api-key` is a 401 before anything else is read.
 */
export function authenticateCaller(header: string | string[] | undefined, keys: KeyCheck): void {
  if (header === undefined || header === '') {
    throw new UnauthenticatedError('Send the gateway API key in the x-api-key header.');
  }
  if (typeof header !== 'string' || !keys.accepts(header)) {
    throw new UnauthenticatedError('The x-api-key header does not hold a key this gateway accepts.');
  }
}
