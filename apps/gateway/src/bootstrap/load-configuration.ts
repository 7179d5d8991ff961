import { readFileSync } from 'node:fs';
import type { ConnectPayConfig } from '@connectpay-kit/config';
import { loadServiceConfiguration } from '@connectpay-kit/service-kit';
import { GATEWAY_SERVICE } from './service.js';
import { type LoadedSettings, loadGatewaySettings } from './settings.js';

export interface Configuration extends LoadedSettings {
  readonly config: ConnectPayConfig;
  readonly workspaceRoot: string;
  /** Trust anchors for checking our own client chain: the dev root in `local` (it is not public). */
  readonly clientTrustPems: readonly string[];
}

/**
 * The ConnectPay profile (packages/config) and the gateway's settings, validated together so one
 * start reports every variable to fix. In `local` the dev PKI is generated first (lock-safe, shared
 * with the sandbox), so a fresh clone starts with no set-up.
 */
export async function loadConfiguration(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Configuration> {
  const loaded = await loadServiceConfiguration({
    env,
    cwd,
    service: GATEWAY_SERVICE,
    prepareLocal: ensureLocalPki,
    loadSettings: loadGatewaySettings,
  });
  return {
    ...loaded.settings,
    config: loaded.config,
    workspaceRoot: loaded.workspaceRoot,
    clientTrustPems: loaded.prepared === undefined ? [] : [loaded.prepared],
    warnings: loaded.warnings,
  };
}

/** Creates the dev PKI if needed and returns its root, which `local` trusts for our own chain. */
async function ensureLocalPki(dir: string): Promise<string> {
  // testing-pki is a devDependency: loaded only in `local`, so stage and prod images need not ship it.
  const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
  const pki = await ensureDevPki(dir);
  return readFileSync(pki.root, 'utf8');
}
