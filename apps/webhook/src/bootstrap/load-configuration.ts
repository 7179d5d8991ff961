import {
  type FlatServiceConfiguration,
  flattenServiceConfiguration,
  loadServiceConfiguration,
} from '@connectpay-kit/service-kit';
import { WEBHOOK_SERVICE } from './service.js';
import { type LoadedSettings, loadWebhookSettings } from './settings.js';

/** The receiver's settings beside the ConnectPay profile, workspace root and client trust. */
export type Configuration = FlatServiceConfiguration<LoadedSettings>;

/**
 * The ConnectPay profile (packages/config) and the receiver's settings, validated together so one
 * start reports every variable to fix. In `local` the dev PKI is generated first (lock-safe, shared
 * with the sandbox and the gateway), so a fresh clone starts with no set-up.
 */
export async function loadConfiguration(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Configuration> {
  return flattenServiceConfiguration(
    await loadServiceConfiguration({
      env,
      cwd,
      service: WEBHOOK_SERVICE,
      prepareLocal: ensureLocalPki,
      loadSettings: loadWebhookSettings,
    }),
  );
}

async function ensureLocalPki(dir: string): Promise<void> {
  // Loaded only in `local`, so stage and prod never run the test PKI generator.
  const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
  await ensureDevPki(dir);
}
