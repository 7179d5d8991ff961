import { z } from 'zod';
import { ISO_4217_CURRENCIES } from './currencies.js';

/**
 * Merchant API v2 "Initiate Payment" (`POST /merchant/payments`) as ConnectPay publishes it:
 * field names and the example body from docs.connectpay.com/business-apis/accept-payments/basic-authorization-and-brand-information,
 * mandatory flags from dev.connectpay.com/api-portal/content/single-payment%E2%80%99s-parameters,
 * payment methods from docs.connectpay.com/business-apis/accept-payments/single-merchant-payments/.
 * Every limit the pages do not state is a choice listed in the package README ("Choices").
 *
 * One schema for every side: the gateway validates callers' bodies with it and builds its OpenAPI
 * document from it; the sandbox enforces it. Objects are strict, so a misspelt field is refused by
 * name instead of silently not reaching ConnectPay. Every message says what is allowed.
 */

export const PAYMENT_METHODS = ['PIS', 'CARD', 'GooglePay', 'ApplePay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const WIDGET_LANGUAGES = ['EN', 'DE', 'NL', 'FI', 'SV', 'LT'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/** Countries with PIS banks (docs.connectpay.com/business-apis/accept-payments/single-merchant-payments/). */
export const PIS_COUNTRIES = ['DE', 'NL', 'FI', 'LT'] as const;

/** SEPA's largest credit transfer (EPC rulebook, AT-04): the widest a bank takes, and it catches cents sent as units. */
export const MAX_AMOUNT = '999999999.99';

const methods = PAYMENT_METHODS.join(', ');
const languages = WIDGET_LANGUAGES.join(', ');

/** The rule, said of a missing field too: a caller reads what to send, never a bare "Invalid input". */
function rule(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `is required and ${message}` : message);
}

function text(max: number, what: string) {
  return z
    .string({ error: rule(`must be a string (${what}, 1 to ${max} characters)`) })
    .min(1, `must not be empty (${what}, 1 to ${max} characters)`)
    .max(max, `must be at most ${max} characters (${what})`);
}

/**
 * Callback URLs: ConnectPay requires https and checks the hostname against the DevApp's registered
 * URLs. http is accepted here only because local development and the compose topology call receivers
 * over plain http; the gateway refuses http outside `local`.
 */
function callbackUrl(what: string) {
  return z
    .string({ error: rule(`must be an absolute https URL (${what})`) })
    .max(2048, 'must be at most 2048 characters')
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, `must be an absolute https URL (${what}), like "https://shop.example/return"`);
}

const AMOUNT_SHAPE = /^-?\d+(\.\d+)?$/;

/** The amount rule as one regular expression, for the JSON Schema; the checks below give the messages. */
export const AMOUNT_PATTERN = '^(?!0*(\\.0{1,2})?$)\\d{1,9}(\\.\\d{1,2})?$';

export const AmountSchema = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? 'is required and must be a string with a decimal greater than 0 and at most 2 decimals, like "12.34"'
        : typeof issue.input === 'number'
          ? `must be a string, not a JSON number: send "${String(issue.input)}" in quotes, a decimal greater than 0 with at most 2 decimals`
          : 'must be a string with a decimal greater than 0 and at most 2 decimals, like "12.34"',
  })
  .superRefine((value, context) => {
    const fail = (message: string) => context.addIssue({ code: 'custom', message, input: value });
    if (!AMOUNT_SHAPE.test(value)) {
      return fail(`must be a decimal with digits and at most one dot, like "12.34"; "${value.slice(0, 20)}" is not`);
    }
    if (value.startsWith('-')) return fail('must be greater than 0: a negative amount is not a payment');
    const [whole = '', decimals = ''] = value.split('.');
    if (decimals.length > 2) return fail('must have at most 2 decimals, like "12.34"');
    if (/^0*$/.test(whole) && /^0*$/.test(decimals)) return fail('must be greater than 0, like "0.01"');
    const [maxWhole = '', maxDecimals = ''] = MAX_AMOUNT.split('.');
    const digits = whole.replace(/^0+(?=\d)/, '');
    const over =
      digits.length > maxWhole.length ||
      (digits.length === maxWhole.length && `${digits}.${decimals.padEnd(2, '0')}` > `${maxWhole}.${maxDecimals}`);
    if (over) fail(`must be at most ${MAX_AMOUNT}`);
  })
  .meta({
    description: `Decimal string greater than 0, at most 2 decimals and at most ${MAX_AMOUNT}.`,
    pattern: AMOUNT_PATTERN,
    examples: ['1.23'],
  });

