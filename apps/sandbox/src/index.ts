export { startSandbox, type RunningSandbox, type SandboxOptions, type ServerIdentity } from './sandbox.js';
export { DevPkiMissingError, optionsFromDevPki } from './dev-pki.js';
export { SandboxState } from './state.js';
export type {
  CallbackDisorder,
  FamilyContext,
  Handler,
  MerchantPaymentsFamily,
  SandboxFamily,
} from './families/index.js';
export {
  MANUAL_REVIEW_AMOUNT,
  MerchantPaymentsState,
  TEST_CARDS,
  TEST_PROVIDERS,
  paymentDetailsBody,
  type PayerChoice,
  type SandboxPayment,
  type StatusChange,
} from './families/merchant-payments-state.js';
export type { Delivery, WebhookSenderOptions, WebhookTarget } from './webhooks.js';
export type { OAuthFamily, ObPaymentOrder, OpenBankingFamily } from './families/index.js';
export {
  PROVIDER_ANSWER_TIMEOUT_MS,
  PROVIDER_RETRY_DELAYS_MS,
  PROVIDER_SWITCH_OFF_AFTER,
  WebhookSubscription,
  type SubscriptionAttempt,
  type SubscriptionDelivery,
  type SubscriptionSettings,
  type SubscriptionStatus,
} from './webhook-subscriptions.js';
