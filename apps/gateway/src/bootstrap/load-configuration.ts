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
 * start reports every variable to fix. In `local` it reads the dev PKI that `nx run sandbox:dev-pki`
 * made (`nx serve` runs it first); it never generates one.
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
      loadSettings: loadGatewaySettings,
    }),
  );
}
