import { z } from 'zod';
import {
  blankAsUnset,
  defaultStorageLocation,
  integer,
  isDatabaseUrl,
  KeyRing,
  logLevel,
  optionalText,
  settingsLoader,
  storageLocationOf,
  valueOrFile,
  type SettingsReading,
} from '@connectpay-kit/service-kit';
import { LOCAL_DEV_API_KEY } from '../auth/api-keys.js';
import { GATEWAY_SERVICE } from './service.js';

/** The gateway's own settings (the ConnectPay ones live in packages/config). */
export interface GatewaySettings {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path, `:memory:`, or a `postgres://` URL. */
  readonly storageLocation: string;
  readonly merchantBrandId: string | undefined;
  readonly notificationUrl: string | undefined;
  /** A call's whole budget upstream (connect, retries, headers, body), unless its catalog entry sets one. */
  readonly upstreamTimeoutMs: number;
  /** Requests to /v1 routes served at once; more wait in the queue. */
  readonly maxInFlight: number;
  /** Requests that may wait for a slot; beyond that, 503 GATEWAY_OVERLOADED at once. */
  readonly maxQueued: number;
  /** The longest a request waits in the queue before it gets 503 GATEWAY_OVERLOADED. */
  readonly queueTimeoutMs: number;
  /** How long a client may take to send the request line and headers. */
  readonly headersTimeoutMs: number;
  /** How long a client may take to send the whole request body. */
  readonly bodyTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

/** Nest injection token of the gateway's LoadedSettings. */
export const GATEWAY_SETTINGS = 'GATEWAY_SETTINGS';

export interface LoadedSettings {
  readonly settings: GatewaySettings;
  readonly apiKeys: KeyRing;
  /** The AES key sealing OAuth tokens at rest; undefined disables the OAuth endpoints. */
  readonly tokenKey: { reveal(): string } | undefined;
  readonly warnings: readonly string[];
}

// Its keys are the documented variables, in the order the README lists them.
const SCHEMA = z.object({
  GATEWAY_PORT: integer(0, 65_535, 3000),
  GATEWAY_HOST: z.preprocess(blankAsUnset, z.string().trim().default('127.0.0.1')),
  GATEWAY_API_KEYS_FILE: optionalText,
  GATEWAY_STORAGE: optionalText,
  GATEWAY_STORAGE_FILE: optionalText,
  CONNECTPAY_TOKEN_KEY_FILE: optionalText,
  GATEWAY_MERCHANT_BRAND_ID: z.preprocess(blankAsUnset, z.string().trim().max(100).optional()),
  GATEWAY_NOTIFICATION_URL: optionalText,
  GATEWAY_UPSTREAM_TIMEOUT_MS: integer(100, 300_000, 30_000),
  // 64: the connections transport opens per upstream origin. Calls beyond them would only wait,
  // unbounded and unseen, in the pool's own queue; here they wait in a bounded one or get 503.
  GATEWAY_MAX_IN_FLIGHT: integer(1, 100_000, 64),
  GATEWAY_MAX_QUEUED: integer(0, 100_000, 64),
  GATEWAY_QUEUE_TIMEOUT_MS: integer(1, 60_000, 1_000),
  GATEWAY_HEADERS_TIMEOUT_MS: integer(100, 120_000, 5_000),
  GATEWAY_BODY_TIMEOUT_MS: integer(100, 120_000, 5_000),
  GATEWAY_SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 25_000),
  LOG_LEVEL: logLevel,
});

/**
 * Reads the gateway's variables. Every problem is collected, so one start shows everything to fix;
 * messages name the variable and the file path, never a file's content.
 */
export const loadGatewaySettings = settingsLoader(GATEWAY_SERVICE, SCHEMA, (reading): LoadedSettings => {
  const { values, issues, warnings, local, path, context } = reading;

  const apiKeys = readApiKeys(values.GATEWAY_API_KEYS_FILE, reading);
  const storage = valueOrFile('GATEWAY_STORAGE', values.GATEWAY_STORAGE, values.GATEWAY_STORAGE_FILE, path, issues);

  const tokenKey = reading.oauthTokenKey(
    values.CONNECTPAY_TOKEN_KEY_FILE,
    'the OAuth endpoints (/v1/oauth/*, /v1/accounts) answer 503 until it names a 32-byte key file (`openssl rand -base64 32`).',
  );

  // The refresh token rotates: two replicas with their own SQLite file would each refresh and
  // invalidate the other's token, and a person would have to issue a new auth code.
  if (!local && tokenKey !== undefined && (storage === undefined || !isDatabaseUrl(storage))) {
    warnings.push(
      'GATEWAY_STORAGE is a SQLite file on this host: run a single gateway replica, or point every replica at one PostgreSQL database (postgres://…), because the OAuth refresh token rotates and replicas must share it.',
    );
  }

  const notificationUrl = values.GATEWAY_NOTIFICATION_URL;
  if (notificationUrl !== undefined) {
    reading.url('GATEWAY_NOTIFICATION_URL', notificationUrl, {
      example: 'https://shop.example/notifications',
      httpsBecause: 'ConnectPay only calls https callback URLs.',
    });
  }

  reading.throwIfInvalid();
  return {
    settings: {
      port: values.GATEWAY_PORT,
      host: values.GATEWAY_HOST,
      storageLocation: storageLocationOf(
        storage,
        defaultStorageLocation(context.workspaceRoot, 'connectpay.sqlite'),
        path,
      ),
      merchantBrandId: values.GATEWAY_MERCHANT_BRAND_ID ?? (local ? 'local-brand' : undefined),
      notificationUrl,
      upstreamTimeoutMs: values.GATEWAY_UPSTREAM_TIMEOUT_MS,
      maxInFlight: values.GATEWAY_MAX_IN_FLIGHT,
      maxQueued: values.GATEWAY_MAX_QUEUED,
      queueTimeoutMs: values.GATEWAY_QUEUE_TIMEOUT_MS,
      headersTimeoutMs: values.GATEWAY_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: values.GATEWAY_BODY_TIMEOUT_MS,
      shutdownTimeoutMs: values.GATEWAY_SHUTDOWN_TIMEOUT_MS,
      logLevel: values.LOG_LEVEL,
    },
    apiKeys,
    tokenKey,
    warnings,
  };
});

function readApiKeys(file: string | undefined, reading: SettingsReading<unknown>): KeyRing {
  if (file === undefined) {
    if (!reading.local) {
      reading.issues.push({
        variable: 'GATEWAY_API_KEYS_FILE',
        message: 'is required outside local: point it at a file with one internal caller key per line.',
      });
    }
    return new KeyRing(reading.local ? [LOCAL_DEV_API_KEY] : []);
  }
  return reading.keyFile(file, { variable: 'GATEWAY_API_KEYS_FILE', localKey: LOCAL_DEV_API_KEY });
}
