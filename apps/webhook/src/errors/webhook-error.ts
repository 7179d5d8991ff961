/**
 * Stable codes of errors the receiver raises; callers and dashboards match on these, never on
 * messages. A start that cannot proceed raises @connectpay-kit/service-kit's SERVICE_* errors instead.
 */
export type WebhookErrorCode =
  | 'WEBHOOK_TOKEN_INVALID'
  | 'WEBHOOK_SOURCE_NOT_ALLOWED'
  | 'WEBHOOK_PAYLOAD_TOO_LARGE'
  | 'WEBHOOK_UNSUPPORTED_MEDIA_TYPE'
  | 'WEBHOOK_INVALID_JSON'
  | 'WEBHOOK_NOT_AN_EVENT'
  | 'WEBHOOK_BODY_INCOMPLETE'
  | 'WEBHOOK_STORAGE_UNAVAILABLE'
  | 'WEBHOOK_ADMIN_UNAUTHENTICATED'
  | 'WEBHOOK_ADMIN_DISABLED'
  | 'WEBHOOK_VALIDATION_FAILED'
  | 'WEBHOOK_EVENT_NOT_FOUND'
  | 'WEBHOOK_REPLAY_CONFLICT'
  | 'WEBHOOK_ROUTE_NOT_FOUND'
  | 'WEBHOOK_EVENT_INVALID'
  | 'WEBHOOK_EVENT_UNRECOVERABLE'
  | 'WEBHOOK_HANDLER_CONFLICT'
  | 'WEBHOOK_ROTATION_REFUSED'
  | 'WEBHOOK_INTERNAL';

/** The base of every error the receiver raises: a request it refuses, or an event it cannot process. */
export class WebhookError extends Error {
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request the receiver answers itself, with this HTTP status, in the documented error shape. */
export class WebhookRequestError extends WebhookError {
  constructor(
    readonly status: number,
    code: WebhookErrorCode,
    message: string,
  ) {
    super(code, message);
  }
}

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
