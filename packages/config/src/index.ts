export { loadConfig, loadConfigFromEnv, requireCredential } from './load.js';
export { Secret } from './secret.js';
export type { ConfigSource } from './env-source.js';
export type { ConfigSources, ValueOrigin } from './origins.js';
export type {
  BasicCredentials,
  ConnectPayConfig,
  ConnectPayConfigWith,
  CredentialsByKind,
  DefaultRequired,
  LoadConfigOptions,
  MerchantCredentials,
  MerchantSignatureSettings,
  MtlsCredentials,
  NextMtlsFiles,
  RequiredKinds,
} from './types.js';
export { CONNECTPAY_ENV_SCHEMA, ENVIRONMENT_SCHEMAS, environmentSchema, type EnvironmentVariables } from './schema.js';
export {
  DEFAULT_MERCHANT_SIGNATURE_SETTINGS,
  loadMerchantSignature,
  type MerchantSignatureSetting,
} from './merchant-signature.js';
export {
  CREDENTIAL_KINDS,
  CREDENTIAL_SETTINGS,
  DEFAULT_ENVIRONMENT,
  DEFAULT_REQUIRE,
  DEV_PKI_COMMAND,
  DEV_PKI_DEFAULTS,
  DEV_PKI_DIR_NAME,
  DEV_PKI_FILES,
  ENVIRONMENT_VARIABLE,
  LOCAL_BASE_URLS,
  MERCHANT_SIGNATURE_PADDINGS,
  MERCHANT_SIGNATURE_SETTINGS,
  ROTATION_SETTINGS,
  SANDBOX_DEFAULT_PORTS,
  SETTINGS,
  isCredentialKind,
  variableName,
  type CredentialKind,
  type FileSetting,
  type MerchantSignaturePadding,
  type Setting,
  type UrlSetting,
  type VariableName,
} from './variables.js';
export {
  CONFIG_ERROR_CODES,
  CONFIG_ERROR_MEANING,
  CONFIG_ISSUE_CODES,
  CONFIG_ISSUE_MEANING,
  isConfigError,
  ConfigError,
  ConfigOptionsError,
  CredentialNotConfiguredError,
  InvalidConfigError,
  type ConfigErrorCode,
  type ConfigIssue,
  type ConfigIssueCode,
} from './errors.js';
export { findWorkspaceRoot, resolveDevPkiDir } from './workspace.js';
export { describeReadError } from './files.js';
