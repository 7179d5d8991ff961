export {
  ENVIRONMENTS,
  HOST_KINDS,
  PROVIDER_BASE_URLS,
  classifyProviderHost,
  isEnvironment,
  type BaseUrls,
  type Environment,
  type HostKind,
  type KnownProviderHost,
} from './environments.js';
export {
  SECURITY_SCHEMES,
  SCHEME_HOST_KIND,
  hostKindOfScheme,
  isSecurityScheme,
  type SecurityScheme,
} from './schemes.js';
export {
  API_CATALOG,
  API_NAMES,
  getApi,
  isApiName,
  pathParams,
  validateCatalog,
  type ApiDefinition,
  type ApiName,
  type HttpMethod,
} from './catalog.js';
export {
  OB_TRANSACTION_STATUSES,
  isFinalObTransactionStatus,
  isObTransactionStatus,
  type ObTransactionStatus,
} from './ob-payments.js';
export {
  resolve,
  baseUrlFor,
  checkBaseUrl,
  type QueryValue,
  type ResolveOptions,
  type ResolvedApi,
} from './resolve.js';
export {
  HOSTS_ERROR_CODES,
  HOSTS_ERROR_MEANING,
  isHostsError,
  HostsError,
  HostNotConfiguredError,
  InvalidBaseUrlError,
  InvalidCatalogError,
  InvalidPathParamError,
  MissingPathParamError,
  SchemeMismatchError,
  UnknownApiError,
  UnknownEnvironmentError,
  WrongHostKindError,
  MerchantContractError,
  type HostsErrorCode,
} from './errors.js';
export * from './merchant/index.js';
export { REQUEST_ID_PATTERN } from './request-id.js';
