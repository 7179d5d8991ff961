export {
  AMOUNT_PATTERN,
  AmountSchema,
  BaasInitiatePaymentRequestSchema,
  CurrencySchema,
  InitiatePaymentRequestSchema,
  InitiatePaymentResponseSchema,
  InstructedAmountSchema,
  MAX_AMOUNT,
  PAYMENT_METHODS,
  PIS_COUNTRIES,
  PaymentMethodsSchema,
  WIDGET_LANGUAGES,
  type BaasInitiatePaymentRequest,
  type InitiatePaymentRequest,
  type InitiatePaymentRequestInput,
  type InitiatePaymentResponse,
  type PaymentMethod,
  type WidgetLanguage,
} from './initiate-payment.js';
export { ISO_4217_CURRENCIES } from './currencies.js';
export {
  PaymentDetailsSchema,
  PaymentStatusSchema,
  parsePaymentDetails,
  type PaymentDetails,
  type PaymentDetailsView,
} from './payment-details.js';
export {
  PAYMENT_STATUS_CODES,
  PAYMENT_STATUS_MOVES,
  TERMINAL_STATUS_CODES,
  canFollow,
  canMove,
  decideStatus,
  isPaymentStatusCode,
  isTerminalStatus,
  type ObservedStatus,
  type PaymentStatusCode,
  type StatusDecision,
  type StatusDecisionReason,
} from './statuses.js';
export { contractProblems, type ContractProblem } from './problems.js';
