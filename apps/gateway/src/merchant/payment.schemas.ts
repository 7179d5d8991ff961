import { z } from 'zod';

// The provider's body groups (connectpay-api-notes.md, "Merchant API v2"). Objects are strict: a
// misspelt field is refused by name instead of silently not reaching ConnectPay.

const AMOUNT = /^\d{1,15}(\.\d{1,2})?$/;

export const InstructedAmountSchema = z
  .strictObject({
    amount: z.string().regex(AMOUNT, 'must be a decimal string with at most 2 decimals, like "12.34"'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code in upper case, like "EUR"'),
  })
  .meta({ description: 'Amount as a decimal string (never a float) and its currency.' });

export const CreatePaymentBodySchema = z
  .strictObject({
    merchant: z
      .strictObject({
        brandId: z.string().min(1).max(100).optional().meta({ description: 'Default: GATEWAY_MERCHANT_BRAND_ID.' }),
        redirectUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .meta({ description: 'Where the payer returns after paying; https outside local.' }),
        notificationUrl: z
          .url({ protocol: /^https?$/ })
          .optional()
          .meta({
            description: 'Per-payment status callback; https outside local. Default: GATEWAY_NOTIFICATION_URL.',
          }),
        language: z
          .string()
          .regex(/^[a-z]{2}$/, 'must be a two-letter ISO 639-1 code in lower case, like "en"')
          .default('en'),
      })
      .optional(),
    payment: z.strictObject({
      paymentMethod: z
        .string()
        .min(1)
        .max(50)
        .meta({ examples: ['PIS'] }),
      providerCountryCode: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case, like "LT"')
        .optional(),
      providerId: z.string().min(1).max(100).optional(),
      instructedAmount: InstructedAmountSchema,
    }),
    identifiers: z.strictObject({
      merchantReference: z.string().min(1).max(140),
      endToEndId: z.string().min(1).max(140).optional(),
    }),
    consumer: z
      .strictObject({
        firstName: z.string().min(1).max(100).optional(),
        lastName: z.string().min(1).max(100).optional(),
        ipAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
      })
      .optional(),
  })
  .meta({ description: "The provider's Create Payment body; merchant defaults are filled in." });

export type CreatePaymentBody = z.output<typeof CreatePaymentBodySchema>;

export const PaymentIdParamsSchema = z.strictObject({
  // Any text: the transport URL-encodes it into one path segment, so "../x" cannot climb to another API.
  paymentId: z.string().min(1).max(200),
});

export const PaymentCreatedSchema = z
  .object({
    payment: z.object({ paymentId: z.string(), redirectUrl: z.string(), status: z.string() }),
  })
  .meta({ description: "ConnectPay's answer, passed through." });

export const PaymentDetailsSchema = z
  .object({
    payment: z.object({ paymentId: z.string(), status: z.string().meta({ examples: ['PendingProvider'] }) }).loose(),
  })
  .loose()
  .meta({ description: "ConnectPay's Get Payment Details body, passed through." });
