import { resolveDevPkiDir } from './workspace.js';
import { type Environment, HOST_KINDS, isEnvironment } from '@connectpay-kit/hosts';
import { LoadContext } from './context.js';
import { checkSharedWithOtherProfile, credentialFiles } from './cross-env.js';
import { loadBasic, loadCa, loadMerchant, loadMtls } from './credentials.js';
import { loadNextMtls } from './rotation.js';
import { type ConfigSource, readEnvironmentVariables } from './env-source.js';
import { ConfigOptionsError, CredentialNotConfiguredError, InvalidConfigError } from './errors.js';
import type { ConfigSources, ValueOrigin } from './origins.js';
import { publicKeyBytes } from './pem.js';
import { CONNECTPAY_ENV_SCHEMA, ENVIRONMENT_SCHEMAS, toConfigIssues } from './schema.js';
import type {
  ConnectPayConfig,
  ConnectPayConfigWith,
  CredentialsByKind,
  LoadConfigOptions,
  RequiredKinds,
} from './types.js';
import { defaultBaseUrl } from './url-guard.js';
import {
  CREDENTIAL_KINDS,
  CREDENTIAL_SETTINGS,
  type CredentialKind,
  DEFAULT_REQUIRE,
  ENVIRONMENT_VARIABLE,
  isCredentialKind,
  type Setting,
  variableName,
} from './variables.js';

/**
 * Loads and validates one environment's profile: its `CONNECTPAY_<ENV>_*` variables (process env
 * over `.env.<env>`), the files they name, and the guards between prod and stage. Throws one
 * `InvalidConfigError` listing every problem; the result is deeply frozen.
 */
export function loadConfig<E extends Environment, const R extends readonly CredentialKind[] | undefined = undefined>(
  environment: E,
  source: ConfigSource = {},
  options: LoadConfigOptions<R> = {},
): ConnectPayConfigWith<RequiredKinds<E, R>> {
  if (!isEnvironment(environment)) {
    throw new InvalidConfigError(undefined, [unknownEnvironmentIssue(environment)]);
  }
  return loadProfile(environment, source, options.require, { kind: 'argument' }) as ConnectPayConfigWith<
    RequiredKinds<E, R>
  >;
}

/** `loadConfig` for the environment `CONNECTPAY_ENV` names (`local` when unset). */
export function loadConfigFromEnv<const R extends readonly CredentialKind[] | undefined = undefined>(
  source: ConfigSource = {},
  options: LoadConfigOptions<R> = {},
): ConnectPayConfigWith<RequiredKinds<Environment, R>> {
  const raw = (source.env ?? process.env)[ENVIRONMENT_VARIABLE];
  const parsed = CONNECTPAY_ENV_SCHEMA.safeParse(raw);
  if (!parsed.success) throw new InvalidConfigError(undefined, [unknownEnvironmentIssue(raw)]);
  const origin: ValueOrigin =
    raw === undefined || raw.trim() === ''
      ? { kind: 'default', variable: ENVIRONMENT_VARIABLE }
      : { kind: 'env', variable: ENVIRONMENT_VARIABLE };
  return loadProfile(parsed.data, source, options.require, origin) as ConnectPayConfigWith<
    RequiredKinds<Environment, R>
  >;
}

/** The credential group a piece of code needs, or a `CredentialNotConfiguredError` naming the variables to set. */
export function requireCredential<K extends CredentialKind>(config: ConnectPayConfig, kind: K): CredentialsByKind[K] {
  const credentials = config[kind] as CredentialsByKind[K] | undefined;
  if (credentials !== undefined) return credentials;
  throw new CredentialNotConfiguredError(
    config.environment,
    kind,
    CREDENTIAL_SETTINGS[kind].map((setting) => variableName(config.environment, setting)),
  );
}

