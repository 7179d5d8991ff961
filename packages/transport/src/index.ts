export {
  ConnectPayClient,
  createConnectPayClient,
  type CallCancellation,
  type CallEvent,
  type CallInput,
  type CallListener,
  type ConnectPayClientOptions,
  type ProviderResponse,
  type TransportLogger,
} from './client.js';
export { certsCredentialCheck, type CertificateCheckOptions } from './certificate-check.js';
export {
  CredentialRotation,
  ROTATION_LOG,
  type CredentialRotationOptions,
  type NextPairState,
  type NextPairStatus,
  type RotationCertificate,
  type RotationProbe,
  type RotationRollback,
  type RotationStatus,
  type RotationSwitch,
} from './credential-rotation.js';
export { watchCredentials, type CredentialWatcher, type CredentialWatchOptions } from './credential-watcher.js';
export {
  loadCredentials,
  type ClientCredentials,
  type CredentialCheck,
  type LoadedCredentials,
} from './credentials.js';
export type { Timeouts } from './dispatchers.js';
export {
  TRANSPORT_ERROR_CODES,
  TRANSPORT_ERROR_MEANING,
  isTransportError,
  CallCancelledError,
  ClientCertificateRefusedError,
  CredentialsMissingError,
  CredentialsRejectedError,
  NewAuthCodeRequiredError,
  ProviderHttpError,
  RotationRefusedError,
  ServerCertificateUntrustedError,
  TokenStoreError,
  TransportError,
  TransportMisuseError,
  TransportTimeoutError,
  type TimeoutPhase,
  type TransportErrorCode,
} from './errors.js';
export {
  authorizeUrl,
  checkRedirectUrl,
  isGuidV4,
  newAuthorizeNonce,
  PSD2_AUTH_FLOW_ID,
  PSD2_AUTH_SCOPES,
  type AuthorizeUrlInput,
  type Psd2AuthScope,
} from './oauth/authorize.js';
export {
  OAuthTokenManager,
  refreshRefusal,
  tokenLifetimeSeconds,
  type TokenEndpoint,
  type TokenEndpointResponse,
  type TokenManagerOptions,
  type TokenPersistence,
  type TokenStatus,
} from './oauth/token-manager.js';
export { TokenCipher } from './oauth/token-crypto.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { revealSecret, type SecretInput } from './secret.js';
export { basicAuthorization, type BasicCredentials } from './strategies/basic.js';
export {
  DEFAULT_MERCHANT_SIGNATURE,
  merchantSigningString,
  signMerchantRequest,
  verifyMerchantSignature,
  type MerchantSignatureOptions,
  type SignableRequest,
} from './strategies/merchant-signature.js';
export type { MerchantCredentials } from './strategies/rsa-signature.js';
export type { AuthStrategy, OutgoingRequest, StrategyName } from './strategies/strategy.js';
