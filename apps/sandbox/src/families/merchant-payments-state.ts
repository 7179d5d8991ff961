import { randomUUID } from 'node:crypto';
import {
  canFollow,
  type BaasInitiatePaymentRequest,
  type InitiatePaymentRequest,
  isTerminalStatus,
  type PaymentDetails,
  type PaymentStatusCode,
} from '@connectpay-kit/hosts';

/**
 * ConnectPay's stage test data for merchant payments (docs.connectpay.com/business-apis/accept-payments/single-merchant-payments/,
 * docs.connectpay.com/accept-payments-using-baas/single-payments/, docs.connectpay.com/?p=319), so a
 * flow tried here behaves as it will on stage.
 */
export const TEST_PROVIDERS = [
  {
    providerId: 'c3e4f215-dde4-4d0c-9a48-bc7274c90977',
    providerName: 'Fake Bank with Client Keys',
    country: 'DE',
    credentials: { username: 'username', password: 'secret', code: '123456' },
  },
  { providerId: 'a7640cb7-4dec-4a44-a9ad-b918c803254e', providerName: 'Siauliu bankas', country: 'LT' },
  { providerId: '03a4effd-d047-4c3e-ab95-1b4fb198b64f', providerName: 'Test Bank', country: 'FI' },
] as const;

export type TestProvider = (typeof TEST_PROVIDERS)[number];

/** Test cards (any 3-digit CVV, any future expiry) and what stage does with each. */
export const TEST_CARDS: Readonly<Record<string, { brand: string; outcome: 'Approved' | 'Failed'; note: string }>> = {
  '4242424242424242': { brand: 'Visa', outcome: 'Approved', note: 'success, 3DS challenge' },
  '5436031030606378': { brand: 'MasterCard', outcome: 'Approved', note: 'success, 3DS challenge' },
  '4485040371536584': { brand: 'Visa', outcome: 'Approved', note: 'success, frictionless' },
  '4544249167673670': { brand: 'Visa', outcome: 'Failed', note: 'fails: insufficient funds' },
  '4539253655711767': { brand: 'Visa', outcome: 'Failed', note: 'fails: stolen card' },
  '4539467987109256': { brand: 'Visa', outcome: 'Failed', note: 'fails (the older pages’ failure card)' },
};

/** 99.99 EUR: held for manual review in PendingProvider; stage never approves it unless asked. */
export const MANUAL_REVIEW_AMOUNT = '99.99';

/** What the payer does in the widget: the sandbox's stand-in for the pages at pay-stage.connectpay.com. */
export type PayerChoice =
  | {
      readonly paymentMethod: 'PIS';
      readonly providerId?: string;
      readonly username?: string;
      readonly password?: string;
      readonly code?: string;
    }
  | { readonly paymentMethod: 'CARD' | 'GooglePay' | 'ApplePay'; readonly cardNumber?: string }
  | { readonly cancel: true };

export interface StatusChange {
  readonly code: PaymentStatusCode;
  readonly at: string;
}

export interface SandboxPayment {
  readonly paymentId: string;
  /** As validated: a BaaS client's body may leave paymentMethod and providerCountryCode out. */
  readonly request: InitiatePaymentRequest | BaasInitiatePaymentRequest;
  readonly redirectUrl: string;
  readonly createdAt: string;
  status: PaymentStatusCode;
  updatedAt: string;
  /** Every status the payment had, oldest first. */
  readonly history: StatusChange[];
  choice: PayerChoice | undefined;
  /** Filled once the payer chose: what Get Payment Details reports about the provider and the payer's account. */
  provider: { providerId?: string; providerName?: string } | undefined;
}

/** The path a payment takes from creation, one step per tick (SANDBOX_AUTO_ADVANCE_MS) or per `advance`. */
const IN_FLIGHT: readonly PaymentStatusCode[] = ['PendingMerchant', 'InProgress', 'Processing', 'PendingProvider'];

/** Merchant payments as the sandbox remembers them: in memory, gone on restart, like a fresh stage account. */
export class MerchantPaymentsState {
  private readonly payments = new Map<string, SandboxPayment>();

  get size(): number {
    return this.payments.size;
  }

  get(paymentId: string): SandboxPayment | undefined {
    return this.payments.get(paymentId);
  }

  has(paymentId: string): boolean {
    return this.payments.has(paymentId);
  }

  /** A new payment: `Initiated` on receipt and `PendingMerchant` once the 201 is on its way, as the provider reports it. */
  create(
    request: InitiatePaymentRequest | BaasInitiatePaymentRequest,
    redirectBase: string,
    now = new Date(),
  ): SandboxPayment {
    const paymentId = randomUUID();
    const at = now.toISOString();
    const payment: SandboxPayment = {
      paymentId,
      request,
      redirectUrl: `${redirectBase}/sandbox/pay/${paymentId}`,
      createdAt: at,
      status: 'PendingMerchant',
      updatedAt: at,
      history: [
        { code: 'Initiated', at },
        { code: 'PendingMerchant', at },
      ],
      choice: undefined,
      provider: undefined,
    };
    this.payments.set(paymentId, payment);
    return payment;
  }

