// Option definitions and value parsing only: no engine import, so --help and usage errors start fast.
import { Option, type Command } from 'commander';
import { UsageError } from './errors.js';

export type OutputFormat = 'text' | 'json';

/** The flags `verify` and `bundle` share, as commander hands them over (strings, unvalidated). */
export interface VerifyFlags {
  readonly key?: string;
  readonly compare?: string;
  readonly psd2?: true | string;
  readonly trust?: readonly string[];
  readonly intermediates?: string;
  readonly crl?: readonly string[];
  readonly offline?: boolean;
  readonly at?: string;
  readonly warnDays?: string;
}

const collect = (value: string, previous: readonly string[] | undefined): string[] => [...(previous ?? []), value];

export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

export function atOption(what: string): Option {
  return new Option('--at <iso-date>', `judge ${what} at this instant instead of now (e.g. 2026-11-29T00:00:00Z)`);
}

export function warnDaysOption(what: string): Option {
  return new Option('--warn-days <days>', what).default('30', '30');
}

export function trustOption(): Option {
  return new Option(
    '--trust <file>',
    'extra trusted root(s), PEM; repeatable; added to the public trust store',
  ).argParser(collect);
}

export function intermediatesOption(): Option {
  return new Option(
    '--intermediates <file>',
    "a PEM bundle of intermediates (e.g. your CA's) to complete the chain from",
  );
}

export function addVerifyOptions(command: Command): Command {
  return command
    .option('--key <file>', "the leaf's private key (PEM), to check it matches; read locally, never printed or bundled")
    .option(
      '--compare <file>',
      "the other environment's chain (stage vs prod), to warn when both share a certificate or key",
    )
    .option(
      '--psd2 [roles]',
      'check the PSD2 QWAC rules; optionally the roles you need, comma-separated (PSP_AS,PSP_PI,PSP_AI,PSP_IC)',
    )
    .addOption(trustOption())
    .addOption(intermediatesOption())
    .addOption(
      new Option(
        '--crl <file>',
        'a CRL (DER or PEM) to check revocation against, also when --offline; repeatable',
      ).argParser(collect),
    )
    .option('--offline', 'do not download CRLs or ask OCSP responders (revocation is then reported unknown)')
    .addOption(atOption('validity'))
    .addOption(warnDaysOption('warn when a certificate expires within this many days'));
}

/**
 * ISO 8601 date or date-time; a date alone means midnight UTC, a date-time without an offset local
 * time (as ISO 8601 says). Anything else is a usage error.
 */
export function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  const match = iso.exec(value);
  const date = new Date(value);
  // Date rolls 2026-02-30 over to March 2; a typo in a date must not silently judge another day.
  const calendar = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  const realDay =
    calendar !== undefined &&
    calendar.getUTCMonth() === Number(match?.[2]) - 1 &&
    calendar.getUTCDate() === Number(match?.[3]);
  if (!realDay || Number.isNaN(date.getTime())) {
    throw new UsageError(`--at "${value}" is not an ISO 8601 date: write it like 2026-11-29 or 2026-11-29T00:00:00Z`);
  }
  return date;
}

export function parseWarnDays(value: string | undefined): number {
  if (value === undefined) return 30;
  if (!/^\d{1,6}$/.test(value.trim())) {
    throw new UsageError(`--warn-days "${value}" is not a whole number of days (0 or more), e.g. --warn-days 30`);
  }
  return Number(value.trim());
}

const ROLE_LIST = /^(?:psp_[a-z]{2}|[0-9.]+)(?:\s*,\s*(?:psp_[a-z]{2}|[0-9.]+))*$/i;

/** `--psd2` alone turns the checks on; `--psd2 PSP_AI,PSP_PI` also requires those roles. */
export function parsePsd2(value: true | string | undefined): boolean | string[] | undefined {
  if (value === undefined) return undefined;
  if (value === true) return true;
  const roles = value
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
  return roles.length === 0 ? true : roles;
}

/**
 * `--psd2 [roles]` takes an optional value, so `verify --psd2 chain.pem` would swallow the file as a
 * role list. A following word that is not a role list is left as a file: the flag moves to the end.
 */
export function keepFilesAfterPsd2(argv: readonly string[]): string[] {
  const result = [...argv];
  const end = result.indexOf('--');
  for (let i = 0; i < (end === -1 ? result.length : end); i++) {
    const next = result[i + 1];
    if (result[i] !== '--psd2' || next === undefined || next.startsWith('-') || ROLE_LIST.test(next)) continue;
    result.splice(i, 1);
    const stop = result.indexOf('--');
    result.splice(stop === -1 ? result.length : stop, 0, '--psd2');
    break;
  }
  return result;
}
