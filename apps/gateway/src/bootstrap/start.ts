import { describeStartupFailure } from '@connectpay-kit/service-kit';
import { LOCAL_DEV_API_KEY } from '../auth/api-keys.js';
import { createGateway, type Gateway } from './create-gateway.js';
import { GATEWAY_SERVICE } from './service.js';

/**
 * The process entry (`nx serve gateway`, `node dist/main.js`): builds and starts the gateway,
 * says where it listens, and turns a failed start into one readable message and an exit code.
 */
export async function start(options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Gateway | undefined> {
  let gateway: Gateway | undefined;
  try {
    gateway = await createGateway({ ...options, shutdownHooks: true });
    const url = await gateway.listen();
    const { runtime } = gateway;
    const local = runtime.environment === 'local';
    runtime.logger.info(
      {
        environment: runtime.environment,
        url,
        mtlsUrl: runtime.config.baseUrls.mtls,
        onewayUrl: runtime.config.baseUrls.oneway,
      },
      `ConnectPay gateway (${runtime.environment}) listening on ${url}` +
        (local
          ? ` - call it with -H 'x-api-key: ${LOCAL_DEV_API_KEY}'; docs at ${url}/docs, status at ${url}/status`
          : ''),
    );
    armShutdownDeadline(gateway);
    return gateway;
  } catch (error) {
    await gateway?.close().catch(() => undefined);
    const { exitCode, message } = describeStartupFailure(GATEWAY_SERVICE, error);
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
    return undefined;
  }
}

/** In-flight calls get GATEWAY_SHUTDOWN_TIMEOUT_MS after SIGTERM; then the process exits anyway. */
function armShutdownDeadline(gateway: Gateway): void {
  const { shutdownTimeoutMs } = gateway.runtime.settings;
  const arm = (signal: NodeJS.Signals) => {
    gateway.runtime.logger.info(
      { signal, shutdownTimeoutMs },
      'shutting down: no new requests, finishing in-flight calls',
    );
    setTimeout(() => {
      gateway.runtime.logger.error({ shutdownTimeoutMs }, 'in-flight calls did not finish in time; exiting');
      gateway.runtime.logger.flush();
      process.exit(1);
    }, shutdownTimeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
