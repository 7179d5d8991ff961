import { z } from 'zod';

// The merchant v2 bodies are ConnectPay's published contract, defined once in @connectpay-kit/hosts
// (its README lists the choices where the provider's pages are silent): the gateway validates with it
// and publishes it in /docs/openapi.json, and the sandbox enforces the same schema.
export {
  InitiatePaymentRequestSchema,
  InitiatePaymentResponseSchema,
  PaymentDetailsSchema,
  type InitiatePaymentRequest,
  type InitiatePaymentRequestInput,
} from '@connectpay-kit/hosts';

export const PaymentIdParamsSchema = z.strictObject({
  // Any text: the transport URL-encodes it into one path segment, so "../x" cannot climb to another API.
  paymentId: z.string().min(1).max(200),
});
