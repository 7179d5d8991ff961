#!/usr/bin/env node
// Gateway bench: load on the gateway's catalog route (POST /v1/catalog/reference.currencies, an mTLS +
// Basic upstream call) next to a raw node:http + undici proxy over the same upstream, in the same run.
// Each proxy and the upstream run in processes of their own, as in production; the load loop (undici,
// 127.0.0.1 only, bounded) runs here. Prints req/s, latency and each proxy's CPU per request; issue
// #14's targets: gateway CPU per request <= 1.5x the raw proxy's, req/s >= 0.7x (0.85x the long goal),
// at most 1 ms p99 added. Then an overload row: the gateway offered twice the requests/s it completed
// above, open loop from open-loop.mjs (its own process, raw sockets): completed req/s (target >= 80%
// of capacity), p99 of the admitted calls (< 1 s), the share shed with 503, and its RSS (flat).
// Figures are printed, never asserted.
//
// Upstream: any mTLS server on a loopback address answering GET /reference/v1/currencies, given by
// CONNECTPAY_LOCAL_MTLS_URL and CONNECTPAY_LOCAL_CLIENT_CERT_FILE / _CLIENT_KEY_FILE / _CA_FILE /
// _CLIENT_ID / _CLIENT_SECRET_FILE (each unset one: the dev PKI's file, CONNECTPAY_DEV_PKI_DIR or
// <workspace>/.dev-pki). Without CONNECTPAY_LOCAL_MTLS_URL, upstream.mjs (a standalone mTLS server with
// fixed JSON) runs in its own process on a temp dev PKI; --sandbox runs the sandbox in-process instead
// (the old set-up, where it competes with the load loop for CPU).
// Needs the builds: npx nx run-many -t build -p gateway sandbox
//
// Usage: node tools/bench/gateway/run.mjs [--seconds 5] [--connections 16] [--latency-requests 2000]
//          [--overload-seconds 5] [--overload-connections 600] [--sandbox]
//   GATEWAY_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the gateway process only;
//   RAW_PROXY_BENCH_NODE_ARGS does the same for the raw proxy, to compare the two profiles.
//   GATEWAY_BENCH_BASELINE_MAIN=/path/to/other/apps/gateway/dist/main.js adds that build as a target,
//   to compare two builds of the gateway in one run; it and --alternate measure the gateway(s) and
//   the raw proxy again in alternating rounds of 2 s (--compare-rounds, default 6), the steadier
//   ratio on a machine whose load drifts.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY_MAIN = join(ROOT, 'apps/gateway/dist/main.js');
const SANDBOX_DIST = join(ROOT, 'apps/sandbox/dist/index.js');
const RAW_PROXY = fileURLToPath(new URL('./raw-proxy.mjs', import.meta.url));
const OPEN_LOOP = fileURLToPath(new URL('./open-loop.mjs', import.meta.url));
const UPSTREAM_PATH = '/reference/v1/currencies';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function option(name, fallback, max) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} takes a positive number.`);
  return Math.min(value, max); // bounded: a bench, not a load test
}
const SECONDS = option('seconds', 5, 30);
const CONNECTIONS = option('connections', 16, 64);
const LATENCY_REQUESTS = option('latency-requests', 2000, 20_000);
const OVERLOAD_SECONDS = option('overload-seconds', 5, 30);
const OVERLOAD_CONNECTIONS = option('overload-connections', 600, 2000);
const IN_PROCESS_SANDBOX = process.argv.includes('--sandbox');
const UPSTREAM = fileURLToPath(new URL('./upstream.mjs', import.meta.url));
const BASELINE_MAIN = process.env.GATEWAY_BENCH_BASELINE_MAIN;
const COMPARE_ROUNDS = option('compare-rounds', 6, 20);

for (const [file, hint] of [
  [GATEWAY_MAIN, 'npx nx run gateway:build'],
  [SANDBOX_DIST, 'npx nx run sandbox:build'],
]) {
  if (!existsSync(file)) {
    console.error(`${file} is missing: build first (${hint}).`);
    process.exit(2);
  }
}

const cleanups = [];
async function cleanup() {
  for (const step of cleanups.reverse()) await step();
}
const env = { ...process.env };
let pkiDir = env.CONNECTPAY_DEV_PKI_DIR ? resolve(env.CONNECTPAY_DEV_PKI_DIR) : join(ROOT, '.dev-pki');
const work = mkdtempSync(join(tmpdir(), 'gateway-bench-'));
cleanups.push(() => rmSync(work, { recursive: true, force: true }));

try {
  let upstreamUrl = env.CONNECTPAY_LOCAL_MTLS_URL;
  let upstreamPid;
  if (!upstreamUrl && !IN_PROCESS_SANDBOX) {
    const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
    pkiDir = join(work, 'pki');
    await ensureDevPki(pkiDir);
    const upstream = await startPrinter('upstream', [UPSTREAM], { ...process.env, PKI_DIR: pkiDir });
    upstreamUrl = upstream.url;
    upstreamPid = upstream.pid;
    env.CONNECTPAY_LOCAL_ONEWAY_URL ??= upstream.url;
    console.log(`upstream: standalone mTLS server ${upstreamUrl} (own process, temp dev PKI)`);
  } else if (!upstreamUrl) {
    const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
    const { optionsFromDevPki, startSandbox } = await import(SANDBOX_DIST);
    pkiDir = join(work, 'pki');
    await ensureDevPki(pkiDir);
    const sandbox = await startSandbox({ ...optionsFromDevPki(pkiDir), mtlsPort: 0, onewayPort: 0 });
    cleanups.push(() => sandbox.close());
    upstreamUrl = sandbox.mtlsUrl;
    env.CONNECTPAY_LOCAL_ONEWAY_URL ??= sandbox.onewayUrl;
    console.log(`upstream: in-process sandbox ${upstreamUrl} (temp dev PKI)`);
  } else {
    console.log(`upstream: ${upstreamUrl}`);
  }
  if (!LOOPBACK.has(new URL(upstreamUrl).hostname)) {
    throw new Error(`CONNECTPAY_LOCAL_MTLS_URL must be a loopback address: the bench never loads a remote server.`);
  }

  // The credentials the gateway's local profile resolves: the variable when set, else the dev PKI file.
  const fileOf = (variable, devFile) => {
    const value = env[variable];
    return value ? (isAbsolute(value) ? value : resolve(value)) : join(pkiDir, devFile);
  };
  const certFile = fileOf('CONNECTPAY_LOCAL_CLIENT_CERT_FILE', 'client-chain.pem');
  const keyFile = fileOf('CONNECTPAY_LOCAL_CLIENT_KEY_FILE', 'client.key');
  const caFile = fileOf('CONNECTPAY_LOCAL_CA_FILE', 'ca.pem');
  const secretFile = fileOf('CONNECTPAY_LOCAL_CLIENT_SECRET_FILE', 'client-secret.txt');
  const clientId = env.CONNECTPAY_LOCAL_CLIENT_ID || readFileSync(join(pkiDir, 'client-id.txt'), 'utf8').trim();
  const authorization = `Basic ${Buffer.from(`${clientId}:${readFileSync(secretFile, 'utf8').trim()}`).toString('base64')}`;

  const rawNodeArgs = (process.env.RAW_PROXY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const raw = await startPrinter('raw proxy', [...rawNodeArgs, RAW_PROXY], {
    UPSTREAM_URL: upstreamUrl,
    CERT_FILE: certFile,
    KEY_FILE: keyFile,
    CA_FILE: caFile,
    CLIENT_ID: clientId,
    CLIENT_SECRET_FILE: secretFile,
  });
  const gatewayEnv = async (name) => ({
    ...env,
    CONNECTPAY_ENV: 'local',
    CONNECTPAY_DEV_PKI_DIR: pkiDir,
    CONNECTPAY_LOCAL_MTLS_URL: upstreamUrl,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(await freePort()),
    GATEWAY_STORAGE: join(work, `${name}.sqlite`),
    LOG_LEVEL: 'info',
  });
  const gateway = await startGateway('gateway', GATEWAY_MAIN, await gatewayEnv('gateway'));
  const baseline = BASELINE_MAIN
    ? await startGateway('gateway baseline', resolve(BASELINE_MAIN), await gatewayEnv('baseline'))
    : undefined;
  const gatewayTarget = (name, started) => ({
    name,
    origin: started.url,
    pid: started.pid,
    path: '/v1/catalog/reference.currencies',
    method: 'POST',
    headers: { 'x-api-key': 'local-dev-key', 'content-type': 'application/json' },
    body: '{}',
  });

  const targets = [
    {
      name: 'direct (no proxy)',
      origin: new URL(upstreamUrl).origin,
      path: UPSTREAM_PATH,
      method: 'GET',
      headers: { authorization, accept: 'application/json' },
      connect: {
        cert: readFileSync(certFile, 'utf8'),
        key: readFileSync(keyFile, 'utf8'),
        ca: readFileSync(caFile, 'utf8'),
      },
    },
    { name: 'raw node:http + undici', origin: raw.url, pid: raw.pid, path: '/', method: 'GET', headers: {} },
    gatewayTarget('gateway', gateway),
    ...(baseline ? [gatewayTarget('gateway baseline', baseline)] : []),
  ];

  console.log(
    `throughput: ${CONNECTIONS} connections x ${SECONDS} s per target; latency: 1 connection x ${LATENCY_REQUESTS} requests\n`,
  );
  const results = [];
  for (const target of targets) results.push({ target, ...(await throughput(target)), ...(await latency(target)) });
  const [direct, rawResult, gatewayResult] = results;
  const ms = (value, width = 8) => value.toFixed(3).padStart(width);
  console.log(
    `${'target'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p50 +direct'.padStart(12)} ${'p99 +direct'.padStart(12)} ${'proxy CPU µs/req'.padStart(17)}`,
  );
  for (const result of results) {
    console.log(
      `${result.target.name.padEnd(24)} ${result.rps.toFixed(0).padStart(8)} ${ms(result.p50)} ${ms(result.p99)} ${ms(result.p50 - direct.p50, 12)} ${ms(result.p99 - direct.p99, 12)} ${(result.cpuMicrosPerRequest === undefined ? '-' : result.cpuMicrosPerRequest.toFixed(0)).padStart(17)}`,
    );
  }
  const ratio = gatewayResult.rps / rawResult.rps;
  const addedP99 = gatewayResult.p99 - rawResult.p99;
  console.log(
    `\ngateway / raw proxy req/s: ${ratio.toFixed(2)}x (target >= 0.7x: ${ratio >= 0.7 ? 'met' : 'not met'}; long goal 0.85x)`,
  );
  console.log(
    `gateway p99 added over the raw proxy: ${addedP99.toFixed(3)} ms (target <= 1 ms: ${addedP99 <= 1 ? 'met' : 'not met'})`,
  );
  if (gatewayResult.cpuMicrosPerRequest !== undefined && rawResult.cpuMicrosPerRequest !== undefined) {
    const cpuRatio = gatewayResult.cpuMicrosPerRequest / rawResult.cpuMicrosPerRequest;
    console.log(
      `gateway / raw proxy CPU per request: ${cpuRatio.toFixed(2)}x, ${gatewayResult.cpuMicrosPerRequest.toFixed(0)} / ${rawResult.cpuMicrosPerRequest.toFixed(0)} µs (target <= 1.5x: ${cpuRatio <= 1.5 ? 'met' : 'not met'}; the cost that decides the ratio when cores are shared)`,
    );
  }
  if (baseline || process.argv.includes('--alternate')) {
    // The machine's load drifts between targets measured one after the other: alternate the targets
    // in short rounds and compare the sums, so the drift falls on all alike. Load from other
    // processes only ever adds CPU per request, so the least of the rounds is the steadier figure.
    const compared = [
      ['gateway', targets[2]],
      ...(baseline ? [['baseline', targets[3]]] : []),
      ['raw proxy', targets[1]],
    ];
    const totals = Object.fromEntries(compared.map(([key]) => [key, { cpu: 0, done: 0, seconds: 0, rounds: [] }]));
    for (let round = 0; round < COMPARE_ROUNDS; round += 1) {
      for (const [key, target] of compared) {
        const measured = await throughput(target, 2);
        totals[key].cpu += (measured.cpuMicrosPerRequest ?? 0) * measured.done;
        totals[key].done += measured.done;
        totals[key].seconds += measured.done / measured.rps;
        totals[key].rounds.push(measured.cpuMicrosPerRequest ?? 0);
      }
    }
    const cpuPer = (key) => totals[key].cpu / totals[key].done;
    const rps = (key) => totals[key].done / totals[key].seconds;
    const least = (key) => Math.min(...totals[key].rounds);
    const median = (key) => [...totals[key].rounds].sort((a, b) => a - b)[Math.floor(totals[key].rounds.length / 2)];
    console.log(`
${COMPARE_ROUNDS} alternating rounds of 2 s:`);
    for (const [key] of compared) {
      console.log(
        `${key.padEnd(10)} req/s ${rps(key).toFixed(0).padStart(6)}  CPU µs/req: all rounds ${cpuPer(key).toFixed(0).padStart(4)}, median ${median(key).toFixed(0).padStart(4)}, least ${least(key).toFixed(0).padStart(4)}`,
      );
    }
    const ratios = (key, other) =>
      `req/s ${(rps(key) / rps(other)).toFixed(2)}x, CPU per request ${(cpuPer(key) / cpuPer(other)).toFixed(2)}x (median ${(median(key) / median(other)).toFixed(2)}x, least ${(least(key) / least(other)).toFixed(2)}x)`;
    console.log(`gateway / raw proxy:      ${ratios('gateway', 'raw proxy')}`);
    if (baseline) console.log(`gateway / baseline build: ${ratios('gateway', 'baseline')}`);
  }

  const overload = await overloadRun(gatewayTarget('gateway', gateway), gatewayResult.rps, upstreamPid);
  console.log(
    `\noverload: ${overload.offered.toFixed(0)} req/s offered (2x the ${gatewayResult.rps.toFixed(0)} completed above), open loop, ${OVERLOAD_SECONDS} s, up to ${OVERLOAD_CONNECTIONS} connections`,
  );
  console.log(
    `${'completed req/s'.padStart(16)} ${'of capacity'.padStart(12)} ${'p99 admitted ms'.padStart(16)} ${'shed (503)'.padStart(11)} ${'other'.padStart(6)} ${'RSS MB before/max/after'.padStart(24)} ${'CPU: gateway'.padStart(13)} ${'upstream'.padStart(9)} ${'load gen'.padStart(9)}`,
  );
  console.log(
    `${overload.completedRps.toFixed(0).padStart(16)} ${`${((overload.completedRps / gatewayResult.rps) * 100).toFixed(0)}%`.padStart(12)} ${overload.p99Admitted.toFixed(1).padStart(16)} ${`${(overload.shedShare * 100).toFixed(1)}%`.padStart(11)} ${String(overload.other).padStart(6)} ${`${overload.rss.before}/${overload.rss.max}/${overload.rss.after}`.padStart(24)} ${percent(overload.gatewayCpu).padStart(13)} ${percent(overload.upstreamCpu).padStart(9)} ${percent(overload.loadCpu).padStart(9)}`,
  );
  if (overload.other > 0) console.log(`other answers: ${overload.otherKinds}`);
  const share = overload.completedRps / gatewayResult.rps;
  const grew = typeof overload.rss.before === 'number' ? overload.rss.max - overload.rss.before : undefined;
  console.log(
    `overload targets: completed >= 80% of capacity: ${share >= 0.8 ? 'met' : 'not met'}; p99 admitted < 1 s: ${overload.p99Admitted < 1000 ? 'met' : 'not met'}; RSS grew ${grew === undefined ? '-' : `${grew} MB`} at most${overload.gatewayCpu !== undefined && overload.gatewayCpu < 0.8 ? ` (the gateway got ${percent(overload.gatewayCpu)} of a core: other jobs had the CPU, rerun on a quiet machine)` : ''}`,
  );
  if (process.env.GATEWAY_BENCH_METRICS) {
    const text = await (await request(`${gateway.url}/metrics`)).body.text();
    console.log(
      text
        .split('\n')
        .filter((line) =>
          /^(connectpay_request_duration_seconds_(sum|count)|gateway_shed|gateway_http_requests_total)/.test(line),
        )
        .join('\n'),
    );
  }
  console.log('Figures vary with machine load; compare within one run.');
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}

