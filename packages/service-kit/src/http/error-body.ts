/** One problem with the request, e.g. `{ path: 'payment.instructedAmount.amount', message: '…' }`. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/**
 * The one JSON shape of every error both services answer:
 * `{ "error": { "code", "message", "requestId", "cause"?, "details"?, "provider"?: { "status", "body" } } }`.
 * `details` names each field a validation error is about; `cause` why a connection failed (the
 * gateway's `untrusted`, `ECONNREFUSED`); `provider` passes ConnectPay's own error through untouched.
 * The same id is in the `x-request-id` header of the answer.
 */
export interface ErrorBody<Code extends string = string> {
  readonly error: {
    readonly code: Code;
    readonly message: string;
    readonly requestId: string;
    readonly cause?: string;
    readonly details?: readonly ErrorDetail[];
    readonly provider?: { readonly status: number; readonly body: unknown };
  };
}

export type ErrorExtras = Partial<Pick<ErrorBody['error'], 'cause' | 'details' | 'provider'>>;

export function errorBody<Code extends string>(
  code: Code,
  message: string,
  requestId: string,
  extra: ErrorExtras = {},
): ErrorBody<Code> {
  return { error: { code, message, requestId, ...extra } };
}

/** The reply parts of an error answer, so every route and filter answers errors alike. */
interface ErrorReply {
  readonly sent: boolean;
  readonly raw: { readonly headersSent: boolean; destroy(): void };
  status(code: number): ErrorReply;
  header(name: string, value: string): ErrorReply;
  send(payload: string): unknown;
}

/**
 * Sends `body` with `status`, as JSON with its request id in `x-request-id`. When part of an answer
 * is already out, the caller can only learn of the failure from a cut connection: it is destroyed.
 */
export function sendErrorBody(reply: ErrorReply, status: number, body: ErrorBody): void {
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-request-id', body.error.requestId)
    .send(JSON.stringify(body));
}

/** An unexpected error as the log keeps it (type, message, stack); the caller only gets the request id. */
export function unexpectedForLog(exception: unknown): Record<string, string | undefined> {
  return exception instanceof Error
    ? { type: exception.name, message: exception.message, stack: exception.stack }
    : { value: String(exception) };
}
