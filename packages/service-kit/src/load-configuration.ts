import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConfigSource,
  type ConnectPayConfig,
  ConfigError,
  DEFAULT_ENVIRONMENT,
  DEV_PKI_COMMAND,
  DEV_PKI_FILES,
  findWorkspaceRoot,
  loadConfigFromEnv,
  resolveDevPkiDir,
} from '@connectpay-kit/config';
import { API_CATALOG, API_NAMES, type Environment, isEnvironment } from '@connectpay-kit/hosts';
import type { Logger } from 'pino';
import { reasonOf, SettingsError, type SettingsIssue, StartupConfigError, StartupFailedError } from './errors.js';
import type { ServiceDescriptor } from './service.js';
import type { SettingsContext, Variables } from './settings.js';

export interface LoadServiceConfigurationOptions<Loaded extends { readonly warnings: readonly string[] }> {
  /** Variables to read; default `process.env`. */
  readonly env?: Variables | undefined;
  /** Base of relative paths and of the workspace-root search; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  readonly service: Pick<ServiceDescriptor, 'displayName' | 'readme'>;
  /** The service's own settings; throws SettingsError with every issue, which join config's. */
  readonly loadSettings: (env: Variables, context: SettingsContext) => Loaded;
}

export interface ServiceConfiguration<Loaded> {
  readonly config: ConnectPayConfig;
  readonly settings: Loaded;
  readonly workspaceRoot: string;
  readonly devPkiDir: string;
  /**
   * Extra trust anchors (PEM) for checking the service's own client chain with packages/certs
   * (`certsCredentialCheck` on a rotation, readiness): in `local` the dev PKI's root, which no public
   * store holds; none in stage and prod, where the chain must reach a root packages/certs trusts.
   */
  readonly clientTrustPems: readonly string[];
  /** Config's warnings, then the settings' warnings. */
  readonly warnings: readonly string[];
}

/**
 * The ConnectPay profile (packages/config) and the service's settings, validated together so one
 * start reports every variable to fix, in one StartupConfigError. In `local` it only reads the dev
 * PKI: a step of its own makes it (DEV_PKI_COMMAND, which `nx serve` runs first), so stage and prod
 * images never carry the generator. When a file it needs is missing, the first issue says which
 * and names that command. A Nest app takes the profile from ConnectPayConfigModule instead:
 * `loadServiceSettings` and `explainProfileFailure` are the same checks split around it.
 */
export async function loadServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }>(
  options: LoadServiceConfigurationOptions<Loaded>,
): Promise<ServiceConfiguration<Loaded>> {
  const loaded = await loadServiceSettings(options);
  let config: ConnectPayConfig;
  try {
    config = loadConfigFromEnv(loaded.source);
  } catch (error) {
    throw explainProfileFailure(options.service, loaded, error);
  }
  return {
    config,
    settings: loaded.settings,
    workspaceRoot: loaded.workspaceRoot,
    devPkiDir: loaded.devPkiDir,
    clientTrustPems: loaded.clientTrustPems,
    warnings: [...config.warnings, ...kitAndSettingsWarnings(config.environment, loaded.settings.warnings)],
  };
}

/** What a service knows before its ConnectPay profile is loaded: its settings and where the profile is. */
export interface ServiceSettings<Loaded> {
  readonly environment: Environment;
  readonly settings: Loaded;
  readonly workspaceRoot: string;
  readonly devPkiDir: string;
  /** See ServiceConfiguration. */
  readonly clientTrustPems: readonly string[];
  /** Where the profile is read from: `ConnectPayConfigModule.forRoot({ source })`, `loadConfigFromEnv(source)`. */
  readonly source: ConfigSource;
}

/**
 * The service's settings, for a service that loads its ConnectPay profile later (a Nest app, through
 * ConnectPayConfigModule): its HTTP server, logger and storage need them before the app is built.
 * When they are invalid (or CONNECTPAY_ENV is unknown) the profile is checked too, so the one
 * StartupConfigError still lists every variable to fix, the profile's first; when they are valid, a
 * failing profile is reported by `explainProfileFailure` with the same words.
 */
export async function loadServiceSettings<Loaded extends { readonly warnings: readonly string[] }>(
  options: LoadServiceConfigurationOptions<Loaded>,
): Promise<ServiceSettings<Loaded>> {
  const { env = process.env, cwd = process.cwd(), service } = options;
  const requested = env['CONNECTPAY_ENV']?.trim() || DEFAULT_ENVIRONMENT;
  const workspaceRoot = findWorkspaceRoot(cwd);
  const devPkiDir = resolveDevPkiDir(env, cwd);
  const clientTrustPems = requested === 'local' ? devRootTrust(devPkiDir) : [];
  const source: ConfigSource = { env, envDir: cwd, devPkiDir };

  const settingsIssues: SettingsIssue[] = [];
  // An unknown environment is config's issue (CONNECTPAY_ENV); the settings need a known one.
  const environment: Environment | undefined = isEnvironment(requested) ? requested : undefined;
  if (environment !== undefined) {
    try {
      const settings = options.loadSettings(env, { environment, workspaceRoot, devPkiDir, cwd });
      return { environment, settings, workspaceRoot, devPkiDir, clientTrustPems, source };
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      settingsIssues.push(...error.issues);
    }
  }
  const issues = [...profileIssues(source), ...settingsIssues];
  throw new StartupConfigError(service, environment ?? 'requested', withDevPkiIssue(requested, devPkiDir, issues));
}

