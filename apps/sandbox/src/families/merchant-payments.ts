import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BaasInitiatePaymentRequestSchema,
  contractProblems,
  InitiatePaymentRequestSchema,
  isPaymentStatusCode,
  PAYMENT_STATUS_CODES,
} from '@connectpay-kit/hosts';
import { HttpProblem, parseJson, sendJson } from '../http.js';
import type { RouteMatch } from '../routes.js';
import {
  MerchantPaymentsState,
  paymentDetailsBody,
  type PayerChoice,
  type SandboxPayment,
  type StatusChange,
  TEST_CARDS,
  TEST_PROVIDERS,
} from './merchant-payments-state.js';
import type { FamilyContext, SandboxFamily } from './types.js';

/**
 * Duplicated, out-of-order callbacks, as the provider documents its deliveries (at least once, any
 * order): each status change is sent `copies` times, each after a random delay up to `maxDelayMs`,
 * with the body as it was at the change. Off by default; receivers' tests turn it on.
 */
export interface CallbackDisorder {
  readonly copies: number;
  readonly maxDelayMs: number;
}

export interface MerchantPaymentsOptions {
  /** Each automatic step (PendingMerchant → InProgress → Processing → PendingProvider → outcome) after this many ms; 0 or absent: only the controls move payments. */
  readonly autoAdvanceMs?: number;
  readonly callbackDisorder?: CallbackDisorder;
}

export interface MerchantPaymentsFamily extends SandboxFamily {
  readonly state: MerchantPaymentsState;
  /** Whether an automatic step is still scheduled for the payment. */
  isMoving(paymentId: string): boolean;
  /** Resolves when every callback scheduled so far has been sent (and retried) to the end. */
  settled(): Promise<void>;
}

const CONTROL = /^\/sandbox\/v1\/payments\/([^/]+)\/(advance|pay|status)$/;
const PAGE = /^\/sandbox\/pay\/([^/]+)$/;

/** Merchant API v2 (`/merchant/payments`, `/baas/merchant/payments`): the published contract, stage's test data and status progression. */
export function merchantPaymentsFamily(
  context: FamilyContext,
  options: MerchantPaymentsOptions,
): MerchantPaymentsFamily {
  const state = new MerchantPaymentsState();
  const timers = new Map<string, NodeJS.Timeout>();
  const delayed = new Set<NodeJS.Timeout>();
  const delayedDone = new Set<() => void>();
  let closed = false;

  const notify = (payment: SandboxPayment) => {
    // A snapshot: a delayed copy carries the payment as it was at the change, as a late delivery does.
    const body = paymentDetailsBody(payment) as Record<string, unknown>;
    const status = payment.status;
    const occurredAt = payment.updatedAt;
    const notificationUrl = payment.request.merchant.notificationUrl;
    const send = () => context.webhooks.paymentChanged(body, status, notificationUrl, occurredAt);
    const disorder = options.callbackDisorder;
    if (!disorder) return send();
    for (let copy = 0; copy < disorder.copies; copy += 1) {
      const timer = setTimeout(
        () => {
          delayed.delete(timer);
          if (!closed) send();
          if (delayed.size === 0) for (const done of delayedDone) done();
        },
        Math.floor(Math.random() * disorder.maxDelayMs),
      );
      delayed.add(timer);
    }
  };

  const changed = (payment: SandboxPayment, change: StatusChange | undefined) => {
    if (!change) return;
    context.log({ family: 'merchant-payments', paymentId: payment.paymentId, status: change.code });
    notify(payment);
    schedule(payment);
  };

  const schedule = (payment: SandboxPayment) => {
    const existing = timers.get(payment.paymentId);
    if (existing) clearTimeout(existing);
    timers.delete(payment.paymentId);
    if (!options.autoAdvanceMs || closed || state.nextStatus(payment) === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(payment.paymentId);
      changed(payment, state.advance(payment.paymentId));
    }, options.autoAdvanceMs);
    timers.set(payment.paymentId, timer);
  };

  const find = (paymentId: string): SandboxPayment => {
    const payment = state.get(paymentId);
    if (!payment) throw new HttpProblem(404, 'not_found', `Payment ${paymentId} does not exist.`);
    return payment;
  };

  const create = (request: IncomingMessage, response: ServerResponse, body: string, baas: boolean) => {
    context.requireMerchantAuth(request, body);
    const schema = baas ? BaasInitiatePaymentRequestSchema : InitiatePaymentRequestSchema;
    const parsed = schema.safeParse(parseJson(body));
    if (!parsed.success) {
      const problems = contractProblems(parsed.error);
      throw new HttpProblem(400, 'validation_error', problems.map((p) => `${p.path}: ${p.message}`).join(' '));
    }
    const payment = state.create(parsed.data, context.publicOnewayUrl());
    // The published 201 answer: the id to keep and where to send the payer.
    sendJson(response, 201, { payment: { paymentId: payment.paymentId, redirectUrl: payment.redirectUrl } });
    // No callback for Initiated/PendingMerchant: the merchant has the 201; notifications report the changes after it.
    schedule(payment);
  };

  const get = (request: IncomingMessage, response: ServerResponse, match: RouteMatch, body: string) => {
    context.requireMerchantAuth(request, body);
    sendJson(response, 200, paymentDetailsBody(find(match.params['paymentId'] ?? '')));
  };

  /** The widget: the payer chooses a method (and bank or card) or cancels; arriving there is InProgress. */
  const pay = (payment: SandboxPayment, choice: PayerChoice) => {
    if (payment.status !== 'PendingMerchant' && payment.status !== 'InProgress') {
      throw new HttpProblem(
        409,
        'invalid_state',
        `Payment ${payment.paymentId} is ${payment.status}: the payer can choose only before it is sent to the provider.`,
      );
    }
    state.choose(payment, choice);
    if (payment.status === 'PendingMerchant') changed(payment, state.advance(payment.paymentId));
  };

  const control = async (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    body: string,
  ): Promise<boolean> => {
    const action = CONTROL.exec(pathname);
    if (request.method === 'POST' && action) {
      const payment = find(decodeURIComponent(action[1] as string));
      if (action[2] === 'advance') changed(payment, state.advance(payment.paymentId));
      if (action[2] === 'pay') pay(payment, payerChoice(body ? parseJson(body) : {}));
      if (action[2] === 'status') {
        const code = (parseJson(body || '{}') as { code?: unknown }).code;
        if (!isPaymentStatusCode(code)) {
          throw new HttpProblem(400, 'invalid_request', `code must be one of ${PAYMENT_STATUS_CODES.join(', ')}.`);
        }
        const change = state.setStatus(payment, code);
        if (!change && payment.status !== code) {
          throw new HttpProblem(409, 'invalid_state', `A ${payment.status} payment cannot become ${code}.`);
        }
        changed(payment, change);
      }
      sendJson(response, 200, paymentDetailsBody(payment));
      return true;
    }
    const page = PAGE.exec(pathname);
    if (page && (request.method === 'GET' || request.method === 'POST')) {
      const payment = find(decodeURIComponent(page[1] as string));
      if (request.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(body));
        pay(payment, payerChoice(form['cancel'] ? { cancel: true } : form));
        // The result page's "Return to Merchant" button, pressed at once.
        response.writeHead(303, { location: payment.request.merchant.redirectUrl });
        response.end();
        return true;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(paymentPage(payment));
      return true;
    }
    return false;
  };

  return {
    name: 'merchant-payments',
    state,
    handlers: {
      'merchant.payments.create': (request, response, _match, body) => create(request, response, body, false),
      'baas.merchant.payments.create': (request, response, _match, body) => create(request, response, body, true),
      'merchant.payments.get': get,
      'baas.merchant.payments.get': get,
    },
    control,
    isMoving: (paymentId) => timers.has(paymentId),
    async settled() {
      if (delayed.size > 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            delayedDone.delete(done);
            resolve();
          };
          delayedDone.add(done);
        });
      }
      await context.webhooks.settled();
    },
    close() {
      closed = true;
      for (const timer of [...timers.values(), ...delayed]) clearTimeout(timer);
      timers.clear();
      delayed.clear();
      for (const done of [...delayedDone]) done();
    },
  };
}

