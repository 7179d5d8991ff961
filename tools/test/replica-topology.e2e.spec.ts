// The replicas topology of docker-compose.yml (DESIGN.md "Scale"), run as the apps' own built entry
// points: the dev PKI one-shot, the sandbox, the gateway and two webhook receivers sharing one
// PostgreSQL database. A payment goes through the gateway, the sandbox advances it, and each of the
// two deliveries that follow must reach the receiver compose sends it to and be processed once from
// the shared inbox. compose.spec.ts checks the compose file itself; the last test here keeps this
// file's environments in step with it, so the processes run with the variables the containers get.
//
// What differs from compose: service names become 127.0.0.1 on free ports, the postgres service is a
// fresh database on CONNECTPAY_TEST_POSTGRES_URL, volumes and secrets are files in a temp folder.
// Cleanup (process groups, temp folder, database) runs in afterAll and on SIGTERM of this process.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BUILT, cleanEnvironment, freePort, missingBuilds, signalGroup, WORKSPACE_ROOT } from '../docs/stack.js';
import {
  type ComposeService,
  environmentOf,
  readCompose,
  readDockerfile,
  runStage,
  serviceApp,
} from './compose-model.mjs';

// Jest hands test code a copy of `process` (also for `import 'node:process'`): a SIGTERM listener on the
// copy is never called, and the signal's default action kills the test with every app still running.
// A core module's function belongs to Node's own realm, so its Function constructor reaches the real one.
const nodeProcess = new (readFileSync.constructor as FunctionConstructor)('return process')() as NodeJS.Process;

const POSTGRES_URL = process.env['CONNECTPAY_TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const DEV_PKI_CLI = join(WORKSPACE_ROOT, 'packages/testing-pki/dist/dev-pki/cli.js');
const DEADLINE_MS = 60_000;
// The README's payment, as tools/fresh-clone.sh sends it.
const PAYMENT_BODY = {
  merchant: { redirectUrl: 'https://shop.example/return' },
  payment: {
    paymentMethod: ['PIS'],
    providerCountryCode: 'LT',
    instructedAmount: { amount: '12.34', currency: 'EUR' },
  },
  identifiers: { merchantReference: 'order-1' },
};

type Name = 'sandbox' | 'gateway' | 'webhook-1' | 'webhook-2';
interface Running {
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
}

/** Everything this file creates, so afterAll and the SIGTERM handler can remove it. */
const state = {
  work: undefined as string | undefined,
  database: undefined as string | undefined,
  admin: undefined as pg.Client | undefined,
  children: new Map<string, Running>(),
};

function killAll(signal: NodeJS.Signals): void {
  for (const { child } of state.children.values()) {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, signal);
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(
    [...state.children.values()].map(async ({ child, exited }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, 'SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000, false, { ref: false })]);
      if (!stopped) {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
    }),
  );
}

async function dropDatabase(): Promise<void> {
  const { admin, database } = state;
  state.database = undefined;
  state.admin = undefined;
  if (admin === undefined) return;
  try {
    if (database !== undefined) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

function removeWork(): void {
  if (state.work !== undefined) rmSync(state.work, { recursive: true, force: true });
  state.work = undefined;
}

// A CI runner's or a developer's SIGTERM must not leave the apps running, the generated secrets on
// disk or the database behind: children are killed at once (they are this test's, nothing to drain).
const onSigterm = (): void => {
  killAll('SIGKILL');
  removeWork();
  const deadline = sleep(5000, undefined, { ref: false });
  void Promise.race([dropDatabase().catch(() => undefined), deadline]).finally(() => nodeProcess.exit(143));
};

async function connectAdmin(): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    const where = new URL(POSTGRES_URL).host;
    if (process.env['CI'])
      throw new Error(`PostgreSQL is unreachable at ${where}; CI must run the topology.`, { cause: error });
    console.warn(`replica-topology: PostgreSQL is unreachable at ${where}; skipped (set CI to make this a failure).`);
    return undefined;
  }
}

// Decided before the tests are collected: skipped with a note locally, a failure under CI.
const admin = await connectAdmin();
// Owned by the cleanup from here on: afterAll ends it even when the topology test is filtered out.
state.admin = admin;
const itWithPostgres = admin === undefined ? it.skip : it;

function start(name: string, argv: string[], env: Record<string, string>): Running {
  const work = state.work as string;
  const logFile = join(work, `${name}.log`);
  const fd = openSync(logFile, 'a');
  // Its own process group, so the group kill reaches anything it starts. Output goes to a file, not a
  // pipe to this process: a closed pipe cannot kill the app halfway, and a dead test cannot block it.
  const child = spawn(process.execPath, argv, { cwd: WORKSPACE_ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const running = { child, logFile, exited: new Promise<number | null>((resolve) => child.once('exit', resolve)) };
  state.children.set(name, running);
  return running;
}

function logs(): string {
  return [...state.children.entries()]
    .map(([name, { logFile }]) => {
      let text: string;
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        text = '(no output)';
      }
      return `--- last lines of ${name} ---\n${text.trimEnd().split('\n').slice(-25).join('\n')}`;
    })
    .join('\n');
}

async function waitFor<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  let last = 'no answer';
  for (;;) {
    for (const [name, { child }] of state.children) {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} while waiting for ${what}`);
    }
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(250);
  }
}

function httpsJson(method: string, url: string, ca: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, ca, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** A Prometheus counter summed over the series whose labels include `labels`. */
function counter(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{([^}]*)\\}\\s+([0-9.e+-]+)$`).exec(line);
    if (!match) continue;
    const series = Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) sum += Number(match[2]);
  }
  return sum;
}

