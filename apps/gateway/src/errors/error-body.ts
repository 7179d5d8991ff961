import type { ErrorBody, ErrorDetail } from '@connectpay-kit/service-kit/http';

/**
 * The one JSON shape of every gateway error (documented in the README and OpenAPI), the kit's
 * `ErrorBody` that the webhook receiver answers too:
 * `{ "error": { "code", "message", "requestId", "cause"?, "details"?, "provider"?: { "status", "body" } } }`.
 * `provider` passes ConnectPay's own error through untouched when the provider answered; `cause`
 * names why a connection failed (e.g. `untrusted` for a refused client certificate, `ECONNREFUSED`).
 */
export type GatewayErrorBody = ErrorBody;

/** One problem with the request, e.g. `{ path: 'payment.instructedAmount.amount', message: '…' }`. */
export type { ErrorDetail };