function percent(share) {
  return share === undefined ? '-' : `${(share * 100).toFixed(0)}%`;
}

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Starts a child process with its stdout in a file (a full pipe would block the gateway's log writes). */
function startChild(name, args, childEnv) {
  const logFile = join(work, `${name.replace(/\W+/g, '-')}.log`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', out, 'pipe'] });
  closeSync(out);
  let errors = '';
  child.stderr.on('data', (chunk) => (errors += chunk));
  cleanups.push(
    () =>
      new Promise((exited) => {
        if (child.exitCode !== null) return exited();
        child.once('exit', () => exited());
        child.kill('SIGTERM');
      }),
  );
  return {
    logFile,
    pid: child.pid,
    failed: () =>
      child.exitCode !== null ? `${name} exited with ${child.exitCode}: ${errors.slice(0, 600)}` : undefined,
  };
}

async function waitFor(check, failed, what) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((tick) => setTimeout(tick, 200));
  }
  throw new Error(`${what} did not become ready within 60 s`);
}

/** Starts a process that prints {"url"} on its first line of stdout once it listens. */
async function startPrinter(name, args, childEnv) {
  const child = startChild(name, args, childEnv);
  const url = await waitFor(
    async () => {
      const line = readFileSync(child.logFile, 'utf8')
        .split('\n')
        .find((text) => text.startsWith('{"url"'));
      return line ? JSON.parse(line).url : undefined;
    },
    child.failed,
    `the ${name}`,
  );
  return { url, pid: child.pid };
}

