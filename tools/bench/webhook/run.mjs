#!/usr/bin/env node
// Webhook receiver bench: durable acknowledgements per second and their latency at 64 concurrent
// senders, beside this disk's own fsync rate measured in the same run (the floor every durable ack
// stands on). The receiver runs as deployed (`node apps/webhook/dist/main.js`, its own process, info
// logs, 4 workers processing while it receives); the load loop (undici, 127.0.0.1 only, bounded in
// count and time) runs here. After the load it also times how fast the workers drain the backlog.
// Figures are printed, never asserted. Target: >= 5,000 acks/s on SQLite with p99 < 20 ms.
//
// Needs the build: npx nx run webhook:build (or npm run build in apps/webhook).
//
// Usage: node tools/bench/webhook/run.mjs [--seconds 10] [--requests 60000] [--senders 64]
//          [--workers 4] [--storage sqlite|postgres]
//   --storage postgres uses CONNECTPAY_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test)
//   in a temporary schema, dropped afterwards.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import { Pool } from 'undici';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'apps/webhook/dist/main.js');

function option(name, fallback, max) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} takes a number >= 0.`);
  return Math.min(value, max); // bounded: a bench, not a load test
}
function choice(name, fallback, allowed) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : process.argv[at + 1];
  if (!allowed.includes(value)) throw new Error(`--${name} takes one of ${allowed.join(', ')}.`);
  return value;
}
const SECONDS = option('seconds', 10, 30);
const REQUESTS = option('requests', 60_000, 300_000);
const SENDERS = Math.max(1, option('senders', 64, 256));
const WORKERS = option('workers', 4, 64);
const STORAGE = choice('storage', 'sqlite', ['sqlite', 'postgres']);
const WARMUP = 2_000;
const DRAIN_SECONDS = 30;
const POSTGRES_URL = process.env.CONNECTPAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

if (!existsSync(MAIN)) {
  console.error(`${MAIN} is missing: build first (npx nx run webhook:build).`);
  process.exit(2);
}

const cleanups = [];
const work = mkdtempSync(join(tmpdir(), 'webhook-bench-'));
cleanups.push(() => rmSync(work, { recursive: true, force: true }));

try {
  console.log(
    `machine: ${(await import('node:os')).cpus().length} cores, node ${process.version}; storage: ${STORAGE}`,
  );
  const fsync = measureFsync(work, 2_000);
  console.log(
    `disk: ${fsync.perSecond.toLocaleString('en')} write+fsync/s (avg ${fsync.avgMs.toFixed(3)} ms) in ${work}`,
  );

  // The receiver only reads the dev PKI (its client chain in `local`): made here as `nx serve` would.
  await ensureDevPki(join(work, 'pki'));
  const token = randomUUID();
  writeFileSync(join(work, 'token.txt'), token);
  const port = await freePort();
  const storageEnv = await storageSettings();
  const receiver = spawn(process.execPath, [MAIN], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      // Passed through for tuning experiments, e.g. NODE_OPTIONS=--max-semi-space-size=32.
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
      CONNECTPAY_ENV: 'local',
      CONNECTPAY_DEV_PKI_DIR: join(work, 'pki'),
      WEBHOOK_PORT: String(port),
      WEBHOOK_TOKEN_FILE: join(work, 'token.txt'),
      WEBHOOK_TOKEN_STORAGE: join(work, 'tokens.sqlite'),
      WEBHOOK_WORKERS: String(WORKERS),
      LOG_LEVEL: 'info',
      ...storageEnv,
    },
    // The receiver's info log (one line per delivery) is written, as in production, to /dev/null here.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (receiver.exitCode !== null) return resolve();
        receiver.once('exit', resolve);
        receiver.kill('SIGTERM');
      }),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, receiver);
  console.log(`receiver: ${url} (pid ${receiver.pid}), ${WORKERS} workers, ${SENDERS} concurrent senders`);

  const pool = new Pool(url, { connections: SENDERS, pipelining: 1 });
  cleanups.push(() => pool.close());
  await load(pool, token, WARMUP, 30);
  const before = await scrape(url);
  const cpuBefore = cpuSeconds(receiver.pid);
  const result = await load(pool, token, REQUESTS, SECONDS);
  const cpuAfter = cpuSeconds(receiver.pid);
  const after = await scrape(url);

  const sorted = result.latencies.sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const acksPerSecond = result.ok / (result.elapsedMs / 1000);
  const commits = after.commits - before.commits;
  const committed = after.deliveries - before.deliveries;
  console.log('');
  console.log(
    `durable acks: ${result.ok.toLocaleString('en')} in ${(result.elapsedMs / 1000).toFixed(2)} s = ${Math.round(acksPerSecond).toLocaleString('en')} acks/s (${result.failed} not OK)`,
  );
  console.log(
    `ack latency ms: p50 ${at(0.5).toFixed(2)}  p90 ${at(0.9).toFixed(2)}  p99 ${at(0.99).toFixed(2)}  max ${at(1).toFixed(2)}`,
  );
  console.log(
    `group commit: ${commits.toLocaleString('en')} commits, ${(committed / Math.max(1, commits)).toFixed(1)} deliveries per commit; ${(commits / (result.elapsedMs / 1000)).toFixed(0)} commits/s vs ${fsync.perSecond.toLocaleString('en')} fsync/s the disk allows`,
  );
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    // CPU time is steadier than acks/s on a shared machine: other jobs take wall time, not this.
    const cpu = cpuAfter - cpuBefore;
    console.log(
      `receiver CPU: ${cpu.toFixed(2)} s in the run = ${Math.round((cpu * 1e6) / Math.max(1, result.ok))} µs per durable ack (receiving and processing)`,
    );
  }
  console.log(
    `processed while receiving: ${(after.done - before.done).toLocaleString('en')} events (${Math.round((after.done - before.done) / (result.elapsedMs / 1000))}/s)`,
  );
  // The issue sets the target for SQLite only; on PostgreSQL the same figures are printed for comparison.
  const verdict = acksPerSecond >= 5000 && at(0.99) < 20 ? 'met' : 'not met';
  console.log(
    STORAGE === 'sqlite'
      ? `target: >= 5,000 acks/s on SQLite, p99 < 20 ms -> ${verdict} in this run`
      : `target (set for SQLite): >= 5,000 acks/s, p99 < 20 ms -> would be ${verdict} on PostgreSQL in this run`,
  );

  if (WORKERS > 0) {
    const drainStart = performance.now();
    let state = after;
    const backlog = after.pending + after.processing;
    while (state.pending + state.processing > 0 && performance.now() - drainStart < DRAIN_SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      state = await scrape(url);
    }
    const drained = backlog - (state.pending + state.processing);
    const seconds = (performance.now() - drainStart) / 1000;
    console.log(
      `backlog after the load: ${backlog.toLocaleString('en')} events; drained ${drained.toLocaleString('en')} in ${seconds.toFixed(1)} s = ${Math.round(drained / seconds)} events/s with no load` +
        (state.pending + state.processing > 0
          ? ` (stopped after ${DRAIN_SECONDS} s, ${state.pending + state.processing} left)`
          : ''),
    );
  }
} finally {
  for (const step of cleanups.reverse()) await step();
}

/** User + system CPU seconds of a process, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Runs SENDERS loops until `count` deliveries were sent or `seconds` passed; every delivery is new. */
async function load(pool, token, count, seconds) {
  const latencies = [];
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const stopAt = performance.now() + seconds * 1000;
  const started = performance.now();
  const runId = randomBytes(4).toString('hex');
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (sent < count && performance.now() < stopAt) {
        const index = sent++;
        const body = deliveryBody(`${runId}-${index}`, `pay-${runId}-${index % 5000}`);
        const begin = performance.now();
        try {
          const response = await pool.request({
            path: '/webhooks/connectpay',
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-connectpay-webhook-token': token,
              'x-connectpay-timestamp': new Date().toISOString(),
            },
            body,
          });
          const text = await response.body.text();
          if (response.statusCode === 200 && text === 'OK') ok += 1;
          else failed += 1;
        } catch {
          failed += 1;
        }
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { latencies, ok, failed, elapsedMs: performance.now() - started };
}

/** A subscribed event the size ConnectPay sends (a Get Payment Details body, about 700 bytes). */
function deliveryBody(id, paymentId) {
  return JSON.stringify({
    id,
    type: 'MerchantPayment.Completed',
    createdAt: new Date().toISOString(),
    data: {
      merchant: {
        brandId: 'bench-brand',
        redirectUrl: 'https://shop.example/return',
        notificationUrl: 'https://hooks.shop.example/notifications/payments',
        language: 'en',
      },
      payment: {
        paymentId,
        status: 'Completed',
        paymentMethod: 'PIS',
        providerCountryCode: 'LT',
        providerId: 'bench-bank',
        instructedAmount: { amount: '12.34', currency: 'EUR' },
        redirectUrl: `https://api2.connectpay.com/pay/${paymentId}`,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      identifiers: { merchantReference: `order-${id}`, endToEndId: `e2e-${id}` },
      consumer: { firstName: 'Bench', lastName: 'Sender', ipAddress: '203.0.113.10' },
    },
  });
}