export const CurrencySchema = z
  .string({ error: rule('must be an ISO 4217 currency code, like "EUR"') })
  .superRefine((value, context) => {
    if (ISO_4217_CURRENCIES.has(value)) return;
    context.addIssue({
      code: 'custom',
      input: value,
      message: ISO_4217_CURRENCIES.has(value.toUpperCase())
        ? `must be an ISO 4217 currency code in upper case, like "${value.toUpperCase()}"`
        : `must be an ISO 4217 currency code, like "EUR"; "${value.slice(0, 10)}" is not one`,
    });
  })
  .meta({ description: 'ISO 4217 code; PIS takes EUR only.', examples: ['EUR'] });

export const InstructedAmountSchema = z.strictObject(
  { amount: AmountSchema, currency: CurrencySchema },
  { error: rule('must be an object: {"amount": "12.34", "currency": "EUR"}') },
);

export const PaymentMethodsSchema = z
  .array(
    z.enum(PAYMENT_METHODS, {
      error: (issue) => `must be one of ${methods} (case as written); "${String(issue.input).slice(0, 20)}" is not`,
    }),
    {
      error: rule(`must be an array of payment methods, like ["PIS"] or ["PIS","CARD"]; allowed: ${methods}`),
    },
  )
  .min(1, `must name at least one payment method, like ["PIS"]; allowed: ${methods}`)
  .refine((list) => new Set(list).size === list.length, 'must not name a payment method twice')
  .meta({
    description: `Payment methods offered in the widget (${methods}); more than one adds a method-selection step.`,
    examples: [['PIS'], ['PIS', 'CARD']],
  });

const MerchantSchema = z.strictObject(
  {
    brandId: text(100, 'the Brand ID from your DevApp, "MERCHANT API – BRAND ID"'),
    redirectUrl: callbackUrl('where the payer returns, registered in your DevApp'),
    notificationUrl: callbackUrl('where ConnectPay POSTs status changes, registered in your DevApp').optional(),
    language: z
      .enum(WIDGET_LANGUAGES, {
        error: (issue) =>
          typeof issue.input === 'string' && (WIDGET_LANGUAGES as readonly string[]).includes(issue.input.toUpperCase())
            ? `must be upper case: "${issue.input.toUpperCase()}"; allowed: ${languages}`
            : `must be one of ${languages}`,
      })
      .default('EN')
      .meta({ description: `Widget language (${languages}); default EN.` }),
    generic1: text(255, 'your own value, echoed back').optional(),
    generic2: text(255, 'your own value, echoed back').optional(),
    generic3: text(255, 'your own value, echoed back').optional(),
  },
  { error: rule('must be an object with at least brandId and redirectUrl') },
);

const PAYMENT_FIELDS = {
  paymentMethod: PaymentMethodsSchema,
  providerCountryCode: z
    .string({ error: rule('must be an ISO 3166-1 alpha-2 country code, like "LT"') })
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code in upper case, like "LT"')
    .meta({ description: `Preselected country; PIS banks are in ${PIS_COUNTRIES.join(', ')}.`, examples: ['LT'] }),
  providerId: text(100, 'the bank to preselect, e.g. "a7640cb7-4dec-4a44-a9ad-b918c803254e"').optional(),
  debtorName: text(140, "the payer's name").optional(),
  instructedAmount: InstructedAmountSchema,
  remittanceInformationUnstructured: text(140, 'free text on the payment').optional(),
};

const PaymentSchema = z.strictObject(PAYMENT_FIELDS, {
  error: rule('must be an object with paymentMethod, providerCountryCode and instructedAmount'),
});

/** BaaS: "method, provider and language are optional but recommended" (docs.connectpay.com/?p=319). */
const BaasPaymentSchema = z.strictObject(
  {
    ...PAYMENT_FIELDS,
    paymentMethod: PAYMENT_FIELDS.paymentMethod.optional(),
    providerCountryCode: PAYMENT_FIELDS.providerCountryCode.optional(),
  },
  { error: rule('must be an object with at least instructedAmount') },
);

const IdentifiersSchema = z.strictObject(
  {
    merchantReference: text(140, 'your order reference'),
    endToEndId: text(35, 'the SEPA end-to-end id').optional(),
    creditorReference: text(35, 'a structured creditor reference, e.g. "RF12334567"').optional(),
  },
  { error: rule('must be an object with at least merchantReference') },
);