async function startGateway(name, main, childEnv) {
  // --cpu-prof is refused in NODE_OPTIONS, so profiling flags for the gateway alone come through here.
  const nodeArgs = (process.env.GATEWAY_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = startChild(name, [...nodeArgs, main], childEnv);
  const url = `http://127.0.0.1:${childEnv.GATEWAY_PORT}`;
  await waitFor(
    async () => {
      const ready = await request(`${url}/health/ready`);
      await ready.body.dump();
      return ready.statusCode === 200;
    },
    child.failed,
    `the ${name}`,
  );
  return { url, pid: child.pid };
}

/** Resident memory of a process in MB (Linux /proc), or '-'. */
function rssOf(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((text) => text.startsWith('VmRSS:'));
    return line ? Math.round(Number(line.split(/\s+/)[1]) / 1024) : '-';
  } catch {
    return '-';
  }
}

/**
 * Twice the measured capacity, open loop (open-loop.mjs, a process of its own with raw sockets, so
 * the load generator's CPU does not decide the row), while this process samples the gateway's RSS
 * and the CPU of the gateway and the upstream.
 */
async function overloadRun(target, capacity, upstreamPid) {
  const offered = capacity * 2;
  const pool = poolFor(target, CONNECTIONS);
  for (let i = 0; i < 300; i += 1) await once(pool, target);
  await pool.close();
  const rss = { before: rssOf(target.pid), max: 0, after: 0 };
  const cpuBefore = cpuSecondsOf(target.pid);
  const upstreamCpuBefore = cpuSecondsOf(upstreamPid);
  const sampler = setInterval(() => {
    const now = rssOf(target.pid);
    if (typeof now === 'number' && now > rss.max) rss.max = now;
  }, 250);
  const started = performance.now();
  const load = spawn(
    process.execPath,
    [
      OPEN_LOOP,
      target.origin,
      String(Math.round(offered)),
      String(OVERLOAD_SECONDS),
      String(OVERLOAD_CONNECTIONS),
      target.method,
      target.path,
      JSON.stringify(target.headers),
      target.body ?? '',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  load.stdout.on('data', (chunk) => (output += chunk));
  const code = await new Promise((exited) => load.once('exit', exited));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  const result = JSON.parse(output);
  // The generator's 0.5 s of connecting is not in its clock; the processes' CPU is taken over all of it.
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(target.pid);
  const upstreamCpuAfter = cpuSecondsOf(upstreamPid);
  clearInterval(sampler);
  rss.after = rssOf(target.pid);
  const total = Object.values(result.byStatus).reduce((sum, n) => sum + n, 0) + result.failed;
  const share = (value, before, after) =>
    before === undefined || after === undefined ? undefined : (after - before) / value;
  return {
    offered,
    completedRps: (result.byStatus['200'] ?? 0) / result.elapsedS,
    p99Admitted: result.p99AdmittedMs,
    shedShare: total === 0 ? 0 : (result.byStatus['503'] ?? 0) / total,
    other: total - (result.byStatus['200'] ?? 0) - (result.byStatus['503'] ?? 0),
    otherKinds: [
      ...Object.entries(result.byStatus).filter(([status]) => status !== '200' && status !== '503'),
      ...(result.failed > 0 ? [['no answer', result.failed]] : []),
    ]
      .map(([kind, n]) => `${kind}: ${n}`)
      .join(', '),
    rss,
    gatewayCpu: share(elapsed, cpuBefore, cpuAfter),
    upstreamCpu: share(elapsed, upstreamCpuBefore, upstreamCpuAfter),
    loadCpu: result.cpuS / elapsed,
  };
}

function poolFor(target, connections) {
  return new Pool(target.origin, {
    connections,
    pipelining: 1,
    ...(target.connect ? { connect: target.connect } : {}),
  });
}

async function once(pool, target) {
  const answer = await pool.request({
    path: target.path,
    method: target.method,
    headers: target.headers,
    ...(target.body ? { body: target.body } : {}),
  });
  await answer.body.dump();
  if (answer.statusCode !== 200) throw new Error(`${target.name} answered ${answer.statusCode}`);
}

/**
 * Connections and TLS sessions, then a second of the same load, so the measured seconds are the
 * steady state: V8 optimises a process's hot code on background threads once it runs under load,
 * and that CPU counts in the process's figure (more of it for the gateway, which has more code).
 */
async function warmUp(pool, target) {
  for (let i = 0; i < 300; i += 1) await once(pool, target);
  const until = performance.now() + 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) await once(pool, target);
    }),
  );
}

async function throughput(target, seconds = SECONDS) {
  const pool = poolFor(target, CONNECTIONS);
  await warmUp(pool, target);
  let done = 0;
  const cpuBefore = cpuSecondsOf(target.pid);
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) {
        await once(pool, target);
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsOf(target.pid);
  await pool.close();
  return {
    done,
    rps: done / elapsed,
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { cpuMicrosPerRequest: ((cpuAfter - cpuBefore) * 1e6) / done }
      : {}),
  };
}

// User + system CPU of a proxy process (Linux /proc; elsewhere the column shows "-"). It shows what
// each proxy costs per request independently of what else the machine runs.
function cpuSecondsOf(pid) {
  if (pid === undefined) return undefined;
  const clockTicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined; // not Linux
  }
}

async function latency(target) {
  const pool = poolFor(target, 1);
  for (let i = 0; i < 200; i += 1) await once(pool, target);
  const samples = [];
  for (let i = 0; i < LATENCY_REQUESTS; i += 1) {
    const started = performance.now();
    await once(pool, target);
    samples.push(performance.now() - started);
  }
  await pool.close();
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p99: at(0.99) };
}
