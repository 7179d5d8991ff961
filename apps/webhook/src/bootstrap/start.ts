import { startService } from '@connectpay-kit/service-kit';
import { createWebhookApp, type WebhookApp } from './create-webhook-app.js';
import { WEBHOOK_SERVICE } from './service.js';

/**
 * The process entry (`nx serve webhook`, `node dist/main.js`): service-kit's startService builds and
 * starts the receiver, logs its startup line, turns a failed start into one message and an exit code,
 * and exits WEBHOOK_SHUTDOWN_TIMEOUT_MS after SIGTERM/SIGINT at the latest.
 */
export function start(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<WebhookApp | undefined> {
  return startService(WEBHOOK_SERVICE, () => createWebhookApp({ ...options, shutdownHooks: true }));
}
