import { WebhookError } from '../errors/webhook-error.js';

/** One variable to fix, from packages/config or the receiver's own settings. */
export interface StartupIssue {
  readonly variable: string;
  readonly message: string;
}

/** sysexits.h EX_CONFIG: the process cannot run with its configuration; restarting will not help. */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

/** The configuration is invalid: every problem, by variable, in one error. */
export class StartupConfigError extends WebhookError {
  constructor(
    readonly environment: string,
    readonly issues: readonly StartupIssue[],
  ) {
    super(
      'WEBHOOK_CONFIG_INVALID',
      `The webhook receiver cannot start: the ${environment} configuration is invalid (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join('\n') +
        '\nSet or fix these variables and start again; apps/webhook/README.md lists them all.',
    );
  }
}

/** Something the configuration names could not be used (storage, dev PKI, the port). */
export class StartupFailedError extends WebhookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEBHOOK_STARTUP_FAILED', message, options);
  }
}

/** What a failed start prints and exits with: the message alone, never a stack trace. */
export function describeStartupFailure(error: unknown): { exitCode: number; message: string } {
  if (error instanceof StartupConfigError) return { exitCode: EXIT_CONFIG, message: error.message };
  if (error instanceof StartupFailedError) {
    return { exitCode: EXIT_FAILURE, message: `The webhook receiver cannot start: ${error.message}` };
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return {
      exitCode: EXIT_FAILURE,
      message: `The webhook receiver cannot listen (${String(code)}): another process may use the port, or WEBHOOK_HOST is not an address of this machine. Set WEBHOOK_PORT / WEBHOOK_HOST.`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_FAILURE, message: `The webhook receiver cannot start: ${text}` };
}
