import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import Database from 'better-sqlite3';
import { Pool } from 'undici';
import { postgresAvailable, postgresSchema, POSTGRES_TEST_URL } from './support/postgres.js';

// The receiver as deployed: `node dist/main.js` (built by the jest globalSetup), killed with SIGKILL
// in the middle of a load of webhooks and restarted. Every delivery that got OK must be stored and
// end up processed exactly once; the final payment states must be the newest.

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
const PAYMENTS = 250;
const STATUSES = ['Created', 'PendingProvider', 'Completed'] as const;
const REDELIVERIES = 250;
const CONCURRENCY = 32;
const LEASE_MS = 3_000;

interface Target {
  readonly env: Record<string, string>;
  /** Rows of inbox_events and of the payment states, read from the database directly. */
  inbox(): Promise<{ delivery_key: string; state: string; attempts: number }[]>;
  payments(): Promise<{ resource_id: string; status: string }[]>;
  cleanup(): Promise<void>;
}

interface Send {
  readonly id: string;
  readonly body: string;
  readonly timestamp: string;
}

describe.each([
  ['SQLite', sqliteTarget],
  ['PostgreSQL', postgresTarget],
] as const)('SIGKILL during a load of webhooks (%s)', (_name, makeTarget) => {
  let workDir: string;
  let target: Target | undefined;
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'webhook-crash-'));
    // What `nx run sandbox:dev-pki` makes before a start: the receiver only reads it.
    await ensureDevPki(join(workDir, 'pki'));
    target = await makeTarget(workDir);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await target?.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('stores every acknowledged delivery and processes each exactly once after the restart', async () => {
    if (target === undefined) return; // PostgreSQL unreachable outside CI: skipped with a note.
    const port = await freePort();
    const token = 'crash-test-token-0123456789abcdef0123';
    writeFileSync(join(workDir, 'token.txt'), token);
    const env = {
      PATH: process.env['PATH'] ?? '',
      CONNECTPAY_ENV: 'local',
      CONNECTPAY_DEV_PKI_DIR: join(workDir, 'pki'),
      WEBHOOK_PORT: String(port),
      WEBHOOK_TOKEN_FILE: join(workDir, 'token.txt'),
      WEBHOOK_TOKEN_STORAGE: join(workDir, 'tokens.sqlite'),
      WEBHOOK_LEASE_MS: String(LEASE_MS),
      WEBHOOK_UPSTREAM_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_MS: '100',
      LOG_LEVEL: 'warn',
      ...target.env,
    };
    const url = `http://127.0.0.1:${port}`;
    const start = async () => {
      stderr = '';
      child = spawn(process.execPath, [MAIN], { cwd: workDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await waitReady(url, child, () => stderr);
    };
    await start();

    const sends = plan();
    const acked = new Map<string, number>();
    let ackedBeforeKill = new Set<string>();
    let crash: Promise<void> | undefined;
    const pool = new Pool(url, { connections: CONCURRENCY, headersTimeout: 10_000, bodyTimeout: 10_000 });
    const deadline = Date.now() + 30_000;
    let next = 0;
    const sender = async () => {
      while (next < sends.length) {
        const send = sends[next++] as Send;
        for (;;) {
          if (Date.now() > deadline) throw new Error(`delivery ${send.id} never got OK; receiver stderr:\n${stderr}`);
          if (await post(pool, send, token)) break;
          await sleep(50);
        }
        acked.set(send.id, (acked.get(send.id) ?? 0) + 1);
        const total = [...acked.values()].reduce((sum, n) => sum + n, 0);
        if (crash === undefined && total >= sends.length / 3) {
          // Everything acknowledged so far must survive the kill.
          ackedBeforeKill = new Set(acked.keys());
          crash = (async () => {
            const running = child as ChildProcess;
            const exited = new Promise((resolve) => running.once('exit', resolve));
            running.kill('SIGKILL');
            await exited;
            await start();
          })();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    await crash;
    await pool.close();

    const unique = new Set(sends.map((send) => send.id));
    expect(ackedBeforeKill.size).toBeGreaterThan(0);
    expect(new Set(acked.keys())).toEqual(unique);

    // Events leased by the killed process become claimable when their lease expires. Stop waiting once
    // everything stored is done and either all deliveries are there or no more can be coming.
    const sentAt = Date.now();
    const deadlineProcessing = sentAt + LEASE_MS + 15_000;
    for (;;) {
      const rows = await target.inbox();
      const allDone = rows.every((row) => row.state === 'done');
      if (allDone && (rows.length === unique.size || Date.now() > sentAt + LEASE_MS + 1_000)) break;
      if (Date.now() > deadlineProcessing) {
        const states = rows.reduce<Record<string, number>>(
          (count, row) => ({ ...count, [row.state]: (count[row.state] ?? 0) + 1 }),
          {},
        );
        throw new Error(
          `processing did not finish: ${rows.length} rows, ${JSON.stringify(states)}; stderr:\n${stderr}`,
        );
      }
      await sleep(100);
    }

    const rows = await target.inbox();
    const keys = rows.map((row) => row.delivery_key);
    // Stored once each (redeliveries and retries deduplicated), nothing unsent, nothing lost.
    expect(keys.length).toBe(new Set(keys).size);
    const lost = [...ackedBeforeKill].filter((id) => !keys.includes(`evt:${id}`));
    expect(lost).toEqual([]);
    expect(new Set(keys)).toEqual(new Set([...unique].map((id) => `evt:${id}`)));
    // Processed: every event done, none failed or dead-lettered on the way.
    expect(rows.filter((row) => row.state !== 'done' || Number(row.attempts) !== 0)).toEqual([]);
    // Out-of-order and repeated deliveries: every payment ends at its newest status.
    const payments = await target.payments();
    expect(payments).toHaveLength(PAYMENTS);
    expect(payments.filter((payment) => payment.status !== 'Completed')).toEqual([]);

    // A graceful stop of the restarted process completes: Nest re-raises SIGTERM once everything is
    // closed (exit status 143), while a failed or overdue shutdown would exit with code 1.
    const running = child as ChildProcess;
    const exited = new Promise((resolve) => running.once('exit', (code, signal) => resolve({ code, signal })));
    running.kill('SIGTERM');
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);
});

/** PAYMENTS payments × 3 statuses, shuffled (out of order), plus REDELIVERIES repeats. */
function plan(): Send[] {
  const base = Date.now() - 60_000;
  const events: Send[] = [];
  for (let p = 0; p < PAYMENTS; p += 1) {
    STATUSES.forEach((status, index) => {
      const id = `crash-${p}-${index}`;
      const timestamp = new Date(base + index * 1_000 + p).toISOString();
      const body = JSON.stringify({
        id,
        type: `MerchantPayment.${status}`,
        createdAt: timestamp,
        data: { payment: { paymentId: `pay-${p}`, status, instructedAmount: { amount: '1.00', currency: 'EUR' } } },
      });
      events.push({ id, body, timestamp });
    });
  }
  const sends = [...events];
  for (let i = 0; i < REDELIVERIES; i += 1) sends.push(events[Math.floor(Math.random() * events.length)] as Send);
  for (let i = sends.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [sends[i], sends[j]] = [sends[j] as Send, sends[i] as Send];
  }
  return sends;
}

/** True only for 200 with body OK; a refused connection, a reset or a 503 is retried by the caller. */
async function post(pool: Pool, send: Send, token: string): Promise<boolean> {
  try {
    const response = await pool.request({
      path: '/webhooks/connectpay',
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-connectpay-webhook-token': token,
        'x-connectpay-timestamp': send.timestamp,
      },
      body: send.body,
    });
    const text = await response.body.text();
    return response.statusCode === 200 && text === 'OK';
  } catch {
    return false;
  }
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the receiver exited with ${child.exitCode}:\n${stderr()}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the receiver did not become ready:\n${stderr()}`);
    await sleep(50);
  }
}

async function sqliteTarget(workDir: string): Promise<Target> {
  const file = join(workDir, 'inbox.sqlite');
  const read = <R>(sql: string): R[] => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as R[];
    } finally {
      db.close();
    }
  };
  return {
    env: { WEBHOOK_STORAGE: file },
    inbox: async () => read('SELECT delivery_key, state, attempts FROM inbox_events'),
    payments: async () => read("SELECT resource_id, status FROM resource_states WHERE resource_type = 'payment'"),
    cleanup: async () => undefined,
  };
}

async function postgresTarget(): Promise<Target | undefined> {
  if (!(await postgresAvailable())) return undefined;
  const schema = postgresSchema();
  return {
    env: { WEBHOOK_STORAGE: POSTGRES_TEST_URL, WEBHOOK_STORAGE_SCHEMA: schema.name },
    inbox: () => schema.query('SELECT delivery_key, state, attempts FROM inbox_events'),
    payments: () => schema.query("SELECT resource_id, status FROM resource_states WHERE resource_type = 'payment'"),
    cleanup: () => schema.drop(),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
