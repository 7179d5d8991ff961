import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConnectPayConfig,
  ConfigError,
  DEFAULT_ENVIRONMENT,
  DEV_PKI_FILES,
  findWorkspaceRoot,
  loadConfigFromEnv,
  resolveDevPkiDir,
} from '@connectpay-kit/config';
import { API_CATALOG, API_NAMES, type Environment, isEnvironment } from '@connectpay-kit/hosts';
import { reasonOf, SettingsError, type SettingsIssue, StartupConfigError, StartupFailedError } from './errors.js';
import type { ServiceDescriptor } from './service.js';
import type { SettingsContext, Variables } from './settings.js';

export interface LoadServiceConfigurationOptions<Loaded extends { readonly warnings: readonly string[] }, Prepared> {
  /** Variables to read. */
  readonly env: Variables;
  /** Base of relative paths and of the workspace-root search. */
  readonly cwd: string;
  readonly service: Pick<ServiceDescriptor, 'displayName' | 'readme'>;
  /**
   * `local` only, before anything is read: creates the dev PKI in `devPkiDir`. The service supplies
   * it (a dynamic import of @connectpay-kit/testing-pki), so stage and prod images need not ship the
   * generator. What it returns comes back as `prepared`.
   */
  readonly prepareLocal?: (devPkiDir: string) => Promise<Prepared>;
  /** The service's own settings; throws SettingsError with every issue, which join config's. */
  readonly loadSettings: (env: Variables, context: SettingsContext) => Loaded;
}

export interface ServiceConfiguration<Loaded, Prepared> {
  readonly config: ConnectPayConfig;
  readonly settings: Loaded;
  readonly workspaceRoot: string;
  readonly devPkiDir: string;
  /** What prepareLocal returned; undefined outside local. */
  readonly prepared: Prepared | undefined;
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

export function flattenServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }, Prepared>(
  loaded: ServiceConfiguration<Loaded, Prepared>,
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
 * start reports every variable to fix, in one StartupConfigError. In `local` the dev PKI is prepared
 * first (lock-safe, shared with the sandbox), so a fresh clone starts with no set-up.
 */
export async function loadServiceConfiguration<Loaded extends { readonly warnings: readonly string[] }, Prepared>(
  options: LoadServiceConfigurationOptions<Loaded, Prepared>,
): Promise<ServiceConfiguration<Loaded, Prepared>> {
  const { env, cwd, service } = options;
  const requested = env['CONNECTPAY_ENV']?.trim() || DEFAULT_ENVIRONMENT;
  const workspaceRoot = findWorkspaceRoot(cwd);
  const devPkiDir = resolveDevPkiDir(env, cwd);
  let prepared: Prepared | undefined;
  let clientTrustPems: readonly string[] = [];
  if (requested === 'local') {
    if (options.prepareLocal) prepared = await prepareLocal(options.prepareLocal, devPkiDir);
    clientTrustPems = devRootTrust(devPkiDir);
  }

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
    throw new StartupConfigError(service, environment ?? 'requested', issues);
  }
  return {
    config,
    settings,
    workspaceRoot,
    devPkiDir,
    prepared,
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

async function prepareLocal<Prepared>(
  prepare: (devPkiDir: string) => Promise<Prepared>,
  dir: string,
): Promise<Prepared> {
  try {
    return await prepare(dir);
  } catch (error) {
    const reason = reasonOf(error);
    throw new StartupFailedError(
      `the local dev PKI in ${dir} could not be prepared: ${reason} (set CONNECTPAY_DEV_PKI_DIR to another folder, or delete this one to regenerate it).`,
      { cause: error },
    );
  }
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
      `the local dev PKI's root ${file} cannot be read: ${reasonOf(error)} (set CONNECTPAY_DEV_PKI_DIR to another folder, or delete this one to regenerate it).`,
      { cause: error },
    );
  }
}