/**
 * What loading the profile threw (loadConfigFromEnv, or app creation with ConnectPayConfigModule),
 * as the StartupConfigError a start reports: every variable to fix, led by the dev PKI's issue when
 * its files are what is missing. Any other error is returned as it is.
 */
export function explainProfileFailure(
  service: Pick<ServiceDescriptor, 'displayName' | 'readme'>,
  loaded: Pick<ServiceSettings<unknown>, 'environment' | 'devPkiDir'>,
  error: unknown,
): unknown {
  const issues = configIssues(error);
  if (issues === undefined) return error;
  return new StartupConfigError(
    service,
    loaded.environment,
    withDevPkiIssue(loaded.environment, loaded.devPkiDir, issues),
  );
}

/** The profile's issues, none when it loads: only to join a settings failure's. */
function profileIssues(source: ConfigSource): SettingsIssue[] {
  try {
    loadConfigFromEnv(source);
    return [];
  } catch (error) {
    const issues = configIssues(error);
    if (issues === undefined) throw error;
    return issues;
  }
}

/** A ConfigError's issues as a start reports them; undefined for any other error. */
function configIssues(error: unknown): SettingsIssue[] | undefined {
  if (!(error instanceof ConfigError) || error.issues.length === 0) return undefined;
  return error.issues.map((issue) => ({ variable: issue.variable, message: issue.message }));
}

function withDevPkiIssue(requested: string, devPkiDir: string, issues: SettingsIssue[]): SettingsIssue[] {
  const devPki = requested === 'local' ? devPkiIssue(devPkiDir, issues) : undefined;
  return devPki ? [devPki, ...issues] : issues;
}

/**
 * Outside local, one warning naming the catalog APIs whose path is an example (packages/hosts `source`):
 * the sandbox serves them, ConnectPay may not, and the first call against stage would otherwise fail
 * with a 404 far from its cause.
 */
function exampleApiWarnings(environment: Environment): string[] {
  if (environment === 'local') return [];
  const examples = API_NAMES.filter((name) => API_CATALOG[name].source === 'example');
  if (examples.length === 0) return [];
  return [
    `${examples.length} catalog APIs use example paths ConnectPay has not published (${examples.join(', ')}): ` +
      'replace each with its API Reference path in packages/hosts/src/catalog.ts before relying on it in ' +
      `${environment}.`,
  ];
}

/** The kit's warnings about a profile (example APIs outside local), then the service's about its settings. */
function kitAndSettingsWarnings(environment: Environment, settingsWarnings: readonly string[]): string[] {
  return [...exampleApiWarnings(environment), ...settingsWarnings];
}

/**
 * For a Nest service, whose ConnectPayConfigModule logged the profile's own warnings as it loaded it:
 * logs the kit's and the service's, and returns every warning, the profile's first, for the service's
 * health and status pages.
 */
export function logStartupWarnings(
  config: ConnectPayConfig,
  settingsWarnings: readonly string[],
  logger: Pick<Logger, 'warn'>,
): string[] {
  const more = kitAndSettingsWarnings(config.environment, settingsWarnings);
  for (const warning of more) logger.warn({ environment: config.environment }, warning);
  return [...config.warnings, ...more];
}

/**
 * When issues are about files of an incomplete dev PKI (their messages name a path in it), one issue
 * that says so up front and names the command that makes it: a fresh clone started without
 * `nx serve` would otherwise see one "is not set" per variable and no way out.
 */
function devPkiIssue(dir: string, issues: readonly SettingsIssue[]): SettingsIssue | undefined {
  if (!issues.some((issue) => issue.message.includes(dir))) return undefined;
  const missing = Object.values(DEV_PKI_FILES).filter((file) => !existsSync(join(dir, file)));
  if (missing.length === 0) return undefined;
  const what = existsSync(dir)
    ? `is incomplete: ${dir} has no ${missing.join(', ')}`
    : `is missing: ${dir} does not exist`;
  return {
    variable: 'CONNECTPAY_DEV_PKI_DIR',
    message:
      `the local dev PKI ${what}. The apps only read it; make it with \`${DEV_PKI_COMMAND}\` ` +
      '(every `npx nx serve` runs it first), or point CONNECTPAY_DEV_PKI_DIR at a folder that holds one.',
  };
}

/**
 * The dev PKI's root (its `ca.pem`, the file `local`'s CA_FILE defaults to), when the folder has one.
 * A missing file is config's to report (it warns that the sandbox will not be trusted), so it only
 * means no extra trust here.
 */
function devRootTrust(dir: string): readonly string[] {
  const file = join(dir, DEV_PKI_FILES.ca);
  if (!existsSync(file)) return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch (error) {
    throw new StartupFailedError(
      `the local dev PKI's root ${file} cannot be read: ${reasonOf(error)} (set CONNECTPAY_DEV_PKI_DIR to another folder, or delete this one and run \`${DEV_PKI_COMMAND}\`).`,
      { cause: error },
    );
  }
}
