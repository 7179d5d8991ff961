import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { paymentEvent, startReceiver, tempDevPki } from './support/harness.js';

describe('graceful shutdown', () => {
  it('answers the deliveries in flight after their commit, then closes storage; every OK is stored', async () => {
    const pki = await tempDevPki();
    const receiver = await startReceiver(pki.dir, { LOG_LEVEL: 'info' });
    const file = join(receiver.webhook.runtime.settings.storageLocation);
    const pool = new Pool(receiver.url, { connections: 16 });
    const acked: string[] = [];
    let closing: Promise<void> | undefined;
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 300 }, async (_, index) => {
          const id = `shutdown-${index}`;
          const response = await pool.request({
            path: '/webhooks/connectpay',
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-connectpay-webhook-token': pki.token },
            body: JSON.stringify(paymentEvent(id, `pay-${index}`, 'Completed')),
          });
          const text = await response.body.text();
          if (response.statusCode === 200 && text === 'OK') acked.push(id);
          if (acked.length === 50) closing ??= receiver.webhook.close();
          return response.statusCode;
        }),
      );
      await closing;
      // Nothing answered 5xx: requests either got OK or found the listener closed.
      expect(results.filter((result) => result.status === 'fulfilled' && result.value !== 200)).toEqual([]);
    } finally {
      await pool.close();
    }

    expect(acked.length).toBeGreaterThanOrEqual(50);
    const db = new Database(file, { readonly: true });
    const stored = new Set(
      (db.prepare('SELECT delivery_key FROM inbox_events').all() as { delivery_key: string }[]).map(
        (row) => row.delivery_key,
      ),
    );
    db.close();
    expect(acked.filter((id) => !stored.has(`evt:${id}`))).toEqual([]);
    expect(receiver.logs.some((line) => line.includes('"msg":"webhook receiver stopped"'))).toBe(true);
    await expect(fetch(`${receiver.url}/health/live`)).rejects.toThrow();
    rmSync(receiver.workDir, { recursive: true, force: true });
    pki.remove();
  });
});
