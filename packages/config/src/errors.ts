import type { Environment } from '@connectpay-kit/hosts';
import type { CredentialKind } from './variables.js';

/** Stable codes of thrown errors: callers and logs match on these, never on message text. */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_INVALID_OPTIONS' | 'CONFIG_CREDENTIAL_NOT_CONFIGURED';

/** Stable codes of the individual problems a `CONFIG_INVALID` error lists. */
export type ConfigIssueCode =
  | 'CONFIG_UNKNOWN_ENVIRONMENT'
  | 'CONFIG_MISSING'
  | 'CONFIG_INCOMPLETE_PAIR'
  | 'CONFIG_INVALID_VALUE'
  | 'CONFIG_INVALID_URL'
  | 'CONFIG_URL_NOT_HTTPS'
  | 'CONFIG_WRONG_HOST_KIND'
  | 'CONFIG_URL_OVERRIDE_NOT_ALLOWED'
  | 'CONFIG_PROD_USES_STAGE_HOST'
  | 'CONFIG_INVALID_CLIENT_ID'
  | 'CONFIG_FILE_NOT_FOUND'
  | 'CONFIG_FILE_NOT_READABLE'
  | 'CONFIG_FILE_EMPTY'
  | 'CONFIG_INVALID_SECRET'
  | 'CONFIG_NOT_A_CERTIFICATE'
  | 'CONFIG_NOT_A_PRIVATE_KEY'
  | 'CONFIG_KEY_MISMATCH'
  | 'CONFIG_MERCHANT_KEY_NOT_RSA'
  | 'CONFIG_MERCHANT_KEY_TOO_SHORT'
  | 'CONFIG_PROD_SHARES_STAGE_FILE'
  | 'CONFIG_PROD_SHARES_STAGE_CERT'
  | 'CONFIG_PROD_SHARES_STAGE_KEY';

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
