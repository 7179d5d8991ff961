import { startService } from '@connectpay-kit/service-kit';
import { createWebhookApp, type WebhookApp } from './create-webhook-app.js';
import { LOCAL_DEV_ADMIN_KEY } from './settings.js';
import { WEBHOOK_SERVICE } from './service.js';

/**
 * The process entry (`nx serve webhook`, `node dist/main.js`): service-kit's startService builds and
 * starts the receiver, says where it listens, turns a failed start into one message and an exit code,
 * and exits WEBHOOK_SHUTDOWN_TIMEOUT_MS after SIGTERM/SIGINT at the latest.
 */
export function start(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<WebhookApp | undefined> {
  return startService(
    WEBHOOK_SERVICE,
    () => createWebhookApp({ ...options, shutdownHooks: true }),
    ({ runtime }, url) => ({
      logger: runtime.logger,
      shutdownTimeoutMs: runtime.settings.shutdownTimeoutMs,
      fields: {
        environment: runtime.environment,
        url,
        publicUrl: runtime.publicUrl ?? null,
        storage: runtime.storage.main.location,
        workers: runtime.settings.workers,
        handlers: runtime.registry.prefixes,
      },
      message:
        `ConnectPay webhook receiver (${runtime.environment}) listening on ${url}: POST /webhooks/connectpay, POST /notifications/payments` +
        (runtime.environment === 'local' ? `; admin API with -H 'x-admin-key: ${LOCAL_DEV_ADMIN_KEY}'` : ''),
    }),
  );
}
