import {
  CONNECTPAY_EVENT_TYPES,
  EVENT_FAMILY_NAMES,
  eventSchema,
  INFERRED_EVENT_TYPES,
  isConnectPayEventType,
  PaymentEntryDataSchema,
  UntypedDataSchema,
} from '../src/processing/events/connectpay-events.js';
import { HandlerRegistry } from '../src/processing/handler-registry.js';
import { connectPayEventHandlers } from '../src/processing/handlers/connectpay-events.handler.js';
import { WebhookMetrics } from '../src/observability/metrics.js';

const noStore = {
  applyIfNewer: async () => true,
  get: async () => undefined,
};

describe('ConnectPay event types', () => {
  it('lists the types of the webhooks-offered page, spelled as the provider spells them', () => {
    for (const type of [
      'OutgoingPayment.Created',
      'OutgoingPayment.Processing',
      'OutgoingPayment.Completed',
      'OutgoingPayment.Rejected',
      'IncomingPayment.Completed',
      'Account.BalanceChanged',
      'BaaSCard.HoldAdded',
      'BaaSCard.Refunded',
      'BaaSCardApplication.Approved',
      'BaasApplication.ApplicationApproved',
      'BaaSPersonIdv.Declined',
      'BaaSPerson.DocExpiry',
    ]) {
      expect(isConnectPayEventType(type)).toBe(true);
    }
    expect(isConnectPayEventType('BaaSApplication.ApplicationApproved')).toBe(false); // the docs write Baas
    expect(isConnectPayEventType('OutgoingPayment.Settled')).toBe(false);
    expect([...INFERRED_EVENT_TYPES].every((type) => CONNECTPAY_EVENT_TYPES.includes(type))).toBe(true);
  });

  it('gives every type exactly one handler, so none is stored as unhandled', () => {
    const registry = new HandlerRegistry();
    for (const handler of connectPayEventHandlers(noStore, new WebhookMetrics())) registry.register(handler);
    for (const type of CONNECTPAY_EVENT_TYPES) {
      const handler = registry.resolve(type);
      expect(handler).toBeDefined();
      expect(type.startsWith(handler!.typePrefix)).toBe(true);
    }
    // BaaSCardApplication.* must not fall to the BaaSCard. handler, nor BaaSPersonIdv.* to BaaSPerson.
    expect(registry.resolve('BaaSCardApplication.Approved')?.name).toBe('card-application');
    expect(registry.resolve('BaaSPersonIdv.Approved')?.name).toBe('person-idv');
    expect(registry.prefixes).toHaveLength(EVENT_FAMILY_NAMES.length);
  });
});

describe('payloads: typed stubs that keep the raw body', () => {
  const outgoing = eventSchema('OutgoingPayment', PaymentEntryDataSchema);

  it('reads the documented-API field names from data, and keeps the whole body', () => {
    const body = {
      id: 'evt-1',
      type: 'OutgoingPayment.Completed',
      createdAt: '2026-12-06T10:00:00Z',
      data: {
        transactionId: 'tx-42',
        paymentOrderNo: 's-63094981950428443476',
        instructedAmount: { amount: '9.00', currency: 'EUR' },
        somethingNew: { nested: true },
      },
    };
    const parsed = outgoing.parse(body);
    expect(parsed).toMatchObject({
      type: 'OutgoingPayment.Completed',
      family: 'OutgoingPayment',
      known: true,
      id: 'evt-1',
      data: { transactionId: 'tx-42', paymentOrderNo: 's-63094981950428443476', instructedAmount: { amount: '9.00' } },
    });
    expect(parsed.raw).toEqual(body);
  });

  it('reads a field of an unexpected type as absent instead of refusing a genuine event', () => {
    const parsed = outgoing.parse({
      type: 'OutgoingPayment.Rejected',
      data: { transactionId: 42, instructedAmount: { amount: 9, currency: ['EUR'] } },
    });
    expect(parsed.data.transactionId).toBeUndefined();
    expect(parsed.data.instructedAmount).toEqual({ amount: '9', currency: undefined });
    expect(parsed.id).toBeUndefined();
  });

  it('takes a body without an envelope (fields at the top level) and a new name of a known family', () => {
    const parsed = outgoing.parse({ type: 'OutgoingPayment.Returned', transactionId: 'tx-7' });
    expect(parsed.known).toBe(false);
    expect(parsed.data.transactionId).toBe('tx-7');
  });

  it('refuses only what cannot be this family: no type, or another family', () => {
    expect(outgoing.safeParse({ data: {} }).success).toBe(false);
    expect(outgoing.safeParse({ type: 'IncomingPayment.Completed' }).success).toBe(false);
    expect(eventSchema('BaaSCard', UntypedDataSchema).safeParse({ type: 'BaaSCard.Frozen', data: 'x' }).success).toBe(
      true,
    );
  });
});
