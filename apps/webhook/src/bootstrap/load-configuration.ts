import { type ConnectPayConfig, ConfigError, DEFAULT_ENVIRONMENT, loadConfigFromEnv } from '@connectpay-kit/config';
import { type Environment, isEnvironment } from '@connectpay-kit/hosts';
import { type LoadedSettings, loadWebhookSettings, WebhookSettingsError } from './settings.js';
import { StartupConfigError, StartupFailedError, type StartupIssue } from './startup-error.js';
import { findWorkspaceRoot, resolveDevPkiDir } from '@connectpay-kit/config';

export interface Configuration extends LoadedSettings {
  readonly config: ConnectPayConfig;
  readonly workspaceRoot: string;
}

/**
 * The ConnectPay profile (packages/config) and the receiver's settings, validated together so one
 * start reports every variable to fix. In `local` the dev PKI is generated first (lock-safe, shared
 * with the sandbox and the gateway), so a fresh clone starts with no set-up.
 */
export async function loadConfiguration(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Configuration> {
  const requested = env['CONNECTPAY_ENV']?.trim() || DEFAULT_ENVIRONMENT;
  const workspaceRoot = findWorkspaceRoot(cwd);
  const devPkiDir = resolveDevPkiDir(env, cwd);
  if (requested === 'local') await ensureLocalPki(devPkiDir);

  const issues: StartupIssue[] = [];
  let config: ConnectPayConfig | undefined;
  try {
    config = loadConfigFromEnv({ env, envDir: cwd, devPkiDir });
  } catch (error) {
    if (!(error instanceof ConfigError) || error.issues.length === 0) throw error;
    issues.push(...error.issues.map((issue) => ({ variable: issue.variable, message: issue.message })));
  }

  let settings: LoadedSettings | undefined;
  const environment: Environment | undefined = isEnvironment(requested) ? requested : undefined;
  if (environment !== undefined) {
    try {
      settings = loadWebhookSettings(env, { environment, workspaceRoot, devPkiDir, cwd });
    } catch (error) {
      if (!(error instanceof WebhookSettingsError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0 || config === undefined || settings === undefined) {
    throw new StartupConfigError(environment ?? 'requested', issues);
  }
  return { ...settings, config, workspaceRoot, warnings: [...config.warnings, ...settings.warnings] };
}

async function ensureLocalPki(dir: string): Promise<void> {
  try {
    // Loaded only in `local`, so stage and prod never run the test PKI generator.
    const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
    await ensureDevPki(dir);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupFailedError(
      `the local dev PKI in ${dir} could not be prepared: ${reason} (set CONNECTPAY_DEV_PKI_DIR to another folder, or delete this one to regenerate it).`,
      { cause: error },
    );
  }
}
