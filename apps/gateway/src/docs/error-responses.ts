import type { NamedSchema, ResponseDescription } from './route-description.js';
import { ErrorResponseSchema } from './error.schema.js';

/** The one error shape (errors/error-body.ts), as components.schemas.ErrorResponse. */
export const ERROR_RESPONSE: NamedSchema = { name: 'ErrorResponse', schema: ErrorResponseSchema };

/** An error answer in the gateway's error shape. */
export function errorResponse(description: string): ResponseDescription {
  return { description, body: ERROR_RESPONSE };
}

/** A missing or wrong x-api-key. */
export const UNAUTHENTICATED = {
  '401': errorResponse(
    'Missing or wrong x-api-key (GATEWAY_UNAUTHENTICATED), or ConnectPay refused the gateway credentials (PROVIDER_REJECTED_CREDENTIALS).',
  ),
} as const;

/** What any route that calls ConnectPay may answer besides its own result. */
export const CALL_ERRORS = {
  '400': errorResponse(
    'Invalid request (GATEWAY_VALIDATION_FAILED with details, GATEWAY_INVALID_JSON, GATEWAY_JSON_TOO_DEEP, GATEWAY_BAD_REQUEST, TRANSPORT_MISUSE).',
  ),
  ...UNAUTHENTICATED,
  '502': errorResponse(
    'Upstream failed: TLS, client certificate refused (cause says why), connection, a provider 5xx, or a 2xx that is not the API answer (PROVIDER_INVALID_RESPONSE).',
  ),
  '503': errorResponse(
    'The gateway is overloaded (GATEWAY_OVERLOADED, with Retry-After), lacks a credential for this API (TRANSPORT_CREDENTIALS_MISSING) or is shutting down.',
  ),
  '504': errorResponse(
    "ConnectPay did not answer within the call's budget (GATEWAY_UPSTREAM_TIMEOUT; cause names the phase: connect-, headers- or body-timeout).",
  ),
} as const;
