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

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'gateway' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Synchronous stdout (pino's default): the last lines before a shutdown or crash are not lost.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
