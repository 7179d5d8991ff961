import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { describeReadError, Secret } from '@connectpay-kit/config';
import type { Environment } from '@connectpay-kit/hosts';
import { TokenCipher } from '@connectpay-kit/transport';
import { ApiKeyRing, LOCAL_DEV_API_KEY } from '../auth/api-keys.js';
import { GatewayError } from '../errors/gateway-error.js';

/** The gateway's own settings (the ConnectPay ones live in packages/config). */
export interface GatewaySettings {
  readonly port: number;
  readonly host: string;
  /** A SQLite file path, `:memory:`, or a `postgres://` URL. */
  readonly storageLocation: string;
  readonly merchantBrandId: string | undefined;
  readonly notificationUrl: string | undefined;
  readonly upstreamTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: string;
}

export interface LoadedSettings {
  readonly settings: GatewaySettings;
  readonly apiKeys: ApiKeyRing;
  /** The AES key sealing OAuth tokens at rest; undefined disables the OAuth endpoints. */
  readonly tokenKey: { reveal(): string } | undefined;
  readonly warnings: readonly string[];
}

export interface SettingsIssue {
  readonly variable: string;
  readonly message: string;
}

export interface SettingsContext {
  readonly environment: Environment;
  readonly workspaceRoot: string;
  /** Local only: where the dev PKI (and its token-encryption.key) lives. */
  readonly devPkiDir: string;
  readonly cwd: string;
}

/** The documented variables, in the order the README lists them. */
export const GATEWAY_VARIABLES = [
  'GATEWAY_PORT',
  'GATEWAY_HOST',
  'GATEWAY_API_KEYS_FILE',
  'GATEWAY_STORAGE',
  'CONNECTPAY_TOKEN_KEY_FILE',
  'GATEWAY_MERCHANT_BRAND_ID',
  'GATEWAY_NOTIFICATION_URL',
  'GATEWAY_UPSTREAM_TIMEOUT_MS',
  'GATEWAY_SHUTDOWN_TIMEOUT_MS',
  'LOG_LEVEL',
] as const;

const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(min).max(max).default(fallback));
const optionalText = z.preprocess(blankAsUnset, z.string().trim().optional());

const SCHEMA = z.object({
  GATEWAY_PORT: integer(0, 65_535, 3000),
  GATEWAY_HOST: z.preprocess(blankAsUnset, z.string().trim().default('127.0.0.1')),
  GATEWAY_API_KEYS_FILE: optionalText,
  GATEWAY_STORAGE: optionalText,
  CONNECTPAY_TOKEN_KEY_FILE: optionalText,
  GATEWAY_MERCHANT_BRAND_ID: z.preprocess(blankAsUnset, z.string().trim().max(100).optional()),
  GATEWAY_NOTIFICATION_URL: optionalText,
  GATEWAY_UPSTREAM_TIMEOUT_MS: integer(100, 300_000, 30_000),
  GATEWAY_SHUTDOWN_TIMEOUT_MS: integer(0, 600_000, 25_000),
  LOG_LEVEL: z.preprocess(
    blankAsUnset,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export class GatewaySettingsError extends GatewayError {
  constructor(readonly issues: readonly SettingsIssue[]) {
    super(
      'GATEWAY_SETTINGS_INVALID',
      `Gateway settings are invalid:\n${issues.map((issue) => `- ${issue.variable}: ${issue.message}`).join('\n')}`,
    );
  }
}

/**
 * Reads the gateway's variables. Every problem is collected, so one start shows everything to fix;
 * messages name the variable and the file path, never a file's content.
 */
export function loadGatewaySettings(
  env: Readonly<Record<string, string | undefined>>,
  context: SettingsContext,
): LoadedSettings {
  const issues: SettingsIssue[] = [];
  const warnings: string[] = [];
  const parsed = SCHEMA.safeParse(Object.fromEntries(GATEWAY_VARIABLES.map((name) => [name, env[name]])));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ variable: String(issue.path[0] ?? 'environment'), message: describeIssue(issue) });
    }
    throw new GatewaySettingsError(issues);
  }
  const values = parsed.data;
  const local = context.environment === 'local';
  const path = (value: string) => (isAbsolute(value) ? value : resolve(context.cwd, value));

  const apiKeys = readApiKeys(values.GATEWAY_API_KEYS_FILE, local, path, issues);

  let tokenKey: LoadedSettings['tokenKey'];
  const tokenKeyFile =
    values.CONNECTPAY_TOKEN_KEY_FILE ?? (local ? join(context.devPkiDir, 'token-encryption.key') : undefined);
  if (tokenKeyFile === undefined) {
    warnings.push(
      'CONNECTPAY_TOKEN_KEY_FILE is not set: the OAuth endpoints (/v1/oauth/*, /v1/accounts) answer 503 until it names a 32-byte key file (`openssl rand -base64 32`).',
    );
  } else {
    tokenKey = readTokenKey(path(tokenKeyFile), issues);
  }

  const notificationUrl = values.GATEWAY_NOTIFICATION_URL;
  if (notificationUrl !== undefined) checkNotificationUrl(notificationUrl, local, issues);

  if (issues.length > 0) throw new GatewaySettingsError(issues);
  return {
    settings: {
      port: values.GATEWAY_PORT,
      host: values.GATEWAY_HOST,
      storageLocation: storageLocation(values.GATEWAY_STORAGE, context, path),
      merchantBrandId: values.GATEWAY_MERCHANT_BRAND_ID ?? (local ? 'local-brand' : undefined),
      notificationUrl,
      upstreamTimeoutMs: values.GATEWAY_UPSTREAM_TIMEOUT_MS,
      shutdownTimeoutMs: values.GATEWAY_SHUTDOWN_TIMEOUT_MS,
      logLevel: values.LOG_LEVEL,
    },
    apiKeys,
    tokenKey,
    warnings,
  };
}

