import type { ResourceStateStore } from '@connectpay-kit/storage';
import type { WebhookMetrics } from '../../observability/metrics.js';
import {
  AccountBalanceDataSchema,
  type AccountBalanceChangedEvent,
  type ConnectPayEvent,
  type EventFamily,
  eventSchema,
  type IncomingPaymentEvent,
  type OutgoingPaymentEvent,
  PaymentEntryDataSchema,
  UntypedDataSchema,
} from '../events/connectpay-events.js';
import type { EventHandler, HandlerContext, ReceivedEvent } from '../handler.js';

/** What a listener may use besides the event: the inbox record and the attempt's signal and logger. */
export interface ListenerContext extends HandlerContext {
  readonly received: ReceivedEvent;
  /**
   * For events that move a recorded resource (payments, accounts): whether this one is now the
   * latest state (false: a newer event for the resource is already stored, this one arrived late or
   * again). Undefined when the body names no resource.
   */
  readonly latest: boolean | undefined;
}

type Listener<Event> = (event: Event, context: ListenerContext) => Promise<void>;

/**
 * Your code for the banking events, one optional function per family. A listener runs after the
 * event was parsed (and, for payments and accounts, its state recorded); it must be idempotent, keyed
 * by `context.received.deliveryKey`, because delivery is at least once. A listener that throws is
 * retried with backoff, then dead-lettered.
 */
export interface ConnectPayEventListeners {
  readonly outgoingPayment?: Listener<OutgoingPaymentEvent>;
  readonly incomingPayment?: Listener<IncomingPaymentEvent>;
  readonly accountBalanceChanged?: Listener<AccountBalanceChangedEvent>;
  readonly card?: Listener<ConnectPayEvent<`BaaSCard.${string}`>>;
  readonly cardApplication?: Listener<ConnectPayEvent<`BaaSCardApplication.${string}`>>;
  readonly application?: Listener<ConnectPayEvent<`BaasApplication.${string}`>>;
  readonly personIdv?: Listener<ConnectPayEvent<`BaaSPersonIdv.${string}`>>;
  readonly person?: Listener<ConnectPayEvent<`BaaSPerson.${string}`>>;
}

/** resource_states types the receiver keeps for banking events, next to `payment`. */
export const OUTGOING_PAYMENT_RESOURCE = 'outgoing-payment';
export const INCOMING_PAYMENT_RESOURCE = 'incoming-payment';
export const ACCOUNT_RESOURCE = 'account';

interface FamilyOptions<Event extends ConnectPayEvent> {
  readonly name: string;
  readonly family: EventFamily;
  readonly listener: Listener<Event> | undefined;
  /** The resource this event moves and the state to store, when the body names one. */
  readonly record?: (event: Event) => { resourceType: string; resourceId: string; data: unknown } | undefined;
}

/**
 * One handler per event family, for the types ConnectPay lists (src/processing/events). Each parses
 * the body into its typed stub, records the resource's latest state where it can (`applyIfNewer`,
 * by `x-connectpay-timestamp`, so a late or repeated delivery never moves it back), then calls your
 * listener. Without a listener the event is still parsed, recorded and marked done (counted under
 * the family handler, not as `unhandled`), and can be replayed once a listener exists.
 */
export function connectPayEventHandlers(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
  listeners: ConnectPayEventListeners = {},
): EventHandler[] {
  const paymentRecord = (resourceType: string) => (event: OutgoingPaymentEvent | IncomingPaymentEvent) => {
    const resourceId = event.data.transactionId ?? event.data.paymentOrderNo;
    if (resourceId === undefined) return undefined;
    return {
      resourceType,
      resourceId,
      data: {
        type: event.type,
        transactionId: event.data.transactionId,
        paymentOrderNo: event.data.paymentOrderNo,
        externalReference: event.data.externalReference,
        amount: event.data.instructedAmount?.amount,
        currency: event.data.instructedAmount?.currency,
      },
    };
  };
  return [
    familyHandler<OutgoingPaymentEvent>(
      resources,
      metrics,
      {
        name: 'outgoing-payment',
        family: 'OutgoingPayment',
        listener: listeners.outgoingPayment,
        record: paymentRecord(OUTGOING_PAYMENT_RESOURCE),
      },
      PaymentEntryDataSchema,
    ),
    familyHandler<IncomingPaymentEvent>(
      resources,
      metrics,
      {
        name: 'incoming-payment',
        family: 'IncomingPayment',
        listener: listeners.incomingPayment,
        record: paymentRecord(INCOMING_PAYMENT_RESOURCE),
      },
      PaymentEntryDataSchema,
    ),
    familyHandler<AccountBalanceChangedEvent>(
      resources,
      metrics,
      {
        name: 'account',
        family: 'Account',
        listener: listeners.accountBalanceChanged,
        record: (event) => {
          const resourceId = event.data.accountId ?? event.data.iban;
          if (resourceId === undefined) return undefined;
          return {
            resourceType: ACCOUNT_RESOURCE,
            resourceId,
            data: {
              type: event.type,
              balance: event.data.balance?.amount,
              currency: event.data.balance?.currency ?? event.data.currency,
              transactionId: event.data.transactionId,
            },
          };
        },
      },
      AccountBalanceDataSchema,
    ),
    familyHandler(
      resources,
      metrics,
      { name: 'card', family: 'BaaSCard', listener: listeners.card },
      UntypedDataSchema,
    ),
    familyHandler(
      resources,
      metrics,
      { name: 'card-application', family: 'BaaSCardApplication', listener: listeners.cardApplication },
      UntypedDataSchema,
    ),
    familyHandler(
      resources,
      metrics,
      { name: 'application', family: 'BaasApplication', listener: listeners.application },
      UntypedDataSchema,
    ),
    familyHandler(
      resources,
      metrics,
      { name: 'person-idv', family: 'BaaSPersonIdv', listener: listeners.personIdv },
      UntypedDataSchema,
    ),
    familyHandler(
      resources,
      metrics,
      { name: 'person', family: 'BaaSPerson', listener: listeners.person },
      UntypedDataSchema,
    ),
  ] as EventHandler[];
}

function familyHandler<Event extends ConnectPayEvent>(
  resources: ResourceStateStore,
  metrics: WebhookMetrics,
  options: FamilyOptions<Event>,
  dataSchema: Parameters<typeof eventSchema>[1],
): EventHandler {
  const schema = eventSchema(options.family, dataSchema);
  const handler: EventHandler<typeof schema> = {
    name: options.name,
    typePrefix: `${options.family}.`,
    schema,
    async handle(parsed, received, context) {
      const event = parsed as unknown as Event;
      const record = options.record?.(event);
      let latest: boolean | undefined;
      if (record !== undefined) {
        const applied = await resources.applyIfNewer({
          resourceType: record.resourceType,
          resourceId: record.resourceId,
          status: event.type.slice(options.family.length + 1),
          timestamp: received.timestamp,
          data: { ...(record.data as Record<string, unknown>), deliveryKey: received.deliveryKey },
        });
        metrics.resourceUpdates.inc({ resource_type: record.resourceType, result: applied ? 'applied' : 'stale' });
        latest = applied;
      }
      if (!event.known) {
        context.logger.warn(
          { eventType: event.type },
          'event type not on ConnectPay’s published list; parsed as its family',
        );
      }
      if (options.listener === undefined) {
        context.logger.info(
          { eventType: event.type },
          'no listener registered for this event family; parsed and stored',
        );
        return;
      }
      await options.listener(event, { ...context, received, latest });
    },
  };
  return handler as unknown as EventHandler;
}
