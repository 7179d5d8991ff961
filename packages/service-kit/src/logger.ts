import { pino, type DestinationStream, type Logger } from 'pino';
import { stdoutDestination } from './log-destination.js';
import type { ServiceDescriptor } from './service.js';

/** Field names that hold a credential wherever they appear. */
const CREDENTIAL_FIELDS = [
  'authorization',
  'cookie',
  'token',
  'apiKey',
  'adminKey',
  'clientSecret',
  'client_secret',
  'privateKey',
  'privateKeyPem',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
];
/** Request headers that carry a credential (lower case, as Node gives them). */
const CREDENTIAL_HEADERS = [
  'authorization',
  'cookie',
  'x-api-key',
  'x-signature',
  'x-admin-key',
  'x-connectpay-webhook-token',
];

/**
 * The credential paths with no wildcard: top level, `err` and `headers`. For a logger on a
 * per-request hot path: pino's wildcard paths cost about 15 µs per line (a tenth of a core at
 * 8,000 webhook deliveries/s), explicit ones next to nothing.
 */
export const EXPLICIT_SECRET_LOG_PATHS: readonly string[] = [
  ...CREDENTIAL_FIELDS,
  ...CREDENTIAL_FIELDS.map((field) => `err.${field}`),
  ...CREDENTIAL_HEADERS.map((header) => `headers["${header}"]`),
];

/**
 * Every place a credential could appear in a log object, redacted by path as a second line of
 * defence: the services never log headers or bodies in the first place. The explicit paths, plus
 * the same fields and headers one object down (`*.x`).
 */
export const SECRET_LOG_PATHS: readonly string[] = [
  ...EXPLICIT_SECRET_LOG_PATHS,
  ...CREDENTIAL_FIELDS.map((field) => `*.${field}`),
  ...CREDENTIAL_HEADERS.map((header) => `*.headers["${header}"]`),
];

/** What a redacted value reads as in the log line. */
export const REDACTED = '[redacted]';

export interface ServiceLoggerOptions {
  /** Its `name` becomes the `service` field of every line. */
  readonly service: Pick<ServiceDescriptor, 'name'>;
  /** A pino level; default `info`. */
  readonly level?: string;
  /** Default: stdout, written once per event-loop turn (stdoutDestination()). */
  readonly destination?: DestinationStream;
  /** Default SECRET_LOG_PATHS; an empty list turns redaction off. */
  readonly redactPaths?: readonly string[];
}

/** The service's JSON logger: ISO timestamps, `service` on every line, credentials redacted by path. */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  const paths = options.redactPaths ?? SECRET_LOG_PATHS;
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service.name },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(paths.length > 0 ? { redact: { paths: [...paths], censor: REDACTED } } : {}),
    },
    options.destination ?? stdoutDestination(),
  );
}