/**
 * Each service's environment as docker-compose.yml and the Dockerfile give it, with service names
 * turned into 127.0.0.1 and this run's ports, and /run/secrets and the dev-pki volume into files here.
 */
function environments(
  ports: { gateway: number; webhook1: number; webhook2: number; mtls: number; oneway: number },
  files: { devPki: string; apiKeys: string; adminKeys: string; tokenKey: string; databaseUrl: string },
): Record<Name, Record<string, string>> {
  // Dockerfile runtime-base ENV: what every app image starts with.
  const image = { NODE_ENV: 'production', CONNECTPAY_DEV_PKI_DIR: files.devPki };
  const connectpayLocal = {
    CONNECTPAY_ENV: 'local',
    CONNECTPAY_DEV_PKI_DIR: files.devPki,
    CONNECTPAY_LOCAL_MTLS_URL: `https://127.0.0.1:${ports.mtls}`,
    CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${ports.oneway}`,
    CONNECTPAY_TOKEN_KEY_FILE: files.tokenKey,
  };
  const webhook = (port: number) => ({
    ...image,
    ...connectpayLocal,
    WEBHOOK_HOST: '127.0.0.1',
    WEBHOOK_PORT: String(port),
    WEBHOOK_PUBLIC_URL: `http://localhost:${ports.webhook1}`,
    WEBHOOK_STORAGE_FILE: files.databaseUrl,
    WEBHOOK_TOKEN_FILE: join(files.devPki, 'webhook-token.txt'),
    WEBHOOK_ADMIN_KEYS_FILE: files.adminKeys,
    // The sandbox's address here; compose names its network's subnet.
    WEBHOOK_EXTRA_ALLOWED_SOURCES: '127.0.0.1/32',
  });
  return {
    sandbox: {
      ...image,
      SANDBOX_HOST: '127.0.0.1',
      SANDBOX_MTLS_PORT: String(ports.mtls),
      SANDBOX_ONEWAY_PORT: String(ports.oneway),
      SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${ports.webhook1}/webhooks/connectpay`,
      SANDBOX_AUTO_ADVANCE_MS: '0',
      SANDBOX_PUBLIC_ONEWAY_URL: `https://localhost:${ports.oneway}`,
    },
    gateway: {
      ...image,
      ...connectpayLocal,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(ports.gateway),
      GATEWAY_API_KEYS_FILE: files.apiKeys,
      GATEWAY_STORAGE_FILE: files.databaseUrl,
      GATEWAY_NOTIFICATION_URL: `http://127.0.0.1:${ports.webhook2}/notifications/payments`,
    },
    'webhook-1': webhook(ports.webhook1),
    'webhook-2': webhook(ports.webhook2),
  };
}

// Set by the topology test; read by the environment-drift test, which needs no processes.
const PORT_VARIABLES = new Set(['GATEWAY_PORT', 'WEBHOOK_PORT', 'SANDBOX_MTLS_PORT', 'SANDBOX_ONEWAY_PORT']);

afterAll(async () => {
  try {
    await stopAll();
    await dropDatabase();
  } finally {
    removeWork();
    nodeProcess.removeListener('SIGTERM', onSigterm);
  }
}, 30_000);

