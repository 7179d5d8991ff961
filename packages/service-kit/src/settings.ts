import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { describeReadError } from '@connectpay-kit/config';
import type { Environment } from '@connectpay-kit/hosts';
import { z } from 'zod';
import { SettingsError, type SettingsIssue } from './errors.js';
import type { ServiceDescriptor } from './service.js';

/** What a service's settings loader gets besides the variables. */
export interface SettingsContext {
  readonly environment: Environment;
  readonly workspaceRoot: string;
  /** Local only: where the dev PKI (token-encryption.key, webhook-token.txt) lives. */
  readonly devPkiDir: string;
  /** Base of relative paths. */
  readonly cwd: string;
}

export type Variables = Readonly<Record<string, string | undefined>>;

// A variable set to '' (a blank line in a compose file, `FOO= npm start`) means "use the default",
// not "the empty value", so every reader treats blank as unset.
export const blankAsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** A whole number in [min, max]; unset or blank gives `fallback`. */
export const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(min).max(max).default(fallback));

/** Trimmed text, undefined when unset or blank. */
export const optionalText = z.preprocess(blankAsUnset, z.string().trim().optional());

/** true/false, 1/0, yes/no; unset or blank gives `fallback`. */
export const flag = (fallback: boolean) =>
  z.preprocess(
    blankAsUnset,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL: one of pino's levels, `info` when unset. */
export const logLevel = z.preprocess(blankAsUnset, z.enum(LOG_LEVELS).default('info'));

/**
 * A zod issue as the second half of "- GATEWAY_PORT: <this>": zod's own wording without its
 * "Invalid input: " prefix, and the allowed values spelled out for an enum.
 */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_type') {
    return `${issue.message.replace(/^Invalid input: /, '')}.`;
  }
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}.`;
  return `${issue.message}.`;
}

/**
 * Parses the schema's variables (its keys) out of `env`, or throws a SettingsError naming every
 * variable that is wrong, not only the first.
 */
export function readVariables<Shape extends z.ZodRawShape>(
  service: Pick<ServiceDescriptor, 'displayName'>,
  schema: z.ZodObject<Shape>,
  env: Variables,
): z.output<z.ZodObject<Shape>> {
  const parsed = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name]])));
  if (parsed.success) return parsed.data;
  throw new SettingsError(
    service,
    parsed.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? 'environment'),
      message: describeIssue(issue),
    })),
  );
}

/** Resolves a path from a variable against the working directory the service started in. */
export function pathFrom(cwd: string): (value: string) => string {
  return (value) => (isAbsolute(value) ? value : resolve(cwd, value));
}

/**
 * Reads a file a variable names (a key list, a token key). A failure becomes an issue under that
 * variable saying what went wrong with the path (missing, unreadable), never the content.
 */
export function readText(file: string, variable: string, issues: SettingsIssue[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    issues.push({ variable, message: describeReadError(error, file).reason });
    return undefined;
  }
}

/**
 * A setting that may carry a secret (a database URL with its password), given as `NAME` or, read
 * from a file, as `NAME_FILE`. Compose and Kubernetes mount secrets as files, and a file keeps the
 * secret out of the process environment and `docker inspect`. Both set is a mistake worth stopping
 * for: which one wins would be a guess.
 */
export function valueOrFile(
  name: string,
  value: string | undefined,
  file: string | undefined,
  path: (value: string) => string,
  issues: SettingsIssue[],
): string | undefined {
  const fileVariable = `${name}_FILE`;
  if (file === undefined) return value;
  if (value !== undefined) {
    issues.push({
      variable: fileVariable,
      message: `and ${name} are both set: keep one (${fileVariable} for a value with a password).`,
    });
    return undefined;
  }
  const text = readText(path(file), fileVariable, issues);
  if (text === undefined) return undefined;
  const content = text.trim();
  if (content === '' || content.includes('\n')) {
    issues.push({ variable: fileVariable, message: `${path(file)} must hold the ${name} value on one line.` });
    return undefined;
  }
  return content;
}