function loadProfile(
  environment: Environment,
  source: ConfigSource,
  require: readonly CredentialKind[] | undefined,
  environmentOrigin: ValueOrigin,
): ConnectPayConfig {
  const required = new Set(checkRequire(require) ?? DEFAULT_REQUIRE[environment]);
  const baseDir = source.envDir ?? process.cwd();
  const devPkiDir = source.devPkiDir ?? resolveDevPkiDir(source.env ?? process.env);

  const read = readEnvironmentVariables(environment, source);
  const rawValues = Object.fromEntries([...read.values].map(([name, variable]) => [name, variable.value]));
  const parsed = ENVIRONMENT_SCHEMAS[environment].safeParse(rawValues);
  const schemaIssues = parsed.success ? [] : toConfigIssues(parsed.error, environment);
  // On failure zod withholds the data, so the values that did pass are re-parsed one by one.
  const valid: Readonly<Record<string, string | undefined>> = parsed.success
    ? parsed.data
    : validSubset(environment, rawValues, schemaIssues);

  const ctx = new LoadContext(
    environment,
    read,
    valid,
    new Set(schemaIssues.map((issue) => issue.variable)),
    baseDir,
    devPkiDir,
    required,
  );
  ctx.issues.push(...read.issues, ...schemaIssues);
  ctx.warnings.push(...read.warnings);

  const baseUrls = Object.fromEntries(
    HOST_KINDS.map((kind) => {
      const setting: Setting = kind === 'mtls' ? 'MTLS_URL' : 'ONEWAY_URL';
      const given = ctx.given(setting);
      ctx.record({
        setting,
        value: given?.value ?? defaultBaseUrl(environment, kind),
        origin: given?.origin ?? { kind: 'default', variable: ctx.variable(setting) },
      });
      return [kind, given?.value ?? defaultBaseUrl(environment, kind)];
    }),
  ) as Record<(typeof HOST_KINDS)[number], string>;

  const mtls = loadMtls(ctx);
  const basic = loadBasic(ctx);
  const merchant = loadMerchant(ctx);
  const ca = loadCa(ctx);
  const nextMtls = loadNextMtls(ctx);

  const publicKeys = new Map<Setting, Buffer>();
  if (mtls) publicKeys.set('CLIENT_KEY_FILE', publicKeyBytes(mtls.key));
  if (merchant) publicKeys.set('MERCHANT_KEY_FILE', publicKeyBytes(merchant.key));
  checkSharedWithOtherProfile(
    ctx,
    {
      files: credentialFiles(ctx),
      publicKeys,
      ...(mtls ? { leafFingerprint256: mtls.credentials.leafFingerprint256 } : {}),
    },
    source,
  );

  if (ctx.issues.length > 0) throw new InvalidConfigError(environment, ctx.issues);

  const sources: ConfigSources = { environment: environmentOrigin, ...ctx.sources };
  return deepFreeze({
    environment,
    baseUrls,
    ...(mtls ? { mtls: mtls.credentials } : {}),
    ...(nextMtls ? { nextMtls } : {}),
    ...(ca ? { caFile: ca.caFile, caPem: ca.caPem } : {}),
    ...(basic ? { basic } : {}),
    ...(merchant ? { merchant: merchant.credentials } : {}),
    warnings: [...ctx.warnings],
    sources,
  });
}

function checkRequire(require: readonly unknown[] | undefined): readonly CredentialKind[] | undefined {
  if (require === undefined) return undefined;
  if (!Array.isArray(require) || !require.every(isCredentialKind)) {
    throw new ConfigOptionsError(
      `options.require must be an array of ${CREDENTIAL_KINDS.map((kind) => `'${kind}'`).join(', ')}.`,
    );
  }
  return require;
}

function validSubset(
  environment: Environment,
  rawValues: Readonly<Record<string, string>>,
  issues: readonly { variable: string }[],
): Readonly<Record<string, string | undefined>> {
  const failed = new Set(issues.map((issue) => issue.variable));
  const passing = Object.fromEntries(Object.entries(rawValues).filter(([name]) => !failed.has(name)));
  const reparsed = ENVIRONMENT_SCHEMAS[environment].safeParse(passing);
  return reparsed.success ? reparsed.data : {};
}

function unknownEnvironmentIssue(value: unknown) {
  // Echo the value only when it looks like a typo of an environment name, never arbitrary text.
  const shown =
    typeof value === 'string' && /^[A-Za-z0-9_-]{1,20}$/.test(value) ? ` is "${value}";` : ' is not one of them;';
  return {
    variable: ENVIRONMENT_VARIABLE,
    code: 'CONFIG_UNKNOWN_ENVIRONMENT' as const,
    message: `selects the environment${shown} expected local, stage or prod (lower case; unset means local).`,
  };
}

/** Freezes plain objects and arrays all the way down; class instances (Secret) freeze themselves. */
function deepFreeze<T>(value: T): T {
  if (
    Array.isArray(value) ||
    (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    for (const child of Object.values(value as object)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
