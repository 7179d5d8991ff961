import type { WebhookErrorCode } from './webhook-error.js';

/**
 * The one JSON shape of every error the receiver answers:
 * `{ "error": { "code", "message", "requestId" } }`. ConnectPay only looks at the status (it retries
 * anything but 2xx); the body is for the people reading the provider's delivery log and ours.
 */
export interface WebhookErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly requestId: string;
  };
}

/** `code` is one of WEBHOOK_ERROR_CODES: the receiver answers no code built at run time. */
export function errorBody(code: WebhookErrorCode, message: string, requestId: string): WebhookErrorBody {
  return { error: { code, message, requestId } };
}