function payerChoice(input: unknown): PayerChoice {
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const value = record[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new HttpProblem(400, 'invalid_request', `${name} must be a string.`);
    return value;
  };
  if (record['cancel'] === true || record['cancel'] === 'true') return { cancel: true };
  const method = text('paymentMethod');
  if (method === 'PIS') {
    const choice = {
      providerId: text('providerId'),
      username: text('username'),
      password: text('password'),
      code: text('code'),
    };
    return { paymentMethod: 'PIS', ...Object.fromEntries(Object.entries(choice).filter(([, v]) => v !== undefined)) };
  }
  if (method === 'CARD' || method === 'GooglePay' || method === 'ApplePay') {
    const cardNumber = text('cardNumber')?.replace(/\s+/g, '');
    if (cardNumber !== undefined && !/^\d{12,19}$/.test(cardNumber)) {
      throw new HttpProblem(
        400,
        'invalid_request',
        'cardNumber must be 12 to 19 digits, e.g. a test card like 4242424242424242.',
      );
    }
    return { paymentMethod: method, ...(cardNumber !== undefined ? { cardNumber } : {}) };
  }
  throw new HttpProblem(
    400,
    'invalid_request',
    'paymentMethod must be PIS, CARD, GooglePay or ApplePay, or send {"cancel": true}.',
  );
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The widget as a plain page: the payment, its status, and stage's test data to choose from. */
function paymentPage(payment: SandboxPayment): string {
  const { amount, currency } = payment.request.payment.instructedAmount;
  const cards = Object.entries(TEST_CARDS)
    .map(
      ([number, card]) => `<option value="${number}">${number} (${escape(card.brand)}, ${escape(card.note)})</option>`,
    )
    .join('');
  const banks = TEST_PROVIDERS.map(
    (bank) => `<option value="${bank.providerId}">${escape(bank.providerName)} (${bank.country})</option>`,
  ).join('');
  return (
    `<!doctype html><title>ConnectPay sandbox payment</title><h1>Payment ${escape(payment.paymentId)}</h1>` +
    `<p>${escape(amount)} ${escape(currency)}. Status: ${escape(payment.status)}</p>` +
    `<form method="post"><input type="hidden" name="paymentMethod" value="CARD"><label>Card <select name="cardNumber">${cards}</select></label> <button>Pay by card</button></form>` +
    `<form method="post"><input type="hidden" name="paymentMethod" value="PIS"><label>Bank <select name="providerId">${banks}</select></label> ` +
    `<input name="username" placeholder="username"> <input name="password" placeholder="secret"> <input name="code" placeholder="123456"> <button>Pay by bank</button></form>` +
    `<form method="post"><input type="hidden" name="cancel" value="true"><button>Cancel</button></form>`
  );
}
