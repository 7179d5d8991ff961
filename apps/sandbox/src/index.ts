export { startSandbox, type RunningSandbox, type SandboxOptions, type ServerIdentity } from './sandbox.js';
export { optionsFromDevPki } from './dev-pki.js';
export { SandboxState, paymentDetails, type Payment, type PaymentStatus } from './state.js';
export type { Delivery, WebhookTarget } from './webhooks.js';
