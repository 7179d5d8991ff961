import { randomInt, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isFinalObTransactionStatus, type ObTransactionStatus } from '@connectpay-kit/hosts';
import { HttpProblem, parseJson, requireBearer, sendJson } from '../http.js';
import type { SandboxState } from '../state.js';
import type { FamilyContext, SandboxFamily } from './types.js';

/** Currencies of the standard payment page (docs:/home/payments-2/standard-payments/payment-initiation/). */
export const OB_PAYMENT_CURRENCIES = [
  'EUR',
  'USD',
  'CAD',
  'JPY',
  'PLN',
  'GBP',
  'CZK',
  'CHF',
  'AUD',
  'SEK',
  'DKK',
  'NOK',
  'HUF',
  'RON',
  'SGD',
  'HKD',
] as const;
const RAILS = ['Internal', 'SEPA_SCT_INST', 'SEPA_SCT', 'SWIFT'] as const;

/** Sandbox test data: this amount stays PDNG (as a manual AML check holds a payment on stage). */
export const OB_HELD_AMOUNT = '99.99';
/** Sandbox test data: a payment whose remittance information is this ends RJCT. */
export const OB_REJECT_REMITTANCE = 'RJCT';

export interface ObPaymentOrder {
  readonly paymentOrderNo: string;
  readonly transactionId: string;
  readonly paymentRail: (typeof RAILS)[number];
  transactionStatus: ObTransactionStatus;
  readonly request: Record<string, unknown>;
  readonly amount: string;
  readonly currency: string;
  readonly createdAt: string;
}

export interface OpenBankingFamily extends SandboxFamily {
  readonly orders: ReadonlyMap<string, ObPaymentOrder>;
}

// Orders kept in memory; the oldest go first beyond this.
const MAX_ORDERS = 10_000;

const NEXT: Record<ObTransactionStatus, ObTransactionStatus | undefined> = {
  RCVD: 'PDNG',
  PDNG: 'ACSC',
  ACSC: undefined,
  RJCT: undefined,
};
const EVENT_OF: Record<ObTransactionStatus, string> = {
  RCVD: 'OutgoingPayment.Created',
  PDNG: 'OutgoingPayment.Processing',
  ACSC: 'OutgoingPayment.Completed',
  RJCT: 'OutgoingPayment.Rejected',
};

/**
 * Open-banking payments and FX over mTLS + Bearer (an access token from the OAuth family):
 * `POST /ob/payments` answers `{ paymentOrderNo, paymentRail, transactionStatus: "RCVD", … }`, and each
 * `GET /ob/payments/{paymentOrderNo}/status` moves the order one step, RCVD → PDNG → ACSC, the way a
 * poller sees it on stage. 99.99 stays PDNG; remittance information `RJCT` ends RJCT. Each step is also
 * sent as a subscribed `OutgoingPayment.*` event when a webhook is subscribed.
 */
