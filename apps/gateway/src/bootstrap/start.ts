import { startService } from '@connectpay-kit/service-kit';
import { createGateway, type Gateway } from './create-gateway.js';
import { GATEWAY_SERVICE } from './service.js';

/**
 * The process entry (`nx serve gateway`, `node dist/main.js`): service-kit's startService builds and
 * starts the gateway, logs its startup line, turns a failed start into one message and an exit code,
 * and exits GATEWAY_SHUTDOWN_TIMEOUT_MS after SIGTERM/SIGINT at the latest.
 */
export function start(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Gateway | undefined> {
  return startService(GATEWAY_SERVICE, () => createGateway({ ...options, shutdownHooks: true }));
}
