import { z } from 'zod';

/** The page that lists the subscribed event types (the names below come from it). */
export const WEBHOOKS_OFFERED_PAGE =
  'https://docs.connectpay.com/home/notifications-using-webhook-technology/webhooks-offered';

/**
 * The event types ConnectPay lists, by family (`<Family>.<Name>`). The spelling is the provider's,
 * `BaasApplication` included. `BaaSCard`'s list is cut off on the page after `Ordered`; the rest are
 * the card statuses of docs:/home/card-issuing/baas-card-detailstransactions (`INFERRED_EVENT_TYPES`).
 */
export const EVENT_FAMILIES = {
  OutgoingPayment: ['Created', 'Processing', 'Completed', 'Rejected'],
  IncomingPayment: ['Completed'],
  Account: ['BalanceChanged'],
  BaaSCard: [
    'HoldAdded',
    'HoldModified',
    'HoldDeleted',
    'Refunded',
    'Created',
    'Ordered',
    'Personalized',
    'Dispatched',
    'Active',
    'AwaitingRenewal',
    'Frozen',
    'Terminated',
    'Closing',
    'Expired',
  ],
  BaaSCardApplication: ['Approved', 'Declined'],
  BaasApplication: ['ComplianceReview', 'ApplicationApproved', 'ApplicationDeclined'],
  BaaSPersonIdv: ['Approved', 'Declined'],
  BaaSPerson: ['DocExpiry'],
} as const;

export type EventFamily = keyof typeof EVENT_FAMILIES;
export type ConnectPayEventType = {
  [Family in EventFamily]: `${Family}.${(typeof EVENT_FAMILIES)[Family][number]}`;
}[EventFamily];

export const EVENT_FAMILY_NAMES = Object.keys(EVENT_FAMILIES) as EventFamily[];

export const CONNECTPAY_EVENT_TYPES: readonly ConnectPayEventType[] = EVENT_FAMILY_NAMES.flatMap((family) =>
  EVENT_FAMILIES[family].map((name) => `${family}.${name}` as ConnectPayEventType),
);

/** Card events named after the card statuses, not seen on the events page itself. */
export const INFERRED_EVENT_TYPES: ReadonlySet<ConnectPayEventType> = new Set(
  (
    ['Personalized', 'Dispatched', 'Active', 'AwaitingRenewal', 'Frozen', 'Terminated', 'Closing', 'Expired'] as const
  ).map((name) => `BaaSCard.${name}` as const),
);

const KNOWN = new Set<string>(CONNECTPAY_EVENT_TYPES);

export function isConnectPayEventType(value: unknown): value is ConnectPayEventType {
  return typeof value === 'string' && KNOWN.has(value);
}

// ---------------------------------------------------------------------------------------------------
// Payloads. ConnectPay publishes no payload sample for any of these types (the "webhooks API
// Reference" pages the docs point to were not found), so every field below is OPTIONAL and LENIENT:
// a field of an unexpected type reads as absent instead of dead-lettering a genuine event, and the
// whole body is kept as `raw`. The names are those the documented APIs use for the same things, so a
// handler can start from them; check them against the first stage deliveries.
// ---------------------------------------------------------------------------------------------------

const text = z.string().min(1).max(200).optional().catch(undefined);
const amountText = z
  .union([z.string().max(40), z.number()])
  .transform(String)
  .optional()
  .catch(undefined);
const money = z.looseObject({ amount: amountText, currency: text }).optional().catch(undefined);

/**
 * A payment entry event (OutgoingPayment.*, IncomingPayment.*). The accounts page says to fetch the
 * entry with "Get Payment Entry by Transaction ID" after a payment webhook, so `transactionId` is the
 * field most likely present; `paymentOrderNo`, `externalReference`, `transactionStatus` and
 * `instructedAmount` are the Initiate Payment API's names.
 */
export const PaymentEntryDataSchema = z
  .looseObject({
    transactionId: text,
    paymentOrderNo: text,
    externalReference: text,
    transactionStatus: text,
    accountId: text,
    iban: text,
    instructedAmount: money,
  })
  .catch({});
export type PaymentEntryData = z.output<typeof PaymentEntryDataSchema>;

/** Account.BalanceChanged ("credits and debits"): the Get Accounts API's account fields. */
export const AccountBalanceDataSchema = z
  .looseObject({
    accountId: text,
    iban: text,
    currency: text,
    balance: money,
    transactionId: text,
  })
  .catch({});
export type AccountBalanceData = z.output<typeof AccountBalanceDataSchema>;

/** Every other family: no field is typed yet; `raw` holds the body. */
export const UntypedDataSchema = z.looseObject({}).catch({});
export type UntypedData = z.output<typeof UntypedDataSchema>;

/** What a listener gets: the type, the envelope fields, the typed stub of `data`, and the body as received. */
export interface ConnectPayEvent<Type extends string = string, Data = UntypedData> {
  readonly type: Type;
  readonly family: EventFamily;
  /** On the provider's list (`CONNECTPAY_EVENT_TYPES`); false for a new name in a known family. */
  readonly known: boolean;
  /** The envelope's `id`, when the body has one. */
  readonly id: string | undefined;
  readonly createdAt: string | undefined;
  /** The fields this version reads, all optional (the provider publishes no payload). */
  readonly data: Data;
  /** The whole body as received. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type OutgoingPaymentEvent = ConnectPayEvent<`OutgoingPayment.${string}`, PaymentEntryData>;
export type IncomingPaymentEvent = ConnectPayEvent<`IncomingPayment.${string}`, PaymentEntryData>;
export type AccountBalanceChangedEvent = ConnectPayEvent<`Account.${string}`, AccountBalanceData>;

const DATA_SCHEMAS: Record<EventFamily, z.ZodType> = {
  OutgoingPayment: PaymentEntryDataSchema,
  IncomingPayment: PaymentEntryDataSchema,
  Account: AccountBalanceDataSchema,
  BaaSCard: UntypedDataSchema,
  BaaSCardApplication: UntypedDataSchema,
  BaasApplication: UntypedDataSchema,
  BaaSPersonIdv: UntypedDataSchema,
  BaaSPerson: UntypedDataSchema,
};

/**
 * The schema a family's handler checks a stored body against. Only what the receiver itself relies
 * on is required: a `type` of the family (a body without one cannot have been routed here). `data`
 * may be absent (then `{}`), or sit at the top level of the body when there is no envelope.
 */
export function eventSchema<Family extends EventFamily, Data>(family: Family, data: z.ZodType<Data>) {
  return z
    .looseObject({
      type: z
        .string()
        .max(200)
        .refine((type) => type.startsWith(`${family}.`), { message: `must be a ${family}.* event type` }),
      id: z
        .union([z.string().max(200), z.number()])
        .transform(String)
        .optional()
        .catch(undefined),
      createdAt: z.string().max(64).optional().catch(undefined),
      data: z.unknown().optional(),
    })
    .transform((body): ConnectPayEvent<`${Family}.${string}`, Data> => {
      const inner = typeof body.data === 'object' && body.data !== null && !Array.isArray(body.data) ? body.data : body;
      return {
        type: body.type as `${Family}.${string}`,
        family,
        known: KNOWN.has(body.type),
        id: body.id,
        createdAt: body.createdAt,
        data: data.parse(inner),
        raw: body,
      };
    });
}

export function dataSchemaOf(family: EventFamily): z.ZodType {
  return DATA_SCHEMAS[family];
}
