// What the benches in tools/bench share: their options, a scratch folder, stand-ins started in
// processes of their own, cleanup on every way out, the figures taken from a process (CPU time, RSS)
// and the printing of tables and verdicts.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
export const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

/**
 * The command line read against `spec`, { flag: { default, max, min, choices } }: a boolean default
 * makes a switch; numbers must be above 0 (at least 0 with `min: 0`) and are capped at `max` (a bench,
 * not a load test). An unknown or malformed flag stops the bench with the usage, made from `spec`.
 */
export function options(spec) {
  const flags = Object.entries(spec);
  const isSwitch = (rules) => typeof rules.default === 'boolean';
  const refuse = (message) => {
    const usage = flags.map(([flag, rules]) =>
      isSwitch(rules) ? `[--${flag}]` : `[--${flag} ${rules.choices?.join('|') ?? rules.default}]`,
    );
    console.error(`${message}\nusage: node ${relative(process.cwd(), process.argv[1])} ${usage.join(' ')}`);
    process.exit(2);
  };
  let values = {};
  try {
    const types = flags.map(([flag, rules]) => [flag, { type: isSwitch(rules) ? 'boolean' : 'string' }]);
    ({ values } = parseArgs({ options: Object.fromEntries(types) }));
  } catch (error) {
    refuse(error.message);
  }
  const read = (flag, { default: fallback, max = Infinity, min, choices }) => {
    const given = values[flag];
    if (given === undefined || typeof given === 'boolean') return given ?? fallback;
    if (choices) return choices.includes(given) ? given : refuse(`--${flag} takes one of ${choices.join(', ')}.`);
    const value = Number(given);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && min !== 0)) {
      refuse(`--${flag} takes a number ${min === 0 ? '>= 0' : 'above 0'}.`);
    }
    return Math.min(value, max);
  };
  return Object.fromEntries(Object.entries(spec).map(([flag, rules]) => [flag, read(flag, rules)]));
}

/** Stops the bench with the build command when a file it runs is missing. */
export function requireBuilt(file, hint) {
  if (existsSync(file)) return;
  console.error(`${file} is missing: build first (${hint}).`);
  process.exit(2);
}

const steps = [];
let interrupted = false;
/** Registers a cleanup step; the steps run last first when the bench ends, fails or is interrupted. */
export function defer(step) {
  steps.push(step);
}
async function cleanup() {
  while (steps.length > 0) {
    // A failed step (say, a schema that cannot be dropped) must not keep the others from running.
    await Promise.resolve()
      .then(steps.pop())
      .catch((error) => console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the bench's processes`);
    cleanup().finally(() => process.exit(130));
  });
}

/** Runs a bench: cleanup whatever happens, and "bench failed: …" with exit code 1 on an error. */
export async function runBench(main) {
  try {
    await main();
  } catch (error) {
    if (interrupted) return; // its processes were stopped under it
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

/** A temporary folder, removed at cleanup unless `keep`. */
export function scratchDir(prefix, keep = false) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  defer(() => (keep ? console.log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  return dir;
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Starts `node ...args` as a process of its own, stopped with SIGTERM at cleanup (SIGKILL after 10 s).
 * `stdout` is a file path, 'ignore' or 'pipe' (a service's log goes to a file or nowhere: a pipe that
 * fills blocks its writes). Ready when GET `${health}/health/ready` answers 200, or without `health`
 * when stdout printed a {"url"} line; the child's exit or 60 s without that fails the bench.
 */
export async function startProcess(name, args, { env, cwd, stdout = 'pipe', health } = {}) {
  const out = ['pipe', 'ignore'].includes(stdout) ? stdout : openSync(stdout, 'w');
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', out, 'inherit'] });
  if (typeof out === 'number') closeSync(out);
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  let printed = '';
  child.stdout?.on('data', (chunk) => (printed += chunk));
  const ready = async () => {
    if (!health) return JSON.parse(/^\{"url".*$/m.exec(printed)?.[0] ?? 'null')?.url;
    const answer = await fetch(`${health}/health/ready`);
    await answer.arrayBuffer();
    return answer.status === 200 && health;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the ${name} exited with code ${child.exitCode} before it was ready`);
    const url = await ready().catch(() => undefined);
    if (url) return { url, pid: child.pid };
    if (Date.now() > deadline) throw new Error(`the ${name} was not ready within 60 s`);
    await sleep(200);
  }
}

/**
 * A meter of a process's user + system CPU time from /proc (Linux): call it for the seconds used since
 * it was made, undefined elsewhere. What a process costs per request, whatever else the machine runs.
 */
export function cpuMeter(pid) {
  const read = () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100) ticks
    } catch {
      return undefined;
    }
  };
  const before = pid === undefined ? undefined : read();
  return () => (before === undefined ? undefined : read() - before);
}

/** Resident memory of a process in MB (Linux /proc), or '-'. */
export function rssMb(pid) {
  try {
    const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : '-';
  } catch {
    return '-';
  }
}

/**
 * Closed-loop load: `workers` senders, each sending again once answered, until `count` requests were
 * sent or `seconds` passed. `send(index)` resolves true for an answer that counts as ok; with `timed`,
 * each request's latency in ms is kept.
 */
export async function closedLoop({ workers = 1, seconds = Infinity, count = Infinity, timed = false }, send) {
  const result = { ok: 0, failed: 0, latencies: [] };
  let sent = 0;
  const started = performance.now();
  const sender = async () => {
    while (sent < count && performance.now() - started < seconds * 1000) {
      const begin = timed ? performance.now() : 0;
      if (await send(sent++)) result.ok += 1;
      else result.failed += 1;
      if (timed) result.latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: workers }, sender));
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/** The samples at quantiles `qs` (nearest rank, NaN without samples). */
export function percentiles(samples, ...qs) {
  const sorted = [...samples].sort((a, b) => a - b);
  return qs.map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
}

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const sum = (values) => values.reduce((total, value) => total + value, 0);
export const met = (ok) => (ok ? 'met' : 'not met');
export const percent = (share) => (share === undefined ? '-' : `${(share * 100).toFixed(0)}%`);

/** A Markdown table of `records` (objects alike; their keys are the header), names left, figures right. */
export function printTable(records) {
  const rows = [Object.keys(records[0]), ...records.map((record) => Object.values(record).map(String))];
  const widths = rows[0].map((_, column) => Math.max(3, ...rows.map((row) => row[column].length)));
  const line = (cells) => `| ${cells.map((cell, i) => cell[i === 0 ? 'padEnd' : 'padStart'](widths[i])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(line(widths.map((width, i) => (i === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`))));
  for (const row of rows.slice(1)) console.log(line(row));
}
