// The replicas topology of docker-compose.yml (DESIGN.md "Scale"), run as the apps' own built entry
// points: the dev PKI one-shot, the sandbox, the gateway and two webhook receivers sharing one
// PostgreSQL database. A payment goes through the gateway, the sandbox advances it, and each of the
// two deliveries that follow must reach the receiver compose sends it to and be processed once from
// the shared inbox. compose.spec.ts checks the compose file itself.
//
// Each process gets the environment compose gives its container (its Dockerfile target's ENV, then the
// service's `environment`), read from the files, with only what differs without Docker rewritten:
// service names and published ports become 127.0.0.1 and free ports, 0.0.0.0 binds become 127.0.0.1,
// the postgres service a fresh database on
// CONNECTPAY_TEST_POSTGRES_URL, volumes and /run/secrets files in a temp folder. Cleanup (process
// groups, temp folder, database) runs in afterAll and on SIGTERM of this process.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { BUILT, cleanEnvironment, freePort, missingBuilds, Processes, readmePaymentBody } from '../docs/stack.js';
import { CURRENT } from '../rename/current.mjs';
import {
  WORKSPACE_ROOT,
  appOf,
  dockerStages,
  environmentOf,
  imageEnv,
  parseCompose,
  read,
  stageChain,
} from './compose-files.js';

// Jest hands test code a copy of `process` (also for `import 'node:process'`): a SIGTERM listener on the
// copy is never called, and the signal's default action kills the test with every app still running.
// A core module's function belongs to Node's own realm, so its Function constructor reaches the real one.
const nodeProcess = new (readFileSync.constructor as FunctionConstructor)('return process')() as NodeJS.Process;

const POSTGRES_URL = process.env['CONNECTPAY_TEST_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';
const DEADLINE_MS = 60_000;
const SERVICES = ['sandbox', 'webhook-1', 'webhook-2', 'gateway'] as const;
const P = CURRENT.ports;
const PORT_VARIABLES: Record<number, string> = {
  [P.gateway]: 'GATEWAY_PORT',
  [P.webhook]: 'WEBHOOK_PORT',
  [P.sandboxMtls]: 'SANDBOX_MTLS_PORT',
  [P.sandboxOneway]: 'SANDBOX_ONEWAY_PORT',
};
/** Everything this file creates, so afterAll and the SIGTERM handler can remove it. */
const state = {
  work: undefined as string | undefined,
  database: undefined as string | undefined,
  processes: undefined as Processes | undefined,
};

async function dropDatabase(): Promise<void> {
  const database = state.database;
  state.database = undefined;
  try {
    if (admin && database !== undefined) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  } finally {
    await admin?.end().catch(() => undefined);
  }
}

function removeWork(): void {
  if (state.work !== undefined) rmSync(state.work, { recursive: true, force: true });
  state.work = undefined;
}

// A CI runner's or a developer's SIGTERM must not leave the apps running, the generated secrets on
// disk or the database behind: children are killed at once (they are this test's, nothing to drain).
const onSigterm = (): void => {
  state.processes?.kill('SIGKILL');
  removeWork();
  const deadline = sleep(5000, undefined, { ref: false });
  void Promise.race([dropDatabase().catch(() => undefined), deadline]).finally(() => nodeProcess.exit(143));
};

// Decided before the tests are collected: skipped with a note locally, a failure under CI.
const admin = await (async () => {
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
})();

function httpsJson(method: string, url: string, ca: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, ca, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text });
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
  for (const [, series = '', value] of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\}\\s+(\\S+)$`, 'gm'))) {
    const found = Object.fromEntries([...series.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, label]) => found[key] === label)) sum += Number(value);
  }
  return sum;
}

/**
 * Each service's environment as compose gives it, made to run here: `ports` maps `<service>:<container
 * port>` to this run's port, `files` a compose path (/run/secrets/…, a volume's mount point) to a local one.
 */
function environments(ports: Map<string, number>, files: Map<string, string>) {
  const compose = parseCompose(read('docker-compose.yml'));
  const stages = dockerStages(read('Dockerfile'));
  const published = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    for (const entry of service.ports ?? []) {
      const [host, container] = String(entry).split(':').slice(-2);
      published.set(`localhost:${host}`, `localhost:${ports.get(`${name}:${container}`)}`);
    }
  }
  const rewrite = (value: string) => {
    for (const [from, to] of files) if (value.startsWith(from)) return to + value.slice(from.length);
    if (value === '0.0.0.0') return '127.0.0.1';
    return value.replace(/\/\/([\w-]+):(\d+)/g, (whole, host: string, port: string) => {
      const local = ports.get(`${host}:${port}`);
      return local !== undefined ? `//127.0.0.1:${local}` : `//${published.get(`${host}:${port}`) ?? whole.slice(2)}`;
    });
  };
  return (name: string) => {
    const service = compose.services[name]!;
    const environment = { ...imageEnv(stageChain(stages, appOf(compose, name)!)), ...environmentOf(service) };
    const own = [...ports].filter(([key]) => key.startsWith(`${name}:`));
    return {
      ...Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, rewrite(value)])),
      ...Object.fromEntries(own.map(([key, port]) => [PORT_VARIABLES[Number(key.split(':')[1])]!, String(port)])),
    };
  };
}

