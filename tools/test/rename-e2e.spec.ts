// The promise of tools/rename, end to end: a copy of this workspace, renamed to a new scope, name
// and four new default ports, installs with `npm ci` and passes its whole test suite (lint,
// typecheck, test), and its apps start on the new default ports. Slow (an install and the full
// suite in a copy): it is part of `npm test` all the same.
//
// The copy runs this file too; RENAME_E2E_INNER=1 makes it skip there, so the copy never copies itself.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CURRENT, type PortKey } from '../rename/current.mjs';
import { copyWorkspace, tempDir, WORKSPACE_ROOT } from '../rename/test-support.js';

const INNER = process.env['RENAME_E2E_INNER'] === '1';
const describeOuter = INNER ? describe.skip : describe;

// Neither the fast spec's target nor the README's example, so the copy's own rename tests and
// examples still have something to rename to. The ports are picked free for each run, so two runs
// on one machine do not collide when the apps start.
const TARGET = {
  scope: '@northwind',
  name: 'northwind-pay',
  ports: { gateway: 0, webhook: 0, sandboxMtls: 0, sandboxOneway: 0 } as Record<PortKey, number>,
};
const MINUTE = 60_000;
const LOG_TAIL_LINES = 150;

const children = new Set<ChildProcess>();

/**
 * The environment of a fresh shell: nothing from the outer Nx/npm/Jest run (an inherited
 * NX_WORKSPACE_ROOT or node_modules/.bin on PATH would point the copy back at this workspace) and
 * none of the apps' settings, so the copy runs on its own defaults.
 */
function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NX_|npm_|JEST_|TURBO_)/i.test(key)) continue;
    if (['NODE_OPTIONS', 'INIT_CWD', 'RENAME_E2E_INNER', 'FORCE_COLOR'].includes(key)) continue;
    if (/^(GATEWAY_|WEBHOOK_|SANDBOX_)/.test(key)) continue;
    if (key.startsWith('CONNECTPAY_') && key !== 'CONNECTPAY_TEST_POSTGRES_URL') continue;
    env[key] = value;
  }
  env['PATH'] = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => dir !== WORKSPACE_ROOT && !dir.startsWith(WORKSPACE_ROOT + sep))
    .join(delimiter);
  // As .ci/run runs the suite. Without FORCE_COLOR=0, Nx forces colour into every task, and the doc
  // tests' expected output would not match coloured console.log lines.
  return { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...extra };
}

function tail(log: string): string {
  const lines = readFileSync(log, 'utf8').split('\n');
  return lines.slice(-LOG_TAIL_LINES).join('\n');
}

/** Starts a command in its own process group, output appended to the log. */
function start(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, log: string) {
  const fd = openSync(log, 'a');
  writeSync(fd, `\n$ ${command} ${args.join(' ')}   (in ${cwd}, ${new Date().toISOString()})\n`);
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  children.add(child);
  const exited = new Promise<number>((done) => {
    child.once('error', () => done(127));
    child.once('exit', (code, signal) => {
      children.delete(child);
      done(code ?? (signal === null ? 1 : 128));
    });
  });
  return { child, exited };
}