describe('the replicas topology as the apps processes (docker-compose.yml without Docker)', () => {
  itWithPostgres(
    'a payment through the gateway: each webhook reaches its receiver, is stored once in the shared inbox and processed once',
    async () => {
      expect(missingBuilds()).toEqual([]);
      nodeProcess.once('SIGTERM', onSigterm);
      const deadline = Date.now() + DEADLINE_MS;
      state.work = mkdtempSync(join(tmpdir(), 'connectpay-replicas-'));
      const database = `replicas_${randomBytes(6).toString('hex')}`;
      await (admin as pg.Client).query(`CREATE DATABASE ${database}`);
      state.database = database;
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;

      // compose's volumes and /run/secrets, filled as the README tells a user to fill ./secrets/.
      const secrets = join(state.work, 'secrets');
      mkdirSync(secrets, { mode: 0o700 });
      const apiKey = randomBytes(32).toString('hex');
      const adminKey = randomBytes(32).toString('hex');
      const files = {
        devPki: join(state.work, 'dev-pki'),
        apiKeys: join(secrets, 'gateway_api_keys'),
        adminKeys: join(secrets, 'webhook_admin_keys'),
        tokenKey: join(secrets, 'connectpay_token_key'),
        databaseUrl: join(secrets, 'database_url'),
      };
      writeFileSync(files.apiKeys, `${apiKey}\n`, { mode: 0o600 });
      writeFileSync(files.adminKeys, `${adminKey}\n`, { mode: 0o600 });
      writeFileSync(files.tokenKey, randomBytes(32).toString('base64'), { mode: 0o600 });
      writeFileSync(files.databaseUrl, `${url.toString()}\n`, { mode: 0o600 });
      const ports = {
        gateway: await freePort(),
        webhook1: await freePort(),
        webhook2: await freePort(),
        mtls: await freePort(),
        oneway: await freePort(),
      };
      const env = environments(ports, files);
      const base = cleanEnvironment();

      try {
        // The dev-pki one-shot: every other service starts once it completed.
        const pki = start('dev-pki', [DEV_PKI_CLI], { ...base, CONNECTPAY_DEV_PKI_DIR: files.devPki });
        expect(await pki.exited).toBe(0);
        state.children.delete('dev-pki'); // a one-shot: its exit is not a service dying
        const ca = readFileSync(join(files.devPki, 'ca.pem'));

        // depends_on: the gateway waits for a healthy sandbox; the receivers only for the dev PKI and postgres.
        start('sandbox', [BUILT.sandbox], { ...base, ...env.sandbox });
        start('webhook-1', [BUILT.webhook], { ...base, ...env['webhook-1'] });
        start('webhook-2', [BUILT.webhook], { ...base, ...env['webhook-2'] });
        const oneway = `https://127.0.0.1:${ports.oneway}`;
        await waitFor('the sandbox health check', deadline, async () =>
          (await httpsJson('GET', `${oneway}/sandbox/v1/health`, ca)).status === 200 ? true : undefined,
        );
        start('gateway', [BUILT.gateway], { ...base, ...env.gateway });
        // The compose health checks: GET /health/ready answers 200 on every app.
        for (const port of [ports.gateway, ports.webhook1, ports.webhook2]) {
          await waitFor(`:${port}/health/ready`, deadline, async () =>
            (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200 ? true : undefined,
          );
        }

        const gateway = `http://127.0.0.1:${ports.gateway}`;
        const created = await fetch(`${gateway}/v1/merchant/payments`, {
          method: 'POST',
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          body: JSON.stringify(PAYMENT_BODY),
        });
        const createdBody = (await created.json()) as { payment?: { paymentId?: string } };
        expect({ status: created.status, paymentId: typeof createdBody.payment?.paymentId }).toEqual({
          status: 201,
          paymentId: 'string',
        });
        const paymentId = createdBody.payment?.paymentId as string;
        const refused = await fetch(`${gateway}/v1/merchant/payments/${paymentId}`, {
          headers: { 'x-api-key': 'not-a-key' },
        });
        expect(refused.status).toBe(401);

        const advanced = await httpsJson(
          'POST',
          `${oneway}/sandbox/v1/payments/${encodeURIComponent(paymentId)}/advance`,
          ca,
        );
        expect(advanced.status).toBe(200);
        // Get Payment Details: status{code, isTerminal} (connectpay-api-facts.md §4).
        const status = (advanced.body as { status?: { code?: string } }).status?.code;
        expect(typeof status).toBe('string');

        // The sandbox answers once every delivery it started has succeeded or used up its retries.
        const deliveries = await httpsJson('GET', `${oneway}/sandbox/v1/webhook-deliveries`, ca);
        const sent = (deliveries.body as { deliveries?: { status: number }[] }).deliveries ?? [];
        expect({ status: deliveries.status, answered: sent.map((delivery) => delivery.status) }).toEqual({
          status: 200,
          answered: [200, 200],
        });

        // A receiver acknowledges only after its commit, so both are in the shared inbox by now.
        const db = new pg.Client({ connectionString: url.toString() });
        db.on('error', () => undefined);
        await db.connect();
        try {
          const inbox = async () =>
            (
              await db.query<{ id: string; delivery_key: string; state: string; claims: number }>(
                'SELECT id::text, delivery_key, state, claims FROM inbox_events WHERE resource_id = $1 ORDER BY id',
                [paymentId],
              )
            ).rows;
          const stored = await inbox();
          // A receiver on storage of its own would leave its delivery out of this database.
          expect(stored.map((row) => row.delivery_key.slice(0, 4)).sort()).toEqual(['evt:', 'ntf:']);
          const events = await waitFor('both inbox events processed', deadline, async () => {
            const rows = await inbox();
            return rows.every((row) => row.state === 'done') ? rows : undefined;
          });
          expect(events.map((event) => event.claims)).toEqual([1, 1]);

          // Each receiver's own counters: who received what, and how many events were processed in all.
          const metrics = {
            'webhook-1': await (await fetch(`http://127.0.0.1:${ports.webhook1}/metrics`)).text(),
            'webhook-2': await (await fetch(`http://127.0.0.1:${ports.webhook2}/metrics`)).text(),
          };
          const received = (name: keyof typeof metrics, route: string) =>
            counter(metrics[name], 'webhook_deliveries_received_total', { route });
          expect({
            // SANDBOX_WEBHOOK_URL names webhook-1, GATEWAY_NOTIFICATION_URL names webhook-2.
            subscribedAtWebhook1: received('webhook-1', '/webhooks/connectpay'),
            notificationAtWebhook2: received('webhook-2', '/notifications/payments'),
            processedOnceInAll:
              counter(metrics['webhook-1'], 'webhook_events_processed_total', { outcome: 'done' }) +
              counter(metrics['webhook-2'], 'webhook_events_processed_total', { outcome: 'done' }),
          }).toEqual({ subscribedAtWebhook1: 1, notificationAtWebhook2: 1, processedOnceInAll: 2 });

          // The receiver that did not get the subscribed event sees it through the shared inbox.
          const subscription = stored.find((row) => row.delivery_key.startsWith('evt:'));
          const detail = await fetch(`http://127.0.0.1:${ports.webhook2}/admin/events/${subscription?.id}`, {
            headers: { 'x-admin-key': adminKey },
          });
          expect({ status: detail.status, body: await detail.json() }).toEqual({
            status: 200,
            body: expect.objectContaining({ state: 'done', resourceId: paymentId }),
          });
          const resource = await db.query('SELECT status FROM resource_states WHERE resource_id = $1', [paymentId]);
          expect(resource.rows).toEqual([{ status }]);
        } finally {
          await db.end().catch(() => undefined);
        }
      } catch (error) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs()}`, { cause: error });
      }
    },
    DEADLINE_MS + 30_000,
  );

  it('sets each app the variables docker-compose.yml and its Dockerfile target give it, and only those', () => {
    const compose = readCompose();
    const dockerfile = readDockerfile();
    const ports = { gateway: 1, webhook1: 2, webhook2: 3, mtls: 4, oneway: 5 };
    const files = { devPki: 'd', apiKeys: 'a', adminKeys: 'k', tokenKey: 't', databaseUrl: 'u' };
    const here = environments(ports, files);
    for (const name of Object.keys(here) as Name[]) {
      const service = compose.services[name];
      expect({ name, present: service !== undefined }).toEqual({ name, present: true });
      const app = serviceApp(compose, name) as string;
      const expected = new Set([
        ...Object.keys(runStage(dockerfile, app).env),
        ...Object.keys(environmentOf(service as ComposeService)),
      ]);
      const set = Object.keys(here[name]).filter((variable) => !PORT_VARIABLES.has(variable));
      expect({ name, variables: set.sort() }).toEqual({ name, variables: [...expected].sort() });
    }
  });
});
