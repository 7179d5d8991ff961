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

export function errorBody(code: string, message: string, requestId: string): WebhookErrorBody {
  return { error: { code, message, requestId } };
}
