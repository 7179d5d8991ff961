import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
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
import { reasonOf, SettingsError, type SettingsIssue, StartupConfigError, StartupFailedError } from './errors.js';
import type { ServiceDescriptor } from './service.js';
import type { SettingsContext, Variables } from './settings.js';

export interface LoadServiceConfigurationOptions<Loaded extends { readonly warnings: readonly string[] }> {
  /** Variables to read. */
  readonly env: Variables;
  /** Base of relative paths and of the workspace-root search. */
  readonly cwd: string;
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
 * What an app's bootstrap reads: its settings' fields side by side with the ConnectPay profile, the
 * workspace root and the client trust, with every warning (config's, then the settings').
 */
export type FlatServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }> = Loaded & {
  readonly config: ConnectPayConfig;
  readonly workspaceRoot: string;
  readonly clientTrustPems: readonly string[];
};

export function flattenServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }>(
  loaded: ServiceConfiguration<Loaded>,
): FlatServiceConfiguration<Loaded> {
  return {
    ...loaded.settings,
    config: loaded.config,
    workspaceRoot: loaded.workspaceRoot,
    clientTrustPems: loaded.clientTrustPems,
    warnings: loaded.warnings,
  };
}

/**
 * The ConnectPay profile (packages/config) and the service's settings, validated together so one
 * start reports every variable to fix, in one StartupConfigError. In `local` it only reads the dev
 * PKI: a step of its own makes it (DEV_PKI_COMMAND, which `nx serve` runs first), so stage and prod
 * images never carry the generator. When a file it needs is missing, the first issue says which
 * and names that command.
 */
export async function loadServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }>(
  options: LoadServiceConfigurationOptions<Loaded>,
): Promise<ServiceConfiguration<Loaded>> {
  const { env, cwd, service } = options;
  const requested = env['CONNECTPAY_ENV']?.trim() || DEFAULT_ENVIRONMENT;
  const workspaceRoot = findWorkspaceRoot(cwd);
  const devPkiDir = resolveDevPkiDir(env, cwd);
  const clientTrustPems = requested === 'local' ? devRootTrust(devPkiDir) : [];

  const issues: SettingsIssue[] = [];
  let config: ConnectPayConfig | undefined;
  try {
    config = loadConfigFromEnv({ env, envDir: cwd, devPkiDir });
  } catch (error) {
    if (!(error instanceof ConfigError) || error.issues.length === 0) throw error;
    issues.push(...error.issues.map((issue) => ({ variable: issue.variable, message: issue.message })));
  }

  let settings: Loaded | undefined;
  // An unknown environment is config's issue (CONNECTPAY_ENV); the settings need a known one.
  const environment: Environment | undefined = isEnvironment(requested) ? requested : undefined;
  if (environment !== undefined) {
    try {
      settings = options.loadSettings(env, { environment, workspaceRoot, devPkiDir, cwd });
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0 || config === undefined || settings === undefined) {
    const devPki = requested === 'local' ? devPkiIssue(devPkiDir, issues) : undefined;
    throw new StartupConfigError(service, environment ?? 'requested', devPki ? [devPki, ...issues] : issues);
  }
  return {
    config,
    settings,
    workspaceRoot,
    devPkiDir,
    clientTrustPems,
    warnings: [...config.warnings, ...exampleApiWarnings(config.environment), ...settings.warnings],
  };
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