async function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, log: string) {
  const started = Date.now();
  const code = await start(command, args, cwd, env, log).exited;
  const fd = openSync(log, 'a');
  writeSync(fd, `\n(exit ${code} after ${Math.round((Date.now() - started) / 1000)} s)\n`);
  closeSync(fd);
  if (code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${code} in ${cwd}. Last lines of ${log}:\n${tail(log)}`);
  }
}

/** SIGTERM to each process group we started, SIGKILL to what is left after a grace period. */
async function stopChildren(): Promise<void> {
  const signal = (child: ChildProcess, name: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const running = [...children];
  for (const child of running) signal(child, 'SIGTERM');
  for (let i = 0; i < 30 && children.size > 0; i++) await sleep(500);
  for (const child of running) signal(child, 'SIGKILL');
}

/**
 * Four free ports shaped like today's defaults: four digits (tools/test/docs.spec.ts makes a
 * non-default port by appending a digit) and in the same order, gateway < webhook < sandbox mTLS <
 * sandbox one-way (tools/test/compose.spec.ts reads the sandbox's ports sorted by number).
 */
async function pickFreePorts(): Promise<void> {
  const picked = new Set<number>();
  while (picked.size < 4) {
    const port = 6100 + Math.floor(Math.random() * 1800);
    if (!picked.has(port) && (await isFree(port))) picked.add(port);
  }
  const ascending = [...picked].sort((x, y) => x - y);
  (['gateway', 'webhook', 'sandboxMtls', 'sandboxOneway'] as const).forEach((key, i) => {
    TARGET.ports[key] = ascending[i]!;
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** Polls until `probe` resolves true; fails early when the process it waits for has exited. */
async function waitFor(what: string, probe: () => Promise<boolean>, processes: Promise<number>[], log: string) {
  let exited: number | undefined;
  for (const exit of processes) void exit.then((code) => (exited = code));
  const deadline = Date.now() + 3 * MINUTE;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (exited !== undefined) break;
    await sleep(1000);
  }
  throw new Error(
    `${what}: not there (${exited === undefined ? 'timed out' : `a process exited ${exited}`}).\n${tail(log)}`,
  );
}

describeOuter('tools/rename, end to end: a renamed copy of this workspace', () => {
  let base: string;
  let copy: string;
  let log: string;
  let failed = false;

  beforeAll(async () => {
    try {
      await prepare();
    } catch (error) {
      failed = true;
      throw error;
    }
  }, 20 * MINUTE);

  async function prepare() {
    base = tempDir('rename-e2e-');
    copy = join(base, 'repo');
    log = join(base, '..', `${base.split(sep).pop()}.log`);
    mkdirSync(copy);
    // The certificate tests read the corpus from shared/ beside the repository root.
    const shared = resolve(WORKSPACE_ROOT, '..', 'shared');
    if (existsSync(shared)) symlinkSync(shared, join(base, 'shared'));
    copyWorkspace(copy);
    await pickFreePorts();

    // As a user would: install, rename with the copy's own tool, install again under the new names.
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], copy, freshEnv(), log);
    await run(
      process.execPath,
      [
        'tools/rename/rename.mjs',
        ...['--scope', TARGET.scope, '--name', TARGET.name],
        ...['--gateway-port', String(TARGET.ports.gateway), '--webhook-port', String(TARGET.ports.webhook)],
        ...['--sandbox-mtls-port', String(TARGET.ports.sandboxMtls)],
        ...['--sandbox-oneway-port', String(TARGET.ports.sandboxOneway)],
      ],
      copy,
      freshEnv(),
      log,
    );
    // git grep exits 1 when nothing matches: that is the expected outcome here.
    const left = spawnSync(
      'git',
      ['grep', '-l', '-F', '-e', CURRENT.scope, '-e', CURRENT.name, '-e', CURRENT.displayName],
      {
        cwd: copy,
        encoding: 'utf8',
      },
    );
    expect({ status: left.status, files: left.stdout }).toEqual({ status: 1, files: '' });
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], copy, freshEnv(), log);
  }

  afterAll(async () => {
    await stopChildren();
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
    if (log !== undefined && !failed) rmSync(log, { force: true });
  }, 2 * MINUTE);

  it(
    'passes its whole test suite (lint, typecheck, test) under the new names',
    async () => {
      try {
        await run(
          'npx',
          ['nx', 'run-many', '-t', 'lint', 'typecheck', 'test', '--outputStyle=static'],
          copy,
          freshEnv({ RENAME_E2E_INNER: '1' }),
          log,
        );
      } catch (error) {
        failed = true;
        throw error;
      }
    },
    60 * MINUTE,
  );

  it(
    'starts the sandbox, the gateway and the webhook receiver on the new default ports',
    async () => {
      try {
        for (const port of Object.values(TARGET.ports)) {
          if (!(await isFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use: stop what listens there.`);
        }
        await run(
          'npx',
          ['nx', 'run-many', '-t', 'build', '-p', 'sandbox', 'gateway', 'webhook'],
          copy,
          freshEnv(),
          log,
        );
        const env = freshEnv();
        const sandbox = start(process.execPath, ['apps/sandbox/dist/main.js'], copy, env, log);
        await waitFor(
          'the sandbox on its new one-way port',
          async () => !(await isFree(TARGET.ports.sandboxOneway)),
          [sandbox.exited],
          log,
        );
        expect(await isFree(TARGET.ports.sandboxMtls)).toBe(false);
        const gateway = start(process.execPath, ['apps/gateway/dist/main.js'], copy, env, log);
        const webhook = start(process.execPath, ['apps/webhook/dist/main.js'], copy, env, log);
        const processes = [sandbox.exited, gateway.exited, webhook.exited];

        const gatewayUrl = `http://127.0.0.1:${TARGET.ports.gateway}`;
        // Ready means the gateway reached the sandbox, at the ports config now defaults to.
        await waitFor('the gateway ready', async () => (await fetch(`${gatewayUrl}/health/ready`)).ok, processes, log);
        const created = await fetch(`${gatewayUrl}/v1/merchant/payments`, {
          method: 'POST',
          headers: { 'x-api-key': 'local-dev-key', 'content-type': 'application/json' },
          body: JSON.stringify({
            payment: { paymentMethod: 'PIS', instructedAmount: { amount: '12.34', currency: 'EUR' } },
            identifiers: { merchantReference: 'order-1' },
          }),
        });
        const body = (await created.json()) as { payment?: { paymentId?: string; redirectUrl?: string } };
        expect(created.status).toBe(201);
        expect(new URL(body.payment?.redirectUrl ?? 'http://none').port).toBe(String(TARGET.ports.sandboxOneway));
        const fetched = await fetch(`${gatewayUrl}/v1/merchant/payments/${body.payment?.paymentId}`, {
          headers: { 'x-api-key': 'local-dev-key' },
        });
        expect(fetched.status).toBe(200);

        const webhookUrl = `http://127.0.0.1:${TARGET.ports.webhook}`;
        await waitFor(
          'the webhook receiver ready',
          async () => (await fetch(`${webhookUrl}/health/ready`)).ok,
          processes,
          log,
        );
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        await stopChildren();
      }
    },
    10 * MINUTE,
  );
});
