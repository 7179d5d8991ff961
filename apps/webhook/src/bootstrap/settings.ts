import { join } from 'node:path';
import { z } from 'zod';
import { DEV_PKI_FILES, type Secret } from '@connectpay-kit/config';
import type { Environment } from '@connectpay-kit/hosts';
import {
  blankAsUnset,
  defaultStorageLocation,
  flag,
  integer,
  isDatabaseUrl,
  KeyRing,
  logLevel,
  optionalText,
  readText,
  settingsLoader,
  storageLocationOf,
  valueOrFile,
  type SettingsContext,
  type SettingsIssue,
  type SettingsReading,
} from '@connectpay-kit/service-kit';
import { AddressSet, PROVIDER_SOURCE_IPS, SourcePolicy } from '../security/source-address.js';
import { WEBHOOK_SERVICE } from './service.js';

/** The key `local` accepts on the admin API, so a fresh clone can look at dead letters with no set-up. */
export const LOCAL_DEV_ADMIN_KEY = 'local-dev-key';

/** The receiver's own settings (the ConnectPay ones live in packages/config). */
export interface WebhookSettings {
  readonly port: number;
  readonly host: string;
  /** Public base URL (what ConnectPay and browsers reach); undefined in local until the port is known. */
  readonly publicUrl: string | undefined;
  /** A SQLite file path, `:memory:`, or a `postgres://` URL. */
  readonly storageLocation: string;
  /** PostgreSQL schema for the tables (several deployments in one database). */
  readonly storageSchema: string | undefined;
  /** Where the OAuth token pair goes: the gateway's storage, so it can use the tokens. */
  readonly tokenStorageLocation: string;
  readonly storageLockTimeoutMs: number;
  /** Lower case. */
  readonly tokenHeader: string;
  readonly bodyLimitBytes: number;
  readonly trustedProxies: readonly string[];
  readonly extraAllowedSources: readonly string[];
  readonly checkNotificationSource: boolean;
  readonly workers: number;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly retentionHours: number;
  readonly upstreamTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

/** Nest injection token of the receiver's LoadedSettings. */
export const WEBHOOK_SETTINGS = 'WEBHOOK_SETTINGS';

export interface LoadedSettings {
  readonly settings: WebhookSettings;
  /** The provider's static webhook token(s). */
  readonly webhookTokens: KeyRing;
  /** Admin API keys; undefined disables the admin API (503). */
  readonly adminKeys: KeyRing | undefined;
  /** The AES key sealing OAuth tokens at rest; undefined disables the auth redirect (503). */
  readonly tokenKey: Secret | undefined;
  readonly sources: SourcePolicy;
  readonly warnings: readonly string[];
}

// Its keys are the documented variables, in the order the README lists them.
const SCHEMA = z.object({
  WEBHOOK_PORT: integer(0, 65_535, 3001),
  WEBHOOK_HOST: optionalText,
  WEBHOOK_PUBLIC_URL: optionalText,
  WEBHOOK_STORAGE: optionalText,
  WEBHOOK_STORAGE_FILE: optionalText,
  WEBHOOK_STORAGE_SCHEMA: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be 1-63 lower-case letters, digits and underscores')
      .optional(),
  ),
  WEBHOOK_TOKEN_STORAGE: optionalText,
  WEBHOOK_TOKEN_STORAGE_FILE: optionalText,
  WEBHOOK_STORAGE_LOCK_TIMEOUT_MS: integer(0, 60_000, 5_000),
  WEBHOOK_TOKEN_FILE: optionalText,
  WEBHOOK_TOKEN_PREVIOUS_FILE: optionalText,
  WEBHOOK_TOKEN_HEADER: z.preprocess(
    blankAsUnset,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'must be an HTTP header name (letters, digits and dashes)')
      .default('x-connectpay-webhook-token')
      .transform((name) => name.toLowerCase()),
  ),
  WEBHOOK_TRUSTED_PROXIES: optionalText,
  WEBHOOK_EXTRA_ALLOWED_SOURCES: optionalText,
  WEBHOOK_CHECK_NOTIFICATION_SOURCE: flag(true),
  WEBHOOK_BODY_LIMIT_BYTES: integer(1024, 16 * 1024 * 1024, 256 * 1024),
  WEBHOOK_ADMIN_KEYS_FILE: optionalText,
  CONNECTPAY_TOKEN_KEY_FILE: optionalText,
  WEBHOOK_WORKERS: integer(0, 256, 4),
  WEBHOOK_MAX_ATTEMPTS: integer(1, 100, 8),
  WEBHOOK_RETRY_BASE_MS: integer(10, 3_600_000, 1_000),
  WEBHOOK_RETRY_MAX_MS: integer(10, 24 * 3_600_000, 10 * 60_000),
  WEBHOOK_LEASE_MS: integer(1_000, 3_600_000, 60_000),
  WEBHOOK_POLL_MS: integer(10, 60_000, 500),
  WEBHOOK_RETENTION_HOURS: integer(25, 24 * 365, 7 * 24),
  WEBHOOK_UPSTREAM_TIMEOUT_MS: integer(100, 300_000, 15_000),
  WEBHOOK_SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 20_000),
  LOG_LEVEL: logLevel,
});

