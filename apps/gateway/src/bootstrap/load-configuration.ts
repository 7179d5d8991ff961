import {
  type FlatServiceConfiguration,
  flattenServiceConfiguration,
  loadServiceConfiguration,
} from '@connectpay-kit/service-kit';
import { GATEWAY_SERVICE } from './service.js';
import { type LoadedSettings, loadGatewaySettings } from './settings.js';

/** The gateway's settings beside the ConnectPay profile, workspace root and client trust. */
export type Configuration = FlatServiceConfiguration<LoadedSettings>;

/**
 * The ConnectPay profile (packages/config) and the gateway's settings, validated together so one
 * start reports every variable to fix. In `local` the dev PKI is generated first (lock-safe, shared
 * with the sandbox), so a fresh clone starts with no set-up.
 */
export async function loadConfiguration(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Configuration> {
  return flattenServiceConfiguration(
    await loadServiceConfiguration({
      env,
      cwd,
      service: GATEWAY_SERVICE,
      prepareLocal: ensureLocalPki,
      loadSettings: loadGatewaySettings,
    }),
  );
}

/** Creates the dev PKI if needed; service-kit then reads its root as `local`'s client trust. */
async function ensureLocalPki(dir: string): Promise<void> {
  // testing-pki is a devDependency: loaded only in `local`, so stage and prod images need not ship it.
  const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
  await ensureDevPki(dir);
}
