// The local platform the pages' curl lines talk to: the sandbox, the webhook receiver and the gateway,
// each the built `dist/main.js` run as its own process (as `nx serve` does), on free ports of
// 127.0.0.1, sharing one dev PKI and one temp folder as their workspace root.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { delimiter, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WORKSPACE_ROOT } from '../workspace.js';
import type { PortMap } from './blocks.js';

export { WORKSPACE_ROOT };

/** What the pages run, built: `npx nx run-many -t build` (tools' test target builds them first). */
export const BUILT = {
  certCheck: join(WORKSPACE_ROOT, 'apps/cert-check/dist/main.js'),
  certCheckBin: join(WORKSPACE_ROOT, 'apps/cert-check/bin/cert-check.cjs'),
  sandbox: join(WORKSPACE_ROOT, 'apps/sandbox/dist/main.js'),
  gateway: join(WORKSPACE_ROOT, 'apps/gateway/dist/main.js'),
  webhook: join(WORKSPACE_ROOT, 'apps/webhook/dist/main.js'),
} as const;

export function missingBuilds(): string[] {
  return Object.values(BUILT)
    .filter((path) => !existsSync(path))
    .map((path) => path.slice(WORKSPACE_ROOT.length + 1));
}

/**
 * A fresh shell's environment, then `extra`: none of the apps' or ConnectPay's settings (a developer's
 * CONNECTPAY_ENV), nothing of the outer npm, Nx or Jest run (npm_* settings, NX_WORKSPACE_ROOT, jest's
 * NODE_OPTIONS, nx's FORCE_COLOR, which would colour output) and, `outsideWorkspace`, no folder of this
 * workspace on PATH, so a command finds only what its own folder installs.
 */
export function cleanEnvironment(extra: Record<string, string> = {}, outsideWorkspace = false): Record<string, string> {
  const ignored = (name: string) =>
    (/^((CONNECTPAY|GATEWAY|WEBHOOK|SANDBOX)_|(npm|NX|JEST|TURBO)_)/i.test(name) &&
      name !== 'CONNECTPAY_TEST_POSTGRES_URL') ||
    ['NODE_OPTIONS', 'INIT_CWD', 'LOG_LEVEL', 'FORCE_COLOR'].includes(name);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name, value]) => value !== undefined && !ignored(name)),
  );
  if (outsideWorkspace)
    env['PATH'] = (env['PATH'] ?? '')
      .split(delimiter)
      .filter((dir) => relative(WORKSPACE_ROOT, dir).startsWith('..'))
      .join(delimiter);
  return { ...(env as Record<string, string>), NO_COLOR: '1', ...extra };
}

/**
 * The payment the gateway README's curl line creates, as tools/fresh-clone.sh holds it (that script
 * checks the README still shows it byte for byte), so the e2e tests follow the merchant API's shape.
 */
