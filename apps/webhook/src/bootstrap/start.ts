import { describeStartupFailure } from '@connectpay-kit/service-kit';
import { createWebhookApp, type WebhookApp } from './create-webhook-app.js';
import { LOCAL_DEV_ADMIN_KEY } from './settings.js';
import { WEBHOOK_SERVICE } from './service.js';

/**
 * The process entry (`nx serve webhook`, `node dist/main.js`): builds and starts the receiver, says
 * where it listens, and turns a failed start into one readable message and an exit code.
 */
export async function start(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<WebhookApp | undefined> {
  let webhook: WebhookApp | undefined;
  try {
    webhook = await createWebhookApp({ ...options, shutdownHooks: true });
    const url = await webhook.listen();
    const { runtime } = webhook;
    const local = runtime.environment === 'local';
    runtime.logger.info(
      {
        environment: runtime.environment,
        url,
        publicUrl: runtime.publicUrl ?? null,
        storage: runtime.storage.main.location,
        workers: runtime.settings.workers,
        handlers: runtime.registry.prefixes,
      },
      `ConnectPay webhook receiver (${runtime.environment}) listening on ${url}: POST /webhooks/connectpay, POST /notifications/payments` +
        (local ? `; admin API with -H 'x-admin-key: ${LOCAL_DEV_ADMIN_KEY}'` : ''),
    );
    armShutdownDeadline(webhook);
    return webhook;
  } catch (error) {
    await webhook?.close().catch(() => undefined);
    const { exitCode, message } = describeStartupFailure(WEBHOOK_SERVICE, error);
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
    return undefined;
  }
}

/** After SIGTERM, requests and handlers in flight get WEBHOOK_SHUTDOWN_TIMEOUT_MS; then the process exits anyway. */
function armShutdownDeadline(webhook: WebhookApp): void {
  const { shutdownTimeoutMs } = webhook.runtime.settings;
  const arm = (signal: NodeJS.Signals) => {
    webhook.runtime.logger.info(
      { signal, shutdownTimeoutMs },
      'shutting down: no new connections, finishing requests in flight',
    );
    // Twice the budget: the HTTP drain and the workers' stop each get one.
    setTimeout(() => {
      webhook.runtime.logger.error({ shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
      webhook.runtime.logger.flush();
      process.exit(1);
    }, shutdownTimeoutMs * 2).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
