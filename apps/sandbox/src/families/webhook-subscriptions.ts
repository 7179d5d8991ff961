import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, parseJson, sendJson } from '../http.js';
import type { WebhookSubscription } from '../webhook-subscriptions.js';
import type { FamilyContext, SandboxFamily } from './types.js';

// `<Family>.<Name>`, as ConnectPay names its event types (OutgoingPayment.Completed, BaaSCard.HoldAdded…).
const EVENT_TYPE = /^[A-Z][A-Za-z]{1,60}\.[A-Z][A-Za-z]{1,60}$/;
const MAX_EVENT_BYTES = 64 * 1024;

/**
 * Sandbox-only controls of the subscribed webhooks, on the one-way host: what ConnectPay's support
 * sees and does (the subscription's state, re-enabling it after a switch-off) and a way to make the
 * provider send any event type the receiver should handle (OutgoingPayment.*, Account.BalanceChanged…).
 *
 * - `GET /sandbox/v1/webhook-subscription`: state, failed webhooks, schedule
 * - `POST /sandbox/v1/webhook-subscription/enable`: on again after 100 failures, count back to 0
 * - `POST /sandbox/v1/events` `{ "type": "OutgoingPayment.Completed", "data": { … } }`: publish it
 */
export function webhookSubscriptionsFamily(context: FamilyContext): SandboxFamily {
  const subscription = (): WebhookSubscription => {
    const current = context.webhooks.subscription;
    if (!current) {
      throw new HttpProblem(
        409,
        'no_subscription',
        'No webhook is subscribed: start the sandbox with SANDBOX_WEBHOOK_URL (the receiver URL).',
      );
    }
    return current;
  };
  return {
    name: 'webhook-subscriptions',
    handlers: {},
    control(request: IncomingMessage, response: ServerResponse, pathname: string, body: string): boolean {
      if (request.method === 'GET' && pathname === '/sandbox/v1/webhook-subscription') {
        sendJson(response, 200, subscription().status());
        return true;
      }
      if (request.method === 'POST' && pathname === '/sandbox/v1/webhook-subscription/enable') {
        const current = subscription();
        current.enable();
        context.log({ message: 'webhook subscription enabled' });
        sendJson(response, 200, current.status());
        return true;
      }
      if (request.method === 'POST' && pathname === '/sandbox/v1/events') {
        if (Buffer.byteLength(body) > MAX_EVENT_BYTES) {
          throw new HttpProblem(413, 'payload_too_large', 'An event body is at most 64 KiB.');
        }
        const input = parseJson(body) as { type?: unknown; data?: unknown };
        if (typeof input?.type !== 'string' || !EVENT_TYPE.test(input.type)) {
          throw new HttpProblem(
            400,
            'invalid_request',
            'type must be a ConnectPay event type like "OutgoingPayment.Completed" or "Account.BalanceChanged".',
          );
        }
        const eventId = subscription().publish(input.type, input.data ?? {});
        sendJson(response, 202, { eventId, type: input.type });
        return true;
      }
      return false;
    },
  };
}
