/**
 * The one JSON shape of every gateway error (documented in the README and OpenAPI):
 * `{ "error": { "code", "message", "requestId", "cause"?, "details"?, "provider"?: { "status", "body" } } }`.
 * `provider` passes ConnectPay's own error through untouched when the provider answered; `cause`
 * names why a connection failed (e.g. `untrusted` for a refused client certificate, `ECONNREFUSED`).
 */
export interface GatewayErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly requestId: string;
    readonly cause?: string;
    readonly details?: readonly ErrorDetail[];
    readonly provider?: { readonly status: number; readonly body: unknown };
  };
}

/** One problem with the request, e.g. `{ path: 'payment.instructedAmount.amount', message: '…' }`. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}
