import type { Environment } from '@connectpay-kit/hosts';
import type { CredentialKind } from './variables.js';

/** Stable codes of thrown errors: callers and logs match on these, never on message text. */
export const CONFIG_ERROR_CODES = [
  'CONFIG_INVALID',
  'CONFIG_INVALID_OPTIONS',
  'CONFIG_CREDENTIAL_NOT_CONFIGURED',
] as const;
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const CONFIG_ERROR_MEANING: Readonly<Record<ConfigErrorCode, string>> = {
  CONFIG_INVALID: "The environment's configuration is invalid; the error lists every problem (CONFIG_* issue codes).",
  CONFIG_INVALID_OPTIONS: 'A programming error in the options passed to a loader, not in the environment.',
  CONFIG_CREDENTIAL_NOT_CONFIGURED: 'Code asked for a credential group the loaded profile does not carry.',
};

/** Stable codes of the individual problems a `CONFIG_INVALID` error lists. */
export const CONFIG_ISSUE_CODES = [
  'CONFIG_UNKNOWN_ENVIRONMENT',
  'CONFIG_MISSING',
  'CONFIG_INCOMPLETE_PAIR',
  'CONFIG_INVALID_VALUE',
  'CONFIG_INVALID_URL',
  'CONFIG_URL_NOT_HTTPS',
  'CONFIG_WRONG_HOST_KIND',
  'CONFIG_URL_OVERRIDE_NOT_ALLOWED',
  'CONFIG_PROD_USES_STAGE_HOST',
  'CONFIG_INVALID_CLIENT_ID',
  'CONFIG_FILE_NOT_FOUND',
  'CONFIG_FILE_NOT_READABLE',
  'CONFIG_FILE_EMPTY',
  'CONFIG_INVALID_SECRET',
  'CONFIG_NOT_A_CERTIFICATE',
  'CONFIG_NOT_A_PRIVATE_KEY',
  'CONFIG_KEY_MISMATCH',
  'CONFIG_MERCHANT_KEY_NOT_RSA',
  'CONFIG_MERCHANT_KEY_TOO_SHORT',
  'CONFIG_PROD_SHARES_STAGE_FILE',
  'CONFIG_PROD_SHARES_STAGE_CERT',
  'CONFIG_PROD_SHARES_STAGE_KEY',
] as const;
export type ConfigIssueCode = (typeof CONFIG_ISSUE_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const CONFIG_ISSUE_MEANING: Readonly<Record<ConfigIssueCode, string>> = {
  CONFIG_UNKNOWN_ENVIRONMENT: 'CONNECTPAY_ENV names no known environment (local, stage, prod).',
  CONFIG_MISSING: 'A required variable is not set.',
  CONFIG_INCOMPLETE_PAIR: 'Only one of two variables that go together is set.',
  CONFIG_INVALID_VALUE: 'A variable holds a value outside what it accepts.',
  CONFIG_INVALID_URL: 'A URL variable is not a valid absolute URL.',
  CONFIG_URL_NOT_HTTPS: 'A provider URL does not use https.',
  CONFIG_WRONG_HOST_KIND: 'A URL points at the mTLS host where the one-way host is expected, or the reverse.',
  CONFIG_URL_OVERRIDE_NOT_ALLOWED: 'A URL override is set for an environment that does not accept one.',
  CONFIG_PROD_USES_STAGE_HOST: 'The prod profile points at a stage host.',
  CONFIG_INVALID_CLIENT_ID: 'The client id does not have the form ConnectPay issues.',
  CONFIG_FILE_NOT_FOUND: 'A file variable names a path that does not exist.',
  CONFIG_FILE_NOT_READABLE: 'A file variable names a path that cannot be read.',
  CONFIG_FILE_EMPTY: 'A file variable names an empty file.',
  CONFIG_INVALID_SECRET: 'The client secret file does not hold a usable secret.',
  CONFIG_NOT_A_CERTIFICATE: 'The certificate file holds no PEM certificate.',
  CONFIG_NOT_A_PRIVATE_KEY: 'The key file holds no usable PEM private key.',
  CONFIG_KEY_MISMATCH: 'The private key does not belong to the client certificate.',
  CONFIG_MERCHANT_KEY_NOT_RSA: 'The merchant signing key is not an RSA key.',
  CONFIG_MERCHANT_KEY_TOO_SHORT: 'The merchant signing key is shorter than ConnectPay accepts.',
  CONFIG_PROD_SHARES_STAGE_FILE: 'The prod and stage profiles name the same file.',
  CONFIG_PROD_SHARES_STAGE_CERT: 'The prod and stage profiles use the same client certificate.',
  CONFIG_PROD_SHARES_STAGE_KEY: 'The prod and stage profiles use the same private key.',
};

export interface ConfigIssue {
  /** The variable to fix (e.g. `CONNECTPAY_PROD_CLIENT_CERT_FILE`), or the env file that could not be read. */
  readonly variable: string;
  readonly code: ConfigIssueCode;
  /** What is wrong and what was expected. Never contains a secret or a file's content. */
  readonly message: string;
}

export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  /** Every problem found; empty unless `code` is `CONFIG_INVALID`. */
  readonly issues: readonly ConfigIssue[];

  constructor(code: ConfigErrorCode, message: string, issues: readonly ConfigIssue[] = []) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
  }
}

/** Thrown once per load with every missing or malformed value, so one restart fixes them all. */
export class InvalidConfigError extends ConfigError {
  readonly environment: Environment | undefined;

  constructor(environment: Environment | undefined, issues: readonly ConfigIssue[]) {
    const profile = environment === undefined ? 'ConnectPay' : `ConnectPay ${environment}`;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'CONFIG_INVALID',
      `${profile} configuration is invalid (${count}):\n` +
        issues.map((issue) => `- ${issue.variable}: ${issue.message}`).join('\n'),
      issues,
    );
    this.environment = environment;
  }
}

/** A programming error in the options passed to a loader, not in the environment. */
export class ConfigOptionsError extends ConfigError {
  constructor(message: string) {
    super('CONFIG_INVALID_OPTIONS', message);
  }
}

/** Code asked for a credential group the loaded profile does not carry. */
export class CredentialNotConfiguredError extends ConfigError {
  constructor(
    readonly environment: Environment,
    readonly kind: CredentialKind,
    variables: readonly string[],
  ) {
    super(
      'CONFIG_CREDENTIAL_NOT_CONFIGURED',
      `The ${environment} profile has no ${kind} credentials: set ${variables.join(' and ')}, ` +
        `and add '${kind}' to the loader's require option so a missing value fails at start, not mid-request.`,
    );
  }
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isConfigError(value: unknown): value is ConfigError {
  if (value instanceof ConfigError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (CONFIG_ERROR_CODES as readonly string[]).includes(code);
}