/**
 * Reads the receiver's variables. Every problem is collected, so one start shows everything to fix;
 * messages name the variable and the file path, never a file's content.
 */
export const loadWebhookSettings = settingsLoader(WEBHOOK_SERVICE, SCHEMA, (reading): LoadedSettings => {
  const { values, issues, warnings, local, path, context } = reading;

  const webhookTokens = readWebhookTokens(values, context, path, issues, warnings);
  const adminKeys = readAdminKeys(values.WEBHOOK_ADMIN_KEYS_FILE, reading);
  const tokenKey = reading.oauthTokenKey(
    values.CONNECTPAY_TOKEN_KEY_FILE,
    '/auth/start and /auth/callback answer 503 until it names the 32-byte key the gateway uses (`openssl rand -base64 32`).',
  );
  const publicUrl = checkPublicUrl(values.WEBHOOK_PUBLIC_URL, reading);
  const storage = valueOrFile('WEBHOOK_STORAGE', values.WEBHOOK_STORAGE, values.WEBHOOK_STORAGE_FILE, path, issues);
  const tokenStorage = valueOrFile(
    'WEBHOOK_TOKEN_STORAGE',
    values.WEBHOOK_TOKEN_STORAGE,
    values.WEBHOOK_TOKEN_STORAGE_FILE,
    path,
    issues,
  );
  const sources = sourcePolicy(values, context.environment, issues, warnings);

  if (values.WEBHOOK_RETRY_MAX_MS < values.WEBHOOK_RETRY_BASE_MS) {
    issues.push({
      variable: 'WEBHOOK_RETRY_MAX_MS',
      message: `must be at least WEBHOOK_RETRY_BASE_MS (${values.WEBHOOK_RETRY_BASE_MS}).`,
    });
  }
  if (values.WEBHOOK_UPSTREAM_TIMEOUT_MS >= values.WEBHOOK_LEASE_MS / 2) {
    issues.push({
      variable: 'WEBHOOK_UPSTREAM_TIMEOUT_MS',
      message: `must be below half of WEBHOOK_LEASE_MS (${values.WEBHOOK_LEASE_MS} ms), so a slow call is abandoned before another worker may take its event over.`,
    });
  }

  reading.throwIfInvalid();
  const storageLocation = storageLocationOf(
    storage,
    defaultStorageLocation(context.workspaceRoot, 'webhook.sqlite'),
    path,
  );
  return {
    settings: {
      port: values.WEBHOOK_PORT,
      // Public receiver: listen on every interface outside local (behind the load balancer).
      host: values.WEBHOOK_HOST ?? (local ? '127.0.0.1' : '0.0.0.0'),
      publicUrl,
      storageLocation,
      storageSchema: values.WEBHOOK_STORAGE_SCHEMA,
      tokenStorageLocation: tokenStorageLocation(tokenStorage, storageLocation, context, path),
      storageLockTimeoutMs: values.WEBHOOK_STORAGE_LOCK_TIMEOUT_MS,
      tokenHeader: values.WEBHOOK_TOKEN_HEADER,
      bodyLimitBytes: values.WEBHOOK_BODY_LIMIT_BYTES,
      trustedProxies: AddressSet.splitList(values.WEBHOOK_TRUSTED_PROXIES),
      extraAllowedSources: AddressSet.splitList(values.WEBHOOK_EXTRA_ALLOWED_SOURCES),
      checkNotificationSource: values.WEBHOOK_CHECK_NOTIFICATION_SOURCE,
      workers: values.WEBHOOK_WORKERS,
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: values.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: values.WEBHOOK_RETRY_MAX_MS,
      leaseMs: values.WEBHOOK_LEASE_MS,
      pollMs: values.WEBHOOK_POLL_MS,
      retentionHours: values.WEBHOOK_RETENTION_HOURS,
      upstreamTimeoutMs: values.WEBHOOK_UPSTREAM_TIMEOUT_MS,
      shutdownTimeoutMs: values.WEBHOOK_SHUTDOWN_TIMEOUT_MS,
      logLevel: values.LOG_LEVEL,
    },
    webhookTokens,
    adminKeys,
    tokenKey,
    sources,
    warnings,
  };
});

