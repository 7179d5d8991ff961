import { ServiceError, ServiceRequestError } from '@connectpay-kit/service-kit';

/**
 * Stable codes of errors the receiver raises; callers and dashboards match on these, never on
 * messages. A start that cannot proceed raises @connectpay-kit/service-kit's SERVICE_* errors instead.
 */
export const WEBHOOK_ERROR_CODES = [
  'WEBHOOK_TOKEN_INVALID',
  'WEBHOOK_SOURCE_NOT_ALLOWED',
  'WEBHOOK_PAYLOAD_TOO_LARGE',
  'WEBHOOK_UNSUPPORTED_MEDIA_TYPE',
  'WEBHOOK_INVALID_JSON',
  'WEBHOOK_NOT_AN_EVENT',
  'WEBHOOK_BODY_INCOMPLETE',
  'WEBHOOK_STORAGE_UNAVAILABLE',
  'WEBHOOK_ADMIN_UNAUTHENTICATED',
  'WEBHOOK_ADMIN_DISABLED',
  'WEBHOOK_VALIDATION_FAILED',
  'WEBHOOK_EVENT_NOT_FOUND',
  'WEBHOOK_REPLAY_CONFLICT',
  'WEBHOOK_ROUTE_NOT_FOUND',
  'WEBHOOK_EVENT_INVALID',
  'WEBHOOK_EVENT_UNRECOVERABLE',
  'WEBHOOK_HANDLER_CONFLICT',
  'WEBHOOK_ROTATION_REFUSED',
  'WEBHOOK_BAD_REQUEST',
  'WEBHOOK_REQUEST_TIMEOUT',
  'WEBHOOK_HEADERS_TOO_LARGE',
  'WEBHOOK_URI_TOO_LONG',
  'WEBHOOK_INTERNAL',
] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const WEBHOOK_ERROR_MEANING: Readonly<Record<WebhookErrorCode, string>> = {
  WEBHOOK_TOKEN_INVALID: 'The webhook token header is missing or does not hold the configured token.',
  WEBHOOK_SOURCE_NOT_ALLOWED: 'The delivery does not come from a published ConnectPay source address.',
  WEBHOOK_PAYLOAD_TOO_LARGE: 'The delivery body is larger than the receiver accepts.',
  WEBHOOK_UNSUPPORTED_MEDIA_TYPE: 'An unauthenticated notification call is not JSON; nothing was stored.',
  WEBHOOK_INVALID_JSON: 'An unauthenticated notification body is not valid JSON; nothing was stored.',
  WEBHOOK_NOT_AN_EVENT: 'An unauthenticated notification body is not a JSON object; nothing was stored.',
  WEBHOOK_BODY_INCOMPLETE: 'The body ended before Content-Length bytes arrived; nothing was stored.',
  WEBHOOK_STORAGE_UNAVAILABLE: 'Storage does not answer, so the delivery is not acknowledged: ConnectPay retries.',
  WEBHOOK_ADMIN_UNAUTHENTICATED: 'The admin API key header is missing or wrong.',
  WEBHOOK_ADMIN_DISABLED: 'The admin API is off: no admin keys are configured.',
  WEBHOOK_VALIDATION_FAILED: 'An admin request does not fit its schema.',
  WEBHOOK_EVENT_NOT_FOUND: 'There is no inbox event with that id.',
  WEBHOOK_REPLAY_CONFLICT: 'The event is not in a state that can be replayed or another writer got there first.',
  WEBHOOK_ROUTE_NOT_FOUND: 'No such route on the receiver.',
  WEBHOOK_EVENT_INVALID: 'A handler found the event payload lacks what it needs: dead-lettered, not retried.',
  WEBHOOK_EVENT_UNRECOVERABLE: 'A handler judged that retrying cannot help: dead-lettered, not retried.',
  WEBHOOK_HANDLER_CONFLICT: 'Two handlers were registered for the same event type (at start).',
  WEBHOOK_ROTATION_REFUSED: 'A client certificate switch was asked for but nothing valid is staged.',
  WEBHOOK_BAD_REQUEST: 'The request is not valid HTTP/1.1 or its URL is malformed (bad percent-encoding).',
  WEBHOOK_REQUEST_TIMEOUT: 'The request headers (20 s) or the whole request (30 s) did not arrive in time.',
  WEBHOOK_HEADERS_TOO_LARGE: 'The request line and headers are larger than the receiver accepts (16 KiB).',
  WEBHOOK_URI_TOO_LONG: 'A path segment of the URL is longer than the receiver accepts (100 characters).',
  WEBHOOK_INTERNAL: 'The receiver failed on this request; the details are logged under its request id.',
};

/** The HTTP status each code is answered with, for docs/errors.md; null for codes that never reach a caller. */
export const WEBHOOK_ERROR_STATUS: Readonly<Record<WebhookErrorCode, number | null>> = {
  WEBHOOK_TOKEN_INVALID: 401,
  WEBHOOK_SOURCE_NOT_ALLOWED: 403,
  WEBHOOK_PAYLOAD_TOO_LARGE: 413,
  WEBHOOK_UNSUPPORTED_MEDIA_TYPE: 415,
  WEBHOOK_INVALID_JSON: 400,
  WEBHOOK_NOT_AN_EVENT: 400,
  WEBHOOK_BODY_INCOMPLETE: 400,
  WEBHOOK_STORAGE_UNAVAILABLE: 503,
  WEBHOOK_ADMIN_UNAUTHENTICATED: 401,
  WEBHOOK_ADMIN_DISABLED: 503,
  WEBHOOK_VALIDATION_FAILED: 400,
  WEBHOOK_EVENT_NOT_FOUND: 404,
  WEBHOOK_REPLAY_CONFLICT: 409,
  WEBHOOK_ROUTE_NOT_FOUND: 404,
  WEBHOOK_EVENT_INVALID: null,
  WEBHOOK_EVENT_UNRECOVERABLE: null,
  WEBHOOK_HANDLER_CONFLICT: null,
  WEBHOOK_ROTATION_REFUSED: 409,
  WEBHOOK_BAD_REQUEST: 400,
  WEBHOOK_REQUEST_TIMEOUT: 408,
  WEBHOOK_HEADERS_TOO_LARGE: 431,
  WEBHOOK_URI_TOO_LONG: 414,
  WEBHOOK_INTERNAL: 500,
};

/** An event the receiver cannot process (service-kit's ServiceError, typed by the codes above). */
export class WebhookError extends ServiceError<WebhookErrorCode> {}

/** A request the receiver answers itself, with this HTTP status, in the documented error shape. */
export class WebhookRequestError extends ServiceRequestError<WebhookErrorCode> {}

/**
 * A handler's verdict that retrying cannot help (the payload lacks what the handler needs, the
 * provider says the payment does not exist): the event goes straight to the dead letters.
 */
export class UnrecoverableEventError extends WebhookError {
  constructor(
    message: string,
    code: 'WEBHOOK_EVENT_INVALID' | 'WEBHOOK_EVENT_UNRECOVERABLE' = 'WEBHOOK_EVENT_UNRECOVERABLE',
  ) {
    super(code, message);
  }
}

/** True for any error the receiver itself raises: about an event, or a request it answers. */
export function isWebhookError(value: unknown): value is WebhookError | WebhookRequestError {
  return value instanceof WebhookError || value instanceof WebhookRequestError;
}