afterAll(async () => {
  try {
    await state.processes?.stop(10_000);
    await dropDatabase();
  } finally {
    removeWork();
    nodeProcess.removeListener('SIGTERM', onSigterm);
  }
}, 30_000);

describe('the replicas topology as the apps processes (docker-compose.yml without Docker)', () => {
  (admin ? it : it.skip)(
    'a payment through the gateway: each webhook reaches its receiver, is stored once in the shared inbox and processed once',
    async () => {
      expect(missingBuilds()).toEqual([]);
      nodeProcess.once('SIGTERM', onSigterm);
      const deadline = Date.now() + DEADLINE_MS;
      const work = (state.work = mkdtempSync(join(tmpdir(), 'connectpay-replicas-')));
      const processes = (state.processes = new Processes(work));
      const database = `replicas_${randomBytes(6).toString('hex')}`;
      await admin!.query(`CREATE DATABASE ${database}`);
      state.database = database;
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${database}`;

      // compose's /run/secrets, filled as the README tells a user to fill ./secrets/, and its dev-pki volume.
      mkdirSync(join(work, 'secrets'), { mode: 0o700 });
      mkdirSync(join(work, 'volume'));
      const apiKey = randomBytes(32).toString('hex');
      const adminKey = randomBytes(32).toString('hex');
      const secrets = {
        gateway_api_keys: `${apiKey}\n`,
        webhook_admin_keys: `${adminKey}\n`,
        connectpay_token_key: randomBytes(32).toString('base64'),
        database_url: `${url.toString()}\n`,
      };
      for (const [name, text] of Object.entries(secrets))
        writeFileSync(join(work, 'secrets', name), text, { mode: 0o600 });
      const files = new Map([
        ['/run/secrets', join(work, 'secrets')],
        ['/srv/connectpay', join(work, 'volume')],
      ]);
      // A free port for each container port the services publish.
      const compose = parseCompose(read('docker-compose.yml'));
      const ports = new Map<string, number>();
      for (const name of SERVICES) {
        for (const entry of compose.services[name]!.ports ?? [])
          ports.set(`${name}:${String(entry).split(':').at(-1)}`, await freePort());
      }
      const env = environments(ports, files);
      const base = cleanEnvironment();
      const port = (name: string, target: number) => ports.get(`${name}:${target}`)!;
      const oneway = `https://127.0.0.1:${port('sandbox', P.sandboxOneway)}`;
      const gateway = `http://127.0.0.1:${port('gateway', P.gateway)}`;
      const receivers = {
        'webhook-1': `http://127.0.0.1:${port('webhook-1', P.webhook)}`,
        'webhook-2': `http://127.0.0.1:${port('webhook-2', P.webhook)}`,
      };

      try {
        // The dev-pki one-shot runs its compose command; every other service starts once it completed.
        const [command, ...argv] = compose.services['dev-pki']!.command as string[];
        await processes.run('dev-pki', argv, { ...base, ...env('dev-pki') }, WORKSPACE_ROOT, command);
        const ca = readFileSync(join(env('sandbox')['CONNECTPAY_DEV_PKI_DIR']!, 'ca.pem'));

        // depends_on: the gateway waits for a healthy sandbox; the receivers only for the dev PKI and postgres.
        for (const name of SERVICES.slice(0, 3))
          void processes.start(
            name,
            [BUILT[appOf(compose, name) as 'sandbox' | 'webhook']],
            { ...base, ...env(name) },
            WORKSPACE_ROOT,
          );
        await processes.waitFor('the sandbox health check', deadline, async () =>
          (await httpsJson('GET', `${oneway}/sandbox/v1/health`, ca)).status === 200 ? true : undefined,
        );
        void processes.start('gateway', [BUILT.gateway], { ...base, ...env('gateway') }, WORKSPACE_ROOT);
        // The compose health checks: GET /health/ready answers 200 on every app.
        for (const origin of [gateway, ...Object.values(receivers)])
          await processes.waitReady(`${origin}/health/ready`, deadline);

        const created = await fetch(`${gateway}/v1/merchant/payments`, {
          method: 'POST',
          headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
          body: readmePaymentBody(),
        });
        const paymentId = ((await created.json()) as { payment?: { paymentId?: string } }).payment?.paymentId;
        expect({ status: created.status, paymentId: typeof paymentId }).toEqual({ status: 201, paymentId: 'string' });
        expect(
          (await fetch(`${gateway}/v1/merchant/payments/${paymentId}`, { headers: { 'x-api-key': 'not-a-key' } }))
            .status,
        ).toBe(401);

        const advanced = await httpsJson(
          'POST',
          `${oneway}/sandbox/v1/payments/${encodeURIComponent(paymentId!)}/advance`,
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
          const events = await processes.waitFor('both inbox events processed', deadline, async () => {
            const rows = await inbox();
            return rows.every((row) => row.state === 'done') ? rows : undefined;
          });
          expect(events.map((event) => event.claims)).toEqual([1, 1]);

          // Each receiver's own counters: who received what, and how many events were processed in all.
          const metrics = {
            'webhook-1': await (await fetch(`${receivers['webhook-1']}/metrics`)).text(),
            'webhook-2': await (await fetch(`${receivers['webhook-2']}/metrics`)).text(),
          };
          const processed = (text: string) => counter(text, 'webhook_events_processed_total', { outcome: 'done' });
          expect({
            // SANDBOX_WEBHOOK_URL names webhook-1, GATEWAY_NOTIFICATION_URL names webhook-2.
            subscribedAtWebhook1: counter(metrics['webhook-1'], 'webhook_deliveries_received_total', {
              route: '/webhooks/connectpay',
            }),
            notificationAtWebhook2: counter(metrics['webhook-2'], 'webhook_deliveries_received_total', {
              route: '/notifications/payments',
            }),
            processedOnceInAll: processed(metrics['webhook-1']) + processed(metrics['webhook-2']),
          }).toEqual({ subscribedAtWebhook1: 1, notificationAtWebhook2: 1, processedOnceInAll: 2 });

          // The receiver that did not get the subscribed event sees it through the shared inbox.
          const subscription = stored.find((row) => row.delivery_key.startsWith('evt:'));
          const detail = await fetch(`${receivers['webhook-2']}/admin/events/${subscription?.id}`, {
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
        throw new Error(`${error instanceof Error ? error.message : String(error)}\n${processes.logs(25)}`, {
          cause: error,
        });
      }
    },
    DEADLINE_MS + 30_000,
  );
});