  /** The next status on the payment's path, or undefined where stage would wait (an outcome, or 99.99 in review). */
  nextStatus(payment: SandboxPayment): PaymentStatusCode | undefined {
    const index = IN_FLIGHT.indexOf(payment.status);
    if (index < 0) return undefined;
    if ('cancel' in (payment.choice ?? {})) return 'Abandoned';
    if (index < IN_FLIGHT.length - 1) return IN_FLIGHT[index + 1];
    const { amount, currency } = payment.request.payment.instructedAmount;
    if (Number(amount) === Number(MANUAL_REVIEW_AMOUNT) && currency === 'EUR') return undefined;
    return outcomeOf(payment);
  }

  /** Moves one step along the payment's path; returns the change, or undefined when there is none to make. */
  advance(paymentId: string, now = new Date()): StatusChange | undefined {
    const payment = this.payments.get(paymentId);
    if (!payment) return undefined;
    const next = this.nextStatus(payment);
    if (next === undefined) return undefined;
    if (next === 'Processing' && payment.choice === undefined) this.choose(payment, defaultChoice(payment));
    return this.setStatus(payment, next, now);
  }

  /**
   * What dev-support does on stage when asked (Settled, approving a 99.99 review, a refund): any status
   * the published moves allow from the current one. Returns undefined when the move is not allowed.
   */
  setStatus(payment: SandboxPayment, code: PaymentStatusCode, now = new Date()): StatusChange | undefined {
    if (!canFollow(payment.status, code)) return undefined;
    const at = now.toISOString();
    payment.status = code;
    payment.updatedAt = at;
    const change = { code, at };
    payment.history.push(change);
    return change;
  }

  /** The payer's choice in the widget. PIS credentials are checked like the test bank checks them. */
  choose(payment: SandboxPayment, choice: PayerChoice): void {
    payment.choice = choice;
    if ('cancel' in choice) return;
    if (choice.paymentMethod === 'PIS') {
      const provider = findProvider(
        choice.providerId ?? payment.request.payment.providerId,
        payment.request.payment.providerCountryCode,
      );
      payment.provider = provider
        ? { providerId: provider.providerId, providerName: provider.providerName }
        : { providerId: choice.providerId ?? payment.request.payment.providerId, providerName: 'Sandbox Bank' };
    } else {
      payment.provider = { providerName: TEST_CARDS[choice.cardNumber ?? '']?.brand ?? 'Card' };
    }
  }
}

function findProvider(providerId: string | undefined, country: string | undefined): TestProvider | undefined {
  return providerId !== undefined
    ? TEST_PROVIDERS.find((provider) => provider.providerId === providerId)
    : TEST_PROVIDERS.find((provider) => provider.country === country);
}

/** When nobody uses the widget (automatic progression), the payer picks the first method with the success test data. */
function defaultChoice(payment: SandboxPayment): PayerChoice {
  const method = payment.request.payment.paymentMethod?.[0] ?? 'PIS';
  return method === 'PIS' ? { paymentMethod: 'PIS' } : { paymentMethod: method, cardNumber: '4242424242424242' };
}

function outcomeOf(payment: SandboxPayment): PaymentStatusCode {
  const choice = payment.choice ?? defaultChoice(payment);
  if ('cancel' in choice) return 'Abandoned';
  if (choice.paymentMethod === 'PIS') {
    const provider = findProvider(
      choice.providerId ?? payment.request.payment.providerId,
      payment.request.payment.providerCountryCode,
    );
    if (provider && 'credentials' in provider && choice.username !== undefined) {
      const { username, password, code } = provider.credentials;
      return choice.username === username && choice.password === password && choice.code === code
        ? 'Approved'
        : 'Failed';
    }
    return 'Approved';
  }
  // Any other card is declined, as an issuer declines a number it does not know.
  return TEST_CARDS[choice.cardNumber ?? '4242424242424242']?.outcome ?? 'Failed';
}

/**
 * The Get Payment Details body (dev.connectpay.com/api-portal/content/get-payment-details), also what
 * each notificationUrl call carries: the initiation data plus the provider, the creditor, the status.
 * `payment.paymentId` is included: where the 201 answer carries it (see packages/hosts' README).
 */
export function paymentDetailsBody(payment: SandboxPayment): PaymentDetails {
  const { merchant, payment: requested, identifiers, consumer } = payment.request;
  const provider = payment.provider ?? {};
  const chosenMethod =
    payment.choice && !('cancel' in payment.choice)
      ? payment.choice.paymentMethod
      : (requested.paymentMethod?.[0] ?? 'PIS');
  return {
    merchant: {
      ...(merchant.generic1 !== undefined ? { generic1: merchant.generic1 } : {}),
      ...(merchant.generic2 !== undefined ? { generic2: merchant.generic2 } : {}),
      ...(merchant.generic3 !== undefined ? { generic3: merchant.generic3 } : {}),
    },
    payment: {
      paymentId: payment.paymentId,
      paymentMethod: chosenMethod,
      ...(provider.providerId !== undefined ? { providerId: provider.providerId } : {}),
      ...(provider.providerName !== undefined ? { providerName: provider.providerName } : {}),
      creditorAccount: { iban: 'LT249388994358452435' },
      creditorName: 'Sandbox Merchant Ltd.',
      ...(requested.debtorName !== undefined ? { debtorName: requested.debtorName } : {}),
      instructedAmount: requested.instructedAmount,
      ...(requested.remittanceInformationUnstructured !== undefined
        ? { remittanceInformationUnstructured: requested.remittanceInformationUnstructured }
        : {}),
    },
    identifiers: { ...identifiers },
    consumer: { ...consumer },
    status: { code: payment.status, isTerminal: isTerminalStatus(payment.status) },
  };
}
