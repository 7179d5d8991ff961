export { startSandbox, type RunningSandbox, type SandboxOptions, type ServerIdentity } from './sandbox.js';
export { optionsFromDevPki } from './dev-pki.js';
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
export type { Delivery, WebhookTarget } from './webhooks.js';