/** The disk's own durable-write rate: a 4 KiB write then fsync, repeated, on a file beside the database. */
function measureFsync(dir, ms) {
  const file = join(dir, 'fsync-probe.bin');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    writeSync(fd, block);
    fsyncSync(fd);
    count += 1;
  }
  const elapsed = performance.now() - started;
  closeSync(fd);
  unlinkSync(file);
  return { perSecond: Math.round((count / elapsed) * 1000), avgMs: elapsed / count };
}

async function storageSettings() {
  if (STORAGE === 'sqlite') return { WEBHOOK_STORAGE: join(work, 'inbox.sqlite') };
  const pg = (await import('pg')).default;
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const drop = async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  };
  cleanups.push(drop);
  const host = new URL(POSTGRES_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error(
      'CONNECTPAY_TEST_POSTGRES_URL must point at a loopback address: the bench never loads a remote server.',
    );
  }
  return { WEBHOOK_STORAGE: POSTGRES_URL, WEBHOOK_STORAGE_SCHEMA: schema };
}

/** The inbox figures the receiver exports: commits, committed deliveries, and events by state. */
async function scrape(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (pattern) => Number(new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    commits: value('webhook_inbox_commits_total'),
    deliveries: value('webhook_inbox_committed_deliveries_total'),
    pending: value('webhook_inbox_events\\{state="pending"\\}'),
    processing: value('webhook_inbox_events\\{state="processing"\\}'),
    // The counter, not the state gauge: the gauges are refreshed at most once a second.
    done: [...text.matchAll(/^webhook_events_processed_total\{[^}]*outcome="done"[^}]*\} (\S+)$/gm)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    ),
  };
}

async function waitReady(url, child) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the receiver exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the receiver did not become ready within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}
