export type { ServiceDescriptor } from './service.js';
export {
  SERVICE_KIT_ERROR_CODES,
  SERVICE_KIT_ERROR_MEANING,
  isServiceKitError,
  describeStartupFailure,
  EXIT_CONFIG,
  EXIT_FAILURE,
  ServiceKitError,
  SettingsError,
  StartupConfigError,
  StartupFailedError,
  type ServiceKitErrorCode,
  type SettingsIssue,
} from './errors.js';
export {
  blankAsUnset,
  describeIssue,
  flag,
  integer,
  LOG_LEVELS,
  logLevel,
  optionalText,
  pathFrom,
  readText,
  readVariables,
  valueOrFile,
  type LogLevel,
  type SettingsContext,
  type Variables,
} from './settings.js';
export {
  defaultStorageLocation,
  isDatabaseUrl,
  openStorageOrExplain,
  storageFolder,
  storageLocationOf,
} from './storage.js';
export {
  logStartupWarnings,
  explainProfileFailure,
  loadServiceConfiguration,
  loadServiceSettings,
  type LoadServiceConfigurationOptions,
  type ServiceConfiguration,
  type ServiceSettings,
} from './load-configuration.js';
export { KeyRing, readKeyFile, type KeyFileOptions } from './key-ring.js';
export { readTokenKey, TOKEN_KEY_VARIABLE, type TokenKeyOptions } from './token-key.js';
export { readSettings, settingsLoader, SettingsReading, type UrlSettingOptions } from './settings-reading.js';
export {
  createServiceLogger,
  EXPLICIT_SECRET_LOG_PATHS,
  REDACTED,
  SECRET_LOG_PATHS,
  type ServiceLoggerOptions,
} from './logger.js';
export { stdoutDestination, TurnBatchedDestination, type LineSink } from './log-destination.js';
export { judgeReadiness, pingCheck, type ReadinessCheck, type ReadinessReport } from './readiness.js';
export { closeIfBuildFails, closeInOrder, type Closable } from './close.js';
export { startService, type StartableService, type StartupLine } from './start.js';
export { ServiceError, ServiceRequestError } from './service-error.js';
