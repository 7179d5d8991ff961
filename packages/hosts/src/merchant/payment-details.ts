import { z } from 'zod';
import { MerchantContractError } from '../errors.js';
import { contractProblems } from './problems.js';
import { PAYMENT_STATUS_CODES, type PaymentStatusCode } from './statuses.js';

/**
 * Get Payment Details (`GET /merchant/payments/{paymentId}`), also the body of every `notificationUrl`
 * call: dev.connectpay.com/api-portal/content/get-payment-details (fields),
 * docs.connectpay.com/business-apis/accept-payments/payment-details-for-single-merchants (status).
 *
 * Groups are loose: the provider adds "various statuses and Consumer details" the pages do not list,
 * and a field we do not know must not make a payment unreadable. What the platform acts on is typed:
 * `status.code` (one of the published codes) and `status.isTerminal`.
 */

const optionalText = z.string().max(2048).optional();

export const PaymentStatusSchema = z.looseObject({
  code: z.enum(PAYMENT_STATUS_CODES, {
    error: (issue) =>
      issue.input === undefined
        ? `is required and must be one of the published status codes (${PAYMENT_STATUS_CODES.join(', ')})`
        : `must be one of the published status codes (${PAYMENT_STATUS_CODES.join(', ')}); got "${String(issue.input).slice(0, 40)}"`,
  }),
  isTerminal: z.boolean({ error: 'must be a boolean (true: the status will not change)' }),
});

export const PaymentDetailsSchema = z
  .looseObject({
    merchant: z
      .looseObject({
        brandId: optionalText,
        generic1: optionalText,
        generic2: optionalText,
        generic3: optionalText,
        redirectUrl: optionalText,
        notificationUrl: optionalText,
        language: optionalText,
      })
      .optional(),
    payment: z
      .looseObject({
        /**
         * Not in the published example (it breaks off); the 201 answer and the refund body carry it
         * here, so here is where it is read. See the README's choices.
         */
        paymentId: z.string().min(1).max(200).optional(),
        /** A string in the published answer (`"PIS"`), an array in the request: both are read. */
        paymentMethod: z.union([z.string(), z.array(z.string())]).optional(),
        providerId: optionalText,
        providerName: optionalText,
        providerCountryCode: optionalText,
        creditorName: optionalText,
        creditorAccount: z.looseObject({ iban: optionalText }).optional(),
        debtorName: optionalText,
        debtorAccount: z.looseObject({ iban: optionalText, bban: optionalText, bic: optionalText }).optional(),
        instructedAmount: z.looseObject({ amount: z.string(), currency: z.string() }).optional(),
        remittanceInformationUnstructured: optionalText,
      })
      .optional(),
    identifiers: z
      .looseObject({ merchantReference: optionalText, creditorReference: optionalText, endToEndId: optionalText })
      .optional(),
    consumer: z.looseObject({ firstName: optionalText, lastName: optionalText, ipAddress: optionalText }).optional(),
    status: PaymentStatusSchema,
  })
  .meta({ description: "ConnectPay's Get Payment Details body (also what notificationUrl receives)." });

export type PaymentDetails = z.output<typeof PaymentDetailsSchema>;

/** The typed reading of a Get Payment Details body; unknown fields are kept as they came. */
export interface PaymentDetailsView {
  readonly details: PaymentDetails;
  readonly paymentId: string | undefined;
  readonly status: { readonly code: PaymentStatusCode; readonly isTerminal: boolean };
}

/**
 * Reads a Get Payment Details body (or a notificationUrl body), or throws MerchantContractError
 * naming every field that does not fit, e.g. `status.code: must be one of …`.
 */
export function parsePaymentDetails(body: unknown): PaymentDetailsView {
  const result = PaymentDetailsSchema.safeParse(body);
  if (!result.success) {
    throw new MerchantContractError('Get Payment Details', contractProblems(result.error));
  }
  const details = result.data;
  return {
    details,
    paymentId: details.payment?.paymentId,
    status: { code: details.status.code, isTerminal: details.status.isTerminal },
  };
}