/** The gateway's default storage, where it looks for the OAuth token pair. */
export function gatewayStorageLocation(workspaceRoot: string): string {
  return defaultStorageLocation(workspaceRoot, 'connectpay.sqlite');
}

/**
 * Tokens obtained by the auth callback must land where the gateway reads them. With PostgreSQL that
 * is the shared database; with SQLite, the gateway's default file next to the inbox's.
 */
function tokenStorageLocation(
  value: string | undefined,
  storageLocation: string,
  context: SettingsContext,
  path: (value: string) => string,
): string {
  if (value !== undefined) return storageLocationOf(value, storageLocation, path);
  if (isDatabaseUrl(storageLocation) || storageLocation === ':memory:') return storageLocation;
  return gatewayStorageLocation(context.workspaceRoot);
}

// ConnectPay's webhook token: 36 characters of A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~
// (docs:/home/notifications-using-webhook-technology/authorize-to-receive-webhooks/).
const PROVIDER_TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{36}$/;

/**
 * The webhook token and, while rotating, the previous one: each file holds ONE token, read verbatim.
 * A token may contain or start with `#`, so nothing in the file is a comment; only the line break an
 * editor adds at the end is dropped. A file with more than one line is refused rather than guessed
 * at (a reader that skipped `#` lines dropped such tokens and every delivery got 401).
 */
function readWebhookTokens(
  values: { WEBHOOK_TOKEN_FILE?: string | undefined; WEBHOOK_TOKEN_PREVIOUS_FILE?: string | undefined },
  context: SettingsContext,
  path: (value: string) => string,
  issues: SettingsIssue[],
  warnings: string[],
): KeyRing {
  const local = context.environment === 'local';
  const file = values.WEBHOOK_TOKEN_FILE;
  const location =
    file !== undefined ? path(file) : local ? join(context.devPkiDir, DEV_PKI_FILES.webhookToken) : undefined;
  if (location === undefined) {
    issues.push({
      variable: 'WEBHOOK_TOKEN_FILE',
      message:
        "is required outside local: point it at a file holding the webhook token from ConnectPay's subscription settings (the token alone, as it is).",
    });
    return new KeyRing([]);
  }
  const tokens = [readTokenFile('WEBHOOK_TOKEN_FILE', location, local, issues, warnings)];
  if (values.WEBHOOK_TOKEN_PREVIOUS_FILE !== undefined) {
    tokens.push(
      readTokenFile('WEBHOOK_TOKEN_PREVIOUS_FILE', path(values.WEBHOOK_TOKEN_PREVIOUS_FILE), local, issues, warnings),
    );
  }
  return new KeyRing(tokens.filter((token): token is string => token !== undefined));
}

