// `nx serve sandbox` (and `nx serve gateway`, which starts it): the local ConnectPay on the dev PKI,
// which its `dev-pki` target makes first (this process only reads it).
import {
  InvalidConfigError,
  loadMerchantSignature,
  resolveDevPkiDir,
  SANDBOX_DEFAULT_PORTS,
} from '@connectpay-kit/config';
import { DevPkiMissingError, optionsFromDevPki } from './dev-pki.js';
import { startSandbox } from './sandbox.js';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name}=${raw} is not a port number (0-65535).`);
    process.exit(2);
  }
  return value;
}

function publicUrl(name: string): string | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:' || url.pathname !== '/' || url.search !== '') {
    console.error(
      `${name}=${raw} is not an https origin like https://localhost:${SANDBOX_DEFAULT_PORTS.oneway} (no path or query).`,
    );
    process.exit(2);
  }
  return url.origin;
}

/** How much faster than stage the subscribed-webhook schedule runs (1: 5 s … 24 h as documented). */
function timeScale(name: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 1 || value > 1e9) {
    console.error(`${name}=${raw} is not a number from 1 (stage's timing) to 1e9 (e.g. 1000 turns 24 h into 86.4 s).`);
    process.exit(2);
  }
  return value;
}

function signatureSettings() {
  try {
    return loadMerchantSignature('local');
  } catch (error) {
    if (!(error instanceof InvalidConfigError)) throw error;
    console.error(`The sandbox cannot start: ${error.message}`);
    process.exit(2);
  }
}

function devPki(dir: string): ReturnType<typeof optionsFromDevPki> {
  try {
    return optionsFromDevPki(dir);
  } catch (error) {
    if (!(error instanceof DevPkiMissingError)) throw error;
    console.error(`The sandbox cannot start: ${error.message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  // The same CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_* (env over .env.local) the local gateway signs with.
  const merchantSignature = signatureSettings();
  const dir = resolveDevPkiDir();
  const pki = devPki(dir);
  const webhookUrl = process.env['SANDBOX_WEBHOOK_URL'];
  const publicOnewayUrl = publicUrl('SANDBOX_PUBLIC_ONEWAY_URL');
  const sandbox = await startSandbox({
    ...pki,
    host: process.env['SANDBOX_HOST'] ?? '127.0.0.1',
    mtlsPort: port('SANDBOX_MTLS_PORT', SANDBOX_DEFAULT_PORTS.mtls),
    onewayPort: port('SANDBOX_ONEWAY_PORT', SANDBOX_DEFAULT_PORTS.oneway),
    autoAdvanceMs: port('SANDBOX_AUTO_ADVANCE_MS', 3000),
    webhookTimeScale: timeScale('SANDBOX_WEBHOOK_TIME_SCALE'),
    merchantSignature,
    ...(publicOnewayUrl ? { publicOnewayUrl } : {}),
    ...(webhookUrl
      ? {
          webhook: {
            url: webhookUrl,
            tokenHeader: process.env['SANDBOX_WEBHOOK_TOKEN_HEADER'] ?? 'x-connectpay-webhook-token',
            token: pki.webhookToken,
          },
        }
      : {}),
    log: (line) => console.log(JSON.stringify({ service: 'sandbox', ...line })),
  });
  console.log(
    JSON.stringify({
      service: 'sandbox',
      message: 'ConnectPay sandbox listening',
      mtlsUrl: sandbox.mtlsUrl,
      onewayUrl: sandbox.onewayUrl,
      devPki: dir,
      webhookUrl: webhookUrl ?? null,
      merchantSignature,
    }),
  );
  const stop = (signal: string) => {
    console.log(JSON.stringify({ service: 'sandbox', message: `stopping on ${signal}` }));
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    code === 'EADDRINUSE'
      ? `The sandbox could not listen: ${message}. Another sandbox may be running; set SANDBOX_MTLS_PORT / SANDBOX_ONEWAY_PORT.`
      : `The sandbox could not start: ${message}`,
  );
  process.exit(1);
});