/** The default SQLite file sits in `<workspace root>/.data`, created on first use. */
export function defaultStorageLocation(workspaceRoot: string): string {
  return join(workspaceRoot, '.data', 'connectpay.sqlite');
}

/** The folder a SQLite location needs, or undefined for `:memory:` and database URLs. */
export function storageFolder(location: string): string | undefined {
  if (location === ':memory:' || /^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return undefined;
  return dirname(location);
}

function storageLocation(value: string | undefined, context: SettingsContext, path: (value: string) => string): string {
  if (value === undefined) return defaultStorageLocation(context.workspaceRoot);
  return storageFolder(value) === undefined ? value : path(value);
}

function readApiKeys(
  file: string | undefined,
  local: boolean,
  path: (value: string) => string,
  issues: SettingsIssue[],
): ApiKeyRing {
  const localKeys = local ? [LOCAL_DEV_API_KEY] : [];
  if (file === undefined) {
    if (!local) {
      issues.push({
        variable: 'GATEWAY_API_KEYS_FILE',
        message: 'is required outside local: point it at a file with one internal caller key per line.',
      });
    }
    return new ApiKeyRing(localKeys);
  }
  const text = readText(path(file), 'GATEWAY_API_KEYS_FILE', issues);
  if (text === undefined) return new ApiKeyRing(localKeys);
  const keys = ApiKeyRing.parse(text);
  if (keys.size === 0) {
    issues.push({
      variable: 'GATEWAY_API_KEYS_FILE',
      message: `${path(file)} holds no key (one per line; # starts a comment).`,
    });
  }
  if (!local && keys.accepts(LOCAL_DEV_API_KEY)) {
    issues.push({
      variable: 'GATEWAY_API_KEYS_FILE',
      message: `${path(file)} contains the public local development key; generate real keys (e.g. \`openssl rand -hex 32\`).`,
    });
  }
  return new ApiKeyRing([...ApiKeyRing.parseLines(text), ...localKeys]);
}

function readTokenKey(file: string, issues: SettingsIssue[]): { reveal(): string } | undefined {
  const text = readText(file, 'CONNECTPAY_TOKEN_KEY_FILE', issues);
  if (text === undefined) return undefined;
  try {
    new TokenCipher(text);
  } catch {
    issues.push({
      variable: 'CONNECTPAY_TOKEN_KEY_FILE',
      message: `${file} is not a 32-byte key (base64, hex or raw); generate one with \`openssl rand -base64 32\`.`,
    });
    return undefined;
  }
  return new Secret(text);
}

function checkNotificationUrl(value: string, local: boolean, issues: SettingsIssue[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    issues.push({
      variable: 'GATEWAY_NOTIFICATION_URL',
      message: 'is not an absolute URL (e.g. https://shop.example/notifications).',
    });
    return;
  }
  const allowed = local ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(url.protocol)) {
    issues.push({
      variable: 'GATEWAY_NOTIFICATION_URL',
      message: 'must use https: ConnectPay only calls https callback URLs.',
    });
  }
}

function readText(file: string, variable: string, issues: SettingsIssue[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    issues.push({ variable, message: describeReadError(error, file).reason });
    return undefined;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_type') {
    return `${issue.message.replace(/^Invalid input: /, '')}.`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}.`;
  return `${issue.message}.`;
}