export function openBankingFamily(context: FamilyContext, tokens: SandboxState): OpenBankingFamily {
  const orders = new Map<string, ObPaymentOrder>();
  const requireAccessToken = (request: IncomingMessage): void => {
    if (!tokens.checkAccessToken(requireBearer(request))) {
      throw new HttpProblem(401, 'invalid_token', 'The access token is unknown or expired.');
    }
  };
  const publish = (order: ObPaymentOrder) => {
    context.webhooks.subscription?.publish(EVENT_OF[order.transactionStatus], {
      transactionId: order.transactionId,
      paymentOrderNo: order.paymentOrderNo,
      transactionStatus: order.transactionStatus,
      instructedAmount: { amount: order.amount, currency: order.currency },
    });
  };
  const find = (paymentOrderNo: string | undefined): ObPaymentOrder => {
    const order = orders.get(paymentOrderNo ?? '');
    if (!order) throw new HttpProblem(404, 'not_found', `Payment order ${paymentOrderNo ?? ''} does not exist.`);
    return order;
  };
  const view = (order: ObPaymentOrder) => ({
    paymentOrderNo: order.paymentOrderNo,
    paymentRail: order.paymentRail,
    transactionStatus: order.transactionStatus,
    transactionFeeIndicator: true,
    transactionFees: { amount: '5.00', currency: 'EUR' },
  });

  return {
    name: 'open-banking',
    orders,
    handlers: {
      'payments.create': (request, response, _match, body) => {
        requireAccessToken(request);
        const input = validateOrder(parseJson(body));
        const order: ObPaymentOrder = {
          paymentOrderNo: `s-${Array.from({ length: 20 }, () => randomInt(10)).join('')}`,
          transactionId: randomUUID(),
          paymentRail: input.paymentRail,
          transactionStatus: 'RCVD',
          request: input.raw,
          amount: input.amount,
          currency: input.currency,
          createdAt: new Date().toISOString(),
        };
        orders.set(order.paymentOrderNo, order);
        if (orders.size > MAX_ORDERS) orders.delete(orders.keys().next().value as string);
        publish(order);
        sendJson(response, 201, view(order));
      },
      'payments.get': (request, response, match) => {
        requireAccessToken(request);
        const order = find(match.params['paymentOrderNo']);
        sendJson(response, 200, { ...view(order), ...order.request });
      },
      'payments.status': (request, response, match) => {
        requireAccessToken(request);
        const order = find(match.params['paymentOrderNo']);
        const before = order.transactionStatus;
        if (!isFinalObTransactionStatus(before) && !(before === 'PDNG' && order.amount === OB_HELD_AMOUNT)) {
          const rejected =
            before === 'PDNG' && order.request['remittanceInformationUnstructured'] === OB_REJECT_REMITTANCE;
          order.transactionStatus = rejected ? 'RJCT' : (NEXT[before] ?? before);
          if (order.transactionStatus !== before) publish(order);
        }
        sendJson(response, 200, { transactionStatus: order.transactionStatus });
      },
      'fx.rates': (request, response) => {
        requireAccessToken(request);
        const query = new URL(request.url ?? '/', 'https://sandbox').searchParams;
        const iban = query.get('debtoraccountiban');
        const pairs = query.getAll('currencyPair');
        if (!iban || pairs.length === 0) {
          throw new HttpProblem(
            400,
            'invalid_request',
            'debtoraccountiban and at least one currencyPair (e.g. EURUSD) are required.',
          );
        }
        const bad = pairs.filter((pair) => !/^[A-Z]{6}$/.test(pair));
        if (bad.length > 0)
          throw new HttpProblem(
            400,
            'invalid_request',
            `currencyPair ${bad.join(', ')}: six upper-case letters, like EURUSD.`,
          );
        sendJson(response, 200, {
          debtorAccountIban: iban,
          rates: pairs.map((currencyPair) => ({ currencyPair, exchangeRate: sampleRate(currencyPair) })),
        });
      },
    },
  };
}

function validateOrder(input: unknown): {
  raw: Record<string, unknown>;
  amount: string;
  currency: string;
  paymentRail: (typeof RAILS)[number];
} {
  const raw = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const group = (name: string) => raw[name] as Record<string, unknown> | undefined;
  if (typeof group('debtorAccount')?.['iban'] !== 'string') problems.push('debtorAccount.iban: is required');
  if (typeof group('creditorAccount')?.['iban'] !== 'string') problems.push('creditorAccount.iban: is required');
  if (typeof raw['creditorName'] !== 'string') problems.push('creditorName: is required');
  const amount = group('instructedAmount')?.['amount'];
  const currency = group('instructedAmount')?.['currency'];
  if (typeof amount !== 'string' || !/^\d{1,12}(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) {
    problems.push('instructedAmount.amount: a decimal string greater than 0 with at most 2 decimals, like "9.00"');
  }
  if (typeof currency !== 'string' || !(OB_PAYMENT_CURRENCIES as readonly string[]).includes(currency)) {
    problems.push(`instructedAmount.currency: one of ${OB_PAYMENT_CURRENCIES.join(', ')}`);
  }
  const rail = raw['paymentRail'] ?? 'SEPA_SCT';
  if (!(RAILS as readonly unknown[]).includes(rail)) problems.push(`paymentRail: one of ${RAILS.join(', ')}`);
  if (problems.length > 0) throw new HttpProblem(400, 'validation_error', `${problems.join('. ')}.`);
  return { raw, amount: amount as string, currency: currency as string, paymentRail: rail as (typeof RAILS)[number] };
}

// Stable per pair, so tests can compare answers; not market data.
function sampleRate(pair: string): string {
  let hash = 0;
  for (const char of pair) hash = (hash * 31 + char.charCodeAt(0)) % 100_000;
  return (0.5 + hash / 100_000).toFixed(10);
}
