import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import { createWebhookApp, type WebhookApp } from '../../src/bootstrap/create-webhook-app.js';

export interface Receiver {
  readonly webhook: WebhookApp;
  readonly url: string;
  readonly workDir: string;
  /** Every JSON log line the receiver wrote, for assertions and the secret scan. */
  readonly logs: string[];
  close(): Promise<void>;
}

/** A dev PKI in a fresh temp folder: what `nx serve` writes into `.dev-pki/`. */
export async function tempDevPki(): Promise<{ dir: string; token: string; remove(): void }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'webhook-test-')), 'pki');
  await ensureDevPki(dir);
  return {
    dir,
    token: readFileSync(join(dir, 'webhook-token.txt'), 'utf8').trim(),
    remove: () => rmSync(dirname(dir), { recursive: true, force: true }),
  };
}

/** A `local` receiver on the given dev PKI, storage in its own temp folder, logs captured. */
export async function startReceiver(pkiDir: string, extraEnv: Record<string, string> = {}): Promise<Receiver> {
  const workDir = mkdtempSync(join(tmpdir(), 'webhook-work-'));
  const logs: string[] = [];
  const storage = join(workDir, 'webhook.sqlite');
  const webhook = await createWebhookApp({
    cwd: workDir,
    env: {
      CONNECTPAY_ENV: 'local',
      CONNECTPAY_DEV_PKI_DIR: pkiDir,
      WEBHOOK_PORT: '0',
      WEBHOOK_STORAGE: storage,
      WEBHOOK_TOKEN_STORAGE: storage,
      WEBHOOK_POLL_MS: '50',
      LOG_LEVEL: 'debug',
      ...extraEnv,
    },
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  const url = await webhook.listen();
  return {
    webhook,
    url,
    workDir,
    logs,
    async close() {
      await webhook.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A subscribed event as the sandbox sends it. */
export function paymentEvent(id: string, paymentId: string, status: string): Record<string, unknown> {
  return {
    id,
    type: `MerchantPayment.${status}`,
    createdAt: new Date().toISOString(),
    data: {
      merchant: { brandId: 'local-brand' },
      payment: { paymentId, status, instructedAmount: { amount: '12.34', currency: 'EUR' } },
      identifiers: { merchantReference: `order-${paymentId}` },
    },
  };
}

export interface PostOptions {
  readonly token?: string;
  readonly timestamp?: string;
  readonly headers?: Record<string, string>;
  readonly path?: string;
}

/** POSTs a delivery with fetch; returns status and body text. */
export async function deliver(
  url: string,
  body: unknown,
  options: PostOptions = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${url}${options.path ?? '/webhooks/connectpay'}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token !== undefined ? { 'x-connectpay-webhook-token': options.token } : {}),
      ...(options.timestamp !== undefined ? { 'x-connectpay-timestamp': options.timestamp } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

export const ADMIN = { 'x-admin-key': 'local-dev-key' };
