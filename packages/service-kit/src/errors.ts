import type { ServiceDescriptor } from './service.js';
import { ServiceError } from './service-error.js';

/** Stable codes of the errors the kit raises; callers match on these, never on messages. */
export const SERVICE_KIT_ERROR_CODES = [
  'SERVICE_SETTINGS_INVALID',
  'SERVICE_CONFIG_INVALID',
  'SERVICE_STARTUP_FAILED',
] as const;
export type ServiceKitErrorCode = (typeof SERVICE_KIT_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const SERVICE_KIT_ERROR_MEANING: Readonly<Record<ServiceKitErrorCode, string>> = {
  SERVICE_SETTINGS_INVALID: "The service's own variables are invalid (folded into SERVICE_CONFIG_INVALID at start).",
  SERVICE_CONFIG_INVALID: 'The configuration is invalid: every problem, by variable, in one error.',
  SERVICE_STARTUP_FAILED: 'Something the configuration names (storage, dev PKI) could not be used at start.',
};

/** The base of every error the kit raises: a start that cannot proceed. */
export class ServiceKitError extends ServiceError<ServiceKitErrorCode> {}

/** One variable to fix, from packages/config or the service's own settings. */
export interface SettingsIssue {
  readonly variable: string;
  /** What is wrong and how to fix it; names paths, never a file's content. */
  readonly message: string;
}

/** sysexits.h EX_CONFIG: the process cannot run with its configuration; restarting will not help. */
export const EXIT_CONFIG = 78;
export const EXIT_FAILURE = 1;

/** The service's own variables are invalid; loadServiceConfiguration folds the issues into its one error. */
export class SettingsError extends ServiceKitError {
  constructor(
    service: Pick<ServiceDescriptor, 'displayName'>,
    readonly issues: readonly SettingsIssue[],
  ) {
    super(
      'SERVICE_SETTINGS_INVALID',
      `${settingsLabel(service.displayName)} settings are invalid:\n${issues.map((issue) => `- ${issue.variable}: ${issue.message}`).join('\n')}`,
    );
  }
}

/** The configuration is invalid: every problem, by variable, in one error (exit code 78). */
export class StartupConfigError extends ServiceKitError {
  constructor(
    service: Pick<ServiceDescriptor, 'displayName' | 'readme'>,
    readonly environment: string,
    readonly issues: readonly SettingsIssue[],
  ) {
    super(
      'SERVICE_CONFIG_INVALID',
      `${service.displayName} cannot start: the ${environment} configuration is invalid (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join('\n') +
        `\nSet or fix these variables and start again; ${service.readme} lists them all.`,
    );
  }
}

/**
 * Something the configuration names could not be used (storage, dev PKI). The message completes
 * "<service> cannot start: ", which describeStartupFailure puts in front.
 */
export class StartupFailedError extends ServiceKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERVICE_STARTUP_FAILED', message, options);
  }
}

/**
 * What a failed start prints and exits with: the message alone, never a stack trace (the messages
 * are written for the person starting the process, and the trace would bury them).
 */
export function describeStartupFailure(
  service: Pick<ServiceDescriptor, 'displayName' | 'portVariable' | 'hostVariable'>,
  error: unknown,
): { exitCode: number; message: string } {
  if (error instanceof StartupConfigError) return { exitCode: EXIT_CONFIG, message: error.message };
  if (error instanceof StartupFailedError) {
    return { exitCode: EXIT_FAILURE, message: `${service.displayName} cannot start: ${error.message}` };
  }
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return {
      exitCode: EXIT_FAILURE,
      message: `${service.displayName} cannot listen (${code}): another process may use the port, or ${service.hostVariable} is not an address of this machine. Set ${service.portVariable} / ${service.hostVariable}.`,
    };
  }
  const text = reasonOf(error);
  return { exitCode: EXIT_FAILURE, message: `${service.displayName} cannot start: ${text}` };
}

/** `The webhook receiver` -> `Webhook receiver`, as the settings error's first line has always read. */
function settingsLabel(displayName: string): string {
  const subject = displayName.replace(/^the\s+/i, '');
  return subject.charAt(0).toUpperCase() + subject.slice(1);
}

/**
 * An error's message for a sentence. Read by shape, not `instanceof Error`: errors from another
 * realm (node:vm, a worker) are not instances of this realm's Error but carry a message all the same.
 */
export function reasonOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isServiceKitError(value: unknown): value is ServiceKitError {
  if (value instanceof ServiceKitError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (SERVICE_KIT_ERROR_CODES as readonly string[]).includes(code);
}
