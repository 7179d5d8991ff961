import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { ENVIRONMENTS, type Environment } from '@connectpay-kit/hosts';
import type { ConfigIssue } from './errors.js';
import { describeReadError } from './files.js';
import type { ValueOrigin } from './origins.js';
import { ENVIRONMENT_VARIABLE, SETTINGS, type Setting, variableName } from './variables.js';

/** Where the loaders read from. Every field has a default so tests and tools can point elsewhere. */
export interface ConfigSource {
  /** Variables; default `process.env`. They win over the `.env.<environment>` file. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folder holding `.env.<environment>` files and the base of relative paths; default `process.cwd()`. */
  readonly envDir?: string;
  /** The local dev PKI folder; default `<envDir>/.dev-pki`. */
  readonly devPkiDir?: string;
}

export interface RawVariable {
  readonly value: string;
  readonly origin: Extract<ValueOrigin, { kind: 'env' | 'env-file' }>;
}

export interface EnvironmentRead {
  /** The environment's own variables, keyed by full name, process env over file. */
  readonly values: ReadonlyMap<string, RawVariable>;
  readonly envFile: string;
  readonly warnings: readonly string[];
  readonly issues: readonly ConfigIssue[];
}

export function envFileName(environment: Environment): string {
  return `.env.${environment}`;
}

/**
 * Reads `CONNECTPAY_<ENV>_*` from the environment and from `.env.<env>`. Variables of other
 * environments are never taken, so a stage value cannot end up in a prod profile by accident; when
 * a file carries them anyway the user is told, because they are almost always a copy-paste slip.
 */
export function readEnvironmentVariables(environment: Environment, source: ConfigSource = {}): EnvironmentRead {
  const env = source.env ?? process.env;
  const envDir = source.envDir ?? process.cwd();
  const envFile = join(envDir, envFileName(environment));
  const prefix = `CONNECTPAY_${environment.toUpperCase()}_`;
  const known = new Set<string>(SETTINGS.map((setting) => variableName(environment, setting)));
  const values = new Map<string, RawVariable>();
  const warnings: string[] = [];
  const issues: ConfigIssue[] = [];

  let fileVariables: Record<string, string | undefined> = {};
  try {
    fileVariables = parseEnv(readFileSync(envFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      const problem = describeReadError(error, envFile);
      issues.push({ variable: envFile, code: problem.code, message: problem.reason });
    }
  }

  for (const [name, value] of Object.entries(fileVariables)) {
    if (value === undefined || !name.startsWith('CONNECTPAY_')) continue;
    if (known.has(name)) {
      values.set(name, { value, origin: { kind: 'env-file', variable: name, file: envFile } });
    } else if (name === ENVIRONMENT_VARIABLE) {
      warnings.push(
        `${envFile} sets ${ENVIRONMENT_VARIABLE}, which is ignored there: the environment is chosen before this file is read. Set it in the process environment.`,
      );
    } else if (belongsToOtherEnvironment(name, environment)) {
      warnings.push(
        `${envFile} sets ${name}, which belongs to another environment and is ignored; move it to that environment's file.`,
      );
    } else if (name.startsWith(prefix)) {
      warnings.push(unknownVariableWarning(name, environment, envFile));
    }
  }

  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith(prefix)) continue;
    if (known.has(name)) values.set(name, { value, origin: { kind: 'env', variable: name } });
    else warnings.push(unknownVariableWarning(name, environment, undefined));
  }

  return { values, envFile, warnings, issues };
}

/** The value and origin of one setting, if set (blank counts as unset). */
export function settingOf(read: EnvironmentRead, environment: Environment, setting: Setting): RawVariable | undefined {
  const raw = read.values.get(variableName(environment, setting));
  return raw === undefined || raw.value.trim() === '' ? undefined : raw;
}

function belongsToOtherEnvironment(name: string, environment: Environment): boolean {
  return ENVIRONMENTS.some((other) => other !== environment && name.startsWith(`CONNECTPAY_${other.toUpperCase()}_`));
}

function unknownVariableWarning(name: string, environment: Environment, file: string | undefined): string {
  const where = file === undefined ? 'the environment' : file;
  const setting = name.slice(`CONNECTPAY_${environment.toUpperCase()}_`.length);
  // A secret set directly (CONNECTPAY_PROD_CLIENT_SECRET=...) would end up in `ps`, shell history and crash dumps.
  const asFile = `${setting}_FILE`;
  if ((SETTINGS as readonly string[]).includes(asFile)) {
    return `${where} sets ${name}, which is ignored: keys, certificates and secrets are read only from files. Write the value to a file and set ${name}_FILE to its path.`;
  }
  const near = SETTINGS.find((candidate) => candidate.startsWith(setting) || setting.startsWith(candidate));
  const hint = near === undefined ? '' : ` Did you mean ${variableName(environment, near)}?`;
  return `${where} sets ${name}, which is not a ConnectPay setting and is ignored.${hint}`;
}
