export {
  CONNECTIONS_CHECKING_INTERVAL_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  EDGE_REFUSAL_STATUS,
  edgeRefusalOf,
  edgeServerOptions,
  refuseOversizedContinue,
  type EdgeAnswer,
  type EdgeCodes,
  type EdgeLimits,
  type EdgeRefusal,
  type EdgeServerOptions,
  type SocketRefusal,
  type SocketRefusalCodes,
} from './edge.js';
export {
  errorBody,
  sendErrorBody,
  unexpectedForLog,
  type ErrorBody,
  type ErrorDetail,
  type ErrorExtras,
} from './error-body.js';
export { escapeHtml, htmlPage, messagePage } from './html.js';
export {
  markAccessLogged,
  registerRequestContext,
  type AccessLine,
  type AccessLogger,
  type Drain,
  type RequestContextOptions,
  type CountRequest,
} from './request-context.js';
export { acceptRequestId, REQUEST_ID_PATTERN, requestIdOf, type IdentifiedRequest } from './request-id.js';
