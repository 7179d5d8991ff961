import { GatewayError } from '../errors/gateway-error.js';

/** One variable to fix, from packages/config or the gateway's own settings. */
export interface StartupIssue {
  readonly variable: string;
  readonly message: string;
}

/** sysexits.h EX_CONFIG: the process cannot run with its configuration; restarting will not help. */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

/** The configuration is invalid: every problem, by variable, in one error. */
export class StartupConfigError extends GatewayError {
  constructor(
    readonly environment: string,
    readonly issues: readonly StartupIssue[],
  ) {
    super(
      'GATEWAY_CONFIG_INVALID',
      `The gateway cannot start: the ${environment} configuration is invalid (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join('\n') +
        '\nSet or fix these variables and start again; apps/gateway/README.md lists them all.',
    );
  }
}

/** Something the configuration names could not be used (storage, dev PKI, the port). */
export class StartupFailedError extends GatewayError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GATEWAY_STARTUP_FAILED', message, options);
  }
}

/**
 * What a failed start prints and exits with: the message alone, never a stack trace (the messages
 * are written for the person starting the process, and the trace would bury them).
 */
export function describeStartupFailure(error: unknown): { exitCode: number; message: string } {
  if (error instanceof StartupConfigError) return { exitCode: EXIT_CONFIG, message: error.message };
  if (error instanceof StartupFailedError)
    return { exitCode: EXIT_FAILURE, message: `The gateway cannot start: ${error.message}` };
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return {
      exitCode: EXIT_FAILURE,
      message: `The gateway cannot listen (${String(code)}): another process may use the port, or GATEWAY_HOST is not an address of this machine. Set GATEWAY_PORT / GATEWAY_HOST.`,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT_FAILURE, message: `The gateway cannot start: ${text}` };
}