/** One token file, verbatim but for a final line break. Issues name the file, never its content. */
export function readTokenFile(
  variable: string,
  location: string,
  local: boolean,
  issues: SettingsIssue[],
  warnings: string[],
): string | undefined {
  const text = readText(location, variable, issues);
  if (text === undefined) return undefined;
  const token = text.replace(/\r?\n$/, '');
  if (token === '') {
    issues.push({ variable, message: `${location} is empty: it must hold the webhook token, as it is.` });
    return undefined;
  }
  if (/[\r\n]/.test(token)) {
    issues.push({
      variable,
      message:
        `${location} holds more than one line: the file is read verbatim as ONE token (ConnectPay tokens may contain and start with "#", so nothing is a comment). ` +
        'While rotating, put the previous token in its own file named by WEBHOOK_TOKEN_PREVIOUS_FILE.',
    });
    return undefined;
  }
  if (token !== token.trim()) {
    issues.push({
      variable,
      message: `${location} has spaces or tabs around the token: ConnectPay tokens contain none; remove them.`,
    });
    return undefined;
  }
  if (!local && token.length < 16) {
    issues.push({
      variable,
      message: `${location} holds a token shorter than 16 characters; ConnectPay's tokens are 36 characters long.`,
    });
    return undefined;
  }
  if (!local && !PROVIDER_TOKEN.test(token)) {
    warnings.push(
      `${variable} (${location}) is not 36 characters of ConnectPay's token alphabet (A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ \` | ~): check it is the token from the subscription e-mail, whole.`,
    );
  }
  return token;
}

function readAdminKeys(file: string | undefined, reading: SettingsReading<unknown>): KeyRing | undefined {
  if (file === undefined) {
    if (reading.local) return new KeyRing([LOCAL_DEV_ADMIN_KEY]);
    reading.warnings.push(
      'WEBHOOK_ADMIN_KEYS_FILE is not set: the admin API (/admin/dead-letters) answers 503 until it names a file with one key per line.',
    );
    return undefined;
  }
  return reading.keyFile(file, { variable: 'WEBHOOK_ADMIN_KEYS_FILE', localKey: LOCAL_DEV_ADMIN_KEY });
}

function checkPublicUrl(value: string | undefined, reading: SettingsReading<unknown>): string | undefined {
  if (value === undefined) {
    if (!reading.local) {
      reading.warnings.push(
        'WEBHOOK_PUBLIC_URL is not set: /auth/start answers 503 until it names the https URL ConnectPay redirects browsers to (the DevApp callback without /auth/callback).',
      );
    }
    return undefined;
  }
  const url = reading.url('WEBHOOK_PUBLIC_URL', value, {
    example: 'https://hooks.shop.example',
    httpsBecause: 'ConnectPay only redirects to https callback URLs.',
  });
  if (url === undefined) return undefined;
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    reading.issues.push({
      variable: 'WEBHOOK_PUBLIC_URL',
      message:
        'must not carry a query, fragment or credentials: the redirect URL is registered without a query string.',
    });
  }
  return url.toString().replace(/\/+$/, '');
}

function sourcePolicy(
  values: z.output<typeof SCHEMA>,
  environment: Environment,
  issues: SettingsIssue[],
  warnings: string[],
): SourcePolicy {
  const proxies = AddressSet.parse(AddressSet.splitList(values.WEBHOOK_TRUSTED_PROXIES));
  if (proxies.invalid.length > 0) {
    issues.push({
      variable: 'WEBHOOK_TRUSTED_PROXIES',
      message: `${proxies.invalid.join(', ')} ${proxies.invalid.length === 1 ? 'is' : 'are'} not an IP address or CIDR range (e.g. 10.0.0.0/8, 203.0.113.7).`,
    });
  }
  const extra = AddressSet.splitList(values.WEBHOOK_EXTRA_ALLOWED_SOURCES);
  const allowed = AddressSet.parse([...PROVIDER_SOURCE_IPS[environment], ...extra]);
  if (allowed.invalid.length > 0) {
    issues.push({
      variable: 'WEBHOOK_EXTRA_ALLOWED_SOURCES',
      message: `${allowed.invalid.join(', ')} ${allowed.invalid.length === 1 ? 'is' : 'are'} not an IP address or CIDR range.`,
    });
  }
  if (extra.length > 0 && environment !== 'local') {
    warnings.push(
      `WEBHOOK_EXTRA_ALLOWED_SOURCES adds ${extra.join(', ')} to ConnectPay's published ${environment} addresses: keep it only until the provider's list is updated here.`,
    );
  }
  return new SourcePolicy(allowed.set, proxies.set);
}
