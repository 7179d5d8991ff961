import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Every place a credential could appear in a log object is redacted by path, as a second line of
 * defence: the gateway never logs headers or bodies in the first place. A request is logged by
 * method, route, status and request id only.
 */
export const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'apiKey',
  'token',
  'clientSecret',
  'client_secret',
  'privateKey',
  'privateKeyPem',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'headers["x-signature"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["x-signature"]',
  '*.authorization',
  '*.apiKey',
  '*.clientSecret',
  '*.client_secret',
  '*.privateKey',
  '*.privateKeyPem',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
];

export interface GatewayLoggers {
  /** Everything but the per-request line: redacted by path. */
  readonly logger: Logger;
  /**
   * The one line per answered request. It is built only from requestId, method, route template,
   * status and duration, none of which can hold a secret, so it skips the redaction pass that
   * costs about 5% of the gateway's CPU at full load (tools/bench/gateway with --cpu-prof).
   */
  readonly accessLogger: AccessLogger;
}

/** The fields of an access log line, and nothing else: the type keeps secrets out by construction. */
export interface AccessLine {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

export interface AccessLogger {
  info(line: AccessLine, message: 'request'): void;
  error(line: AccessLine, message: 'request failed'): void;
}

export function createLoggers(options: { level?: string; destination?: DestinationStream } = {}): GatewayLoggers {
  // Synchronous stdout (pino's default): the last lines before a shutdown or crash are not lost.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  const common = {
    level: options.level ?? 'info',
    base: { service: 'gateway' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return {
    logger: pino({ ...common, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination),
    accessLogger: pino(common, destination),
  };
}