export function readmePaymentBody(root = WORKSPACE_ROOT): string {
  const script = readFileSync(join(root, 'tools', 'fresh-clone.sh'), 'utf8');
  const body = /^body='(\{.*\})'$/m.exec(script)?.[1];
  if (body === undefined) throw new Error("tools/fresh-clone.sh no longer sets body='{…}': update this test.");
  return body;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Child processes, each the node script of `argv` in its own process group, its output in a log file. */
export class Processes {
  readonly running = new Map<string, { child: ChildProcess; logFile: string; exited: Promise<number | null> }>();

  constructor(readonly dir: string) {}

  start(name: string, argv: string[], env: Record<string, string>, cwd = this.dir, command = process.execPath) {
    const logFile = join(this.dir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    // Its own process group, so a group signal reaches anything it starts. Output goes to a file, not a
    // pipe to this process: a closed pipe cannot kill the app halfway, and a dead test cannot block it.
    const child = spawn(command, argv, { cwd, env, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise<number | null>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code) => resolve(code));
    });
    this.running.set(name, { child, logFile, exited });
    return exited;
  }

  /** Runs a one-shot to its end: its exit is not a service dying. Throws with its log's tail unless it exits 0. */
  async run(name: string, argv: string[], env: Record<string, string>, cwd = this.dir, command = process.execPath) {
    const code = await this.start(name, argv, env, cwd, command);
    const log = this.logs(150, name);
    this.running.delete(name);
    if (code !== 0) throw new Error(`${command} ${argv.join(' ')} exited ${code} in ${cwd}.\n${log}`);
  }

  /** Polls `probe` until it returns a value; fails when a process exits or the deadline passes. */
  async waitFor<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
    let last = 'no answer';
    for (;;) {
      for (const [name, { child }] of this.running) {
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

  /** Waits for GET `url` to answer 200. */
  waitReady(url: string, deadline: number): Promise<boolean> {
    return this.waitFor(url, deadline, async () => {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.status === 200) return true;
      throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    });
  }

  /** The last lines of every process's log (or of the one named), for a failure message. */
  logs(lines = 20, only?: string): string {
    return [...this.running]
      .filter(([name]) => only === undefined || name === only)
      .map(([name, { logFile }]) => {
        const text = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
        return `--- last lines of ${name} ---\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
      })
      .join('\n');
  }

  /** Sends `signal` to every process still running, at once. */
  kill(signal: NodeJS.Signals): void {
    for (const { child } of this.running.values()) {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, signal);
    }
  }

  /** SIGTERM (graceful, as an operator would), SIGKILL for whatever still runs `graceMs` later. */
  async stop(graceMs = 15_000): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async ({ child, exited }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalGroup(child, 'SIGTERM');
        if (!(await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]))) {
          signalGroup(child, 'SIGKILL');
          await exited;
        }
      }),
    );
  }
}

export type LocalStack = Processes & { readonly ports: PortMap };

/** Starts the three apps on fresh ports and resolves once the gateway and the receiver are ready. */
export async function startLocalStack(dir: string, devPkiDir: string): Promise<LocalStack> {
  const ports: PortMap = {
    gateway: await freePort(),
    webhook: await freePort(),
    sandboxMtls: await freePort(),
    sandboxOneway: await freePort(),
  };
  const stack = Object.assign(new Processes(dir), { ports });
  try {
    const base = { ...cleanEnvironment(), CONNECTPAY_DEV_PKI_DIR: devPkiDir };
    const connectpay = {
      CONNECTPAY_LOCAL_MTLS_URL: `https://127.0.0.1:${ports.sandboxMtls}`,
      CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${ports.sandboxOneway}`,
    };
    void stack.start('sandbox', [BUILT.sandbox], {
      ...base,
      SANDBOX_MTLS_PORT: String(ports.sandboxMtls),
      SANDBOX_ONEWAY_PORT: String(ports.sandboxOneway),
      // Payments change status only when a page advances them: output stays the same on every run.
      SANDBOX_AUTO_ADVANCE_MS: '0',
      SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${ports.webhook}/webhooks/connectpay`,
    });
    void stack.start('webhook', [BUILT.webhook], { ...base, ...connectpay, WEBHOOK_PORT: String(ports.webhook) });
    void stack.start('gateway', [BUILT.gateway], { ...base, ...connectpay, GATEWAY_PORT: String(ports.gateway) });
    // The gateway is ready in `local` only once the sandbox answers, so this waits for all three.
    await stack.waitReady(`http://127.0.0.1:${ports.gateway}/health/ready`, Date.now() + 90_000);
    await stack.waitReady(`http://127.0.0.1:${ports.webhook}/health/ready`, Date.now() + 60_000);
    return stack;
  } catch (error) {
    const logs = stack.logs();
    await stack.stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`, { cause: error });
  }
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/**
 * Runs a command to its end in its own process group, so that a timeout stops it and whatever it
 * started. Unless `anyExit`, an exit other than 0 throws with the output's tail. Asynchronous on
 * purpose: publish.spec's registry stand-in answers from the test's own process while npm runs.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string>>; timeoutMs?: number; anyExit?: boolean },
): Promise<CommandResult> {
  const { cwd, env, timeoutMs = 2 ** 31 - 1, anyExit = false } = options;
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '', timedOut: false };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (out.stderr += text));
  const timer = setTimeout(() => {
    out.timedOut = true;
    signalGroup(child, 'SIGKILL');
  }, timeoutMs);
  return new Promise<CommandResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0 || anyExit) return resolve({ code, signal, ...out });
      const tail = `--- stdout\n${out.stdout.slice(-4000)}\n--- stderr\n${out.stderr.slice(-4000)}`;
      reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal} in ${cwd}\n${tail}`));
    });
  }).finally(() => clearTimeout(timer));
}