const ConsumerSchema = z.strictObject(
  {
    firstName: text(100, "the payer's first name").optional(),
    lastName: text(100, "the payer's last name").optional(),
    ipAddress: z
      .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address, like "235.114.187.1"' })
      .optional(),
  },
  { error: 'must be an object: {"firstName", "lastName", "ipAddress"}' },
);

/** What the checks across fields read; each value is checked for its type before it is compared. */
interface CrossFields {
  readonly payment?: {
    readonly paymentMethod?: unknown;
    readonly providerCountryCode?: unknown;
    readonly instructedAmount?: { readonly currency?: unknown };
  };
}

function checkAcrossFields(body: CrossFields, context: z.RefinementCtx): void {
  // Runs even when a field failed, so each value is checked for its type before it is compared:
  // a currency that is no ISO code, or a method list that is no list, has its own problem already.
  const { paymentMethod, instructedAmount, providerCountryCode } = body.payment ?? {};
  const methodList: readonly unknown[] = Array.isArray(paymentMethod) ? paymentMethod : [];
  const currency = instructedAmount?.currency;
  if (
    methodList.includes('PIS') &&
    typeof currency === 'string' &&
    ISO_4217_CURRENCIES.has(currency) &&
    currency !== 'EUR'
  ) {
    context.addIssue({
      code: 'custom',
      path: ['payment', 'instructedAmount', 'currency'],
      message: `must be EUR when paymentMethod includes PIS (bank transfers are in euro only); "${currency}" is possible with CARD only`,
      input: currency,
    });
  }
  if (
    methodList.length === 1 &&
    methodList[0] === 'PIS' &&
    typeof providerCountryCode === 'string' &&
    /^[A-Z]{2}$/.test(providerCountryCode) &&
    !(PIS_COUNTRIES as readonly string[]).includes(providerCountryCode)
  ) {
    context.addIssue({
      code: 'custom',
      path: ['payment', 'providerCountryCode'],
      message: `must be one of ${PIS_COUNTRIES.join(', ')} for a PIS payment: ConnectPay has PIS banks there only`,
      input: providerCountryCode,
    });
  }
}

const BODY_ERROR = { error: rule('must be a JSON object with merchant, payment and identifiers') };

export const InitiatePaymentRequestSchema = z
  .strictObject(
    {
      merchant: MerchantSchema,
      payment: PaymentSchema,
      identifiers: IdentifiersSchema,
      consumer: ConsumerSchema.optional(),
    },
    BODY_ERROR,
  )
  .superRefine(checkAcrossFields)
  .meta({ description: "ConnectPay's Initiate Payment body (Merchant API v2)." });

/**
 * The BaaS variant (a platform initiating for a BaaS client): the same body, with paymentMethod and
 * providerCountryCode optional. Its initiation path is not published; the sandbox serves it as
 * `baas.merchant.payments.create`.
 */
export const BaasInitiatePaymentRequestSchema = z
  .strictObject(
    {
      merchant: MerchantSchema,
      payment: BaasPaymentSchema,
      identifiers: IdentifiersSchema,
      consumer: ConsumerSchema.optional(),
    },
    BODY_ERROR,
  )
  .superRefine(checkAcrossFields)
  .meta({ description: "ConnectPay's Initiate Payment body for a BaaS client (Merchant API v2)." });

/** What a caller sends (language optional). */
export type InitiatePaymentRequestInput = z.input<typeof InitiatePaymentRequestSchema>;
/** What goes to ConnectPay (language filled in). */
export type InitiatePaymentRequest = z.output<typeof InitiatePaymentRequestSchema>;
/** A BaaS client's body: paymentMethod and providerCountryCode may be absent. */
export type BaasInitiatePaymentRequest = z.output<typeof BaasInitiatePaymentRequestSchema>;

/** The 201 answer (docs.connectpay.com/business-apis/accept-payments/single-merchant-payments/). */
export const InitiatePaymentResponseSchema = z
  .looseObject({
    merchant: z.looseObject({}).optional(),
    payment: z.looseObject({
      paymentId: z
        .string()
        .min(1)
        .meta({ examples: ['07400128-60a9-47cc-8c99-924cb079a32b'] }),
      redirectUrl: z
        .string()
        .min(1)
        .meta({ examples: ['https://pay-stage.connectpay.com?key=c5781691-c81c-42f3-8290-ae11b07fe74c'] }),
    }),
  })
  .meta({
    description: "ConnectPay's 201 answer: redirect the payer to payment.redirectUrl and keep payment.paymentId.",
  });

export type InitiatePaymentResponse = z.output<typeof InitiatePaymentResponseSchema>;
