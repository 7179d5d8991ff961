#!/usr/bin/env node
// Gateway bench (README.md beside this file): the gateway's catalog route next to a raw node:http +
// undici proxy over the same mTLS upstream, each proxy and the upstream in a process of their own, the
// load loop (undici, 127.0.0.1 only, bounded) here. Prints req/s, latency, each proxy's CPU per request
// and issue #14's verdicts, then the gateway under twice the load it completed (open-loop.mjs).
// Figures are printed, never asserted.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool, request } from 'undici';
import * as bench from '../harness.mjs';

const GATEWAY_MAIN = join(bench.ROOT, 'apps/gateway/dist/main.js');
const CATALOG_CALL = {
  method: 'POST',
  path: '/v1/catalog/reference.currencies',
  headers: { 'x-api-key': 'local-dev-key', 'content-type': 'application/json' },
  body: '{}',
};
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const opt = bench.options({
  seconds: { default: 5, max: 30 },
  connections: { default: 16, max: 64 },
  'latency-requests': { default: 2000, max: 20_000 },
  'overload-seconds': { default: 5, max: 30 },
  'overload-connections': { default: 600, max: 2000 },
  alternate: { default: false },
  'compare-rounds': { default: 6, max: 20 },
});
const BASELINE_MAIN = process.env.GATEWAY_BENCH_BASELINE_MAIN;
bench.requireBuilt(GATEWAY_MAIN, 'npx nx run gateway:build');
const env = { ...process.env };
const work = bench.scratchDir('gateway-bench-');
// --cpu-prof is refused in NODE_OPTIONS, so profiling flags for one process alone come through these.
const nodeArgs = (variable) => (process.env[variable] ?? '').split(' ').filter(Boolean);

await bench.runBench(async () => {
  const upstream = await startUpstream();
  if (!bench.LOOPBACK.has(new URL(upstream.url).hostname)) {
    throw new Error(`CONNECTPAY_LOCAL_MTLS_URL must be a loopback address: the bench never loads a remote server.`);
  }
  // The credentials the gateway's local profile resolves: the variable when set, else the dev PKI file.
  const read = (variable, devFile) =>
    readFileSync(env[variable] ? resolve(env[variable]) : join(upstream.pkiDir, devFile), 'utf8').trim();
  const clientId = env.CONNECTPAY_LOCAL_CLIENT_ID || read('CONNECTPAY_LOCAL_CLIENT_ID', 'client-id.txt');
  const secret = read('CONNECTPAY_LOCAL_CLIENT_SECRET_FILE', 'client-secret.txt');
  const authorization = `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
  const direct = {
    name: 'direct (no proxy)',
    origin: new URL(upstream.url).origin,
    path: '/reference/v1/currencies',
    method: 'GET',
    headers: { authorization, accept: 'application/json' },
    connect: {
      cert: read('CONNECTPAY_LOCAL_CLIENT_CERT_FILE', 'client-chain.pem'),
      key: read('CONNECTPAY_LOCAL_CLIENT_KEY_FILE', 'client.key'),
      ca: read('CONNECTPAY_LOCAL_CA_FILE', 'ca.pem'),
    },
  };
  const raw = await bench.startProcess('raw proxy', [...nodeArgs('RAW_PROXY_BENCH_NODE_ARGS'), here('raw-proxy.mjs')], {
    env: { UPSTREAM: JSON.stringify(direct) },
  });
  const rawTarget = { name: 'raw node:http + undici', origin: raw.url, pid: raw.pid, path: '/', method: 'GET' };
  const gateway = await startGateway('gateway', GATEWAY_MAIN, upstream);
  const baseline = BASELINE_MAIN && (await startGateway('gateway baseline', resolve(BASELINE_MAIN), upstream));
  const targets = [direct, rawTarget, gateway, ...(baseline ? [baseline] : [])];

  console.log(
    `throughput: ${opt.connections} connections x ${opt.seconds} s per target; latency: 1 connection x ${opt['latency-requests']} requests\n`,
  );
  const results = [];
  for (const target of targets) results.push({ target, ...(await throughput(target)), ...(await latency(target)) });
  const [fromDirect, fromRaw, fromGateway] = results;
  bench.printTable(
    results.map((result) => ({
      target: result.target.name,
      'req/s': result.rps.toFixed(0),
      'p50 ms': result.p50.toFixed(3),
      'p99 ms': result.p99.toFixed(3),
      'p50 +direct': (result.p50 - fromDirect.p50).toFixed(3),
      'p99 +direct': (result.p99 - fromDirect.p99).toFixed(3),
      'proxy CPU µs/req': result.cpuMicrosPerRequest?.toFixed(0) ?? '-',
    })),
  );
  const ratio = fromGateway.rps / fromRaw.rps;
  const addedP99 = fromGateway.p99 - fromRaw.p99;
  console.log(
    `\ngateway / raw proxy req/s: ${ratio.toFixed(2)}x (target >= 0.7x: ${bench.met(ratio >= 0.7)}; long goal 0.85x)`,
  );
  console.log(
    `gateway p99 added over the raw proxy: ${addedP99.toFixed(3)} ms (target <= 1 ms: ${bench.met(addedP99 <= 1)})`,
  );
  if (fromGateway.cpuMicrosPerRequest !== undefined && fromRaw.cpuMicrosPerRequest !== undefined) {
    const [gatewayCpu, rawCpu] = [fromGateway.cpuMicrosPerRequest, fromRaw.cpuMicrosPerRequest];
    console.log(
      `gateway / raw proxy CPU per request: ${(gatewayCpu / rawCpu).toFixed(2)}x, ${gatewayCpu.toFixed(0)} / ${rawCpu.toFixed(0)} µs (target <= 1.5x: ${bench.met(gatewayCpu / rawCpu <= 1.5)}; the cost that decides the ratio when cores are shared)`,
    );
  }
  if (baseline || opt.alternate) await alternate({ gateway, ...(baseline && { baseline }), 'raw proxy': rawTarget });
  await overload(gateway, fromGateway.rps, upstream.pid);
  if (process.env.GATEWAY_BENCH_METRICS) {
    const text = await (await request(`${gateway.origin}/metrics`)).body.text();
    const counters = /^(connectpay_request_duration_seconds_(sum|count)|gateway_shed|gateway_http_requests_total).*$/gm;
    console.log((text.match(counters) ?? []).join('\n'));
  }
  console.log('Figures vary with machine load; compare within one run.');
});

/**
 * The mTLS upstream: CONNECTPAY_LOCAL_MTLS_URL (loopback only), else upstream.mjs in its own process on
 * a temp dev PKI, so it never competes with the load loop inside this process.
 */
async function startUpstream() {
  if (env.CONNECTPAY_LOCAL_MTLS_URL) {
    console.log(`upstream: ${env.CONNECTPAY_LOCAL_MTLS_URL}`);
    const pkiDir = env.CONNECTPAY_DEV_PKI_DIR ? resolve(env.CONNECTPAY_DEV_PKI_DIR) : join(bench.ROOT, '.dev-pki');
    return { url: env.CONNECTPAY_LOCAL_MTLS_URL, pkiDir };
  }
  const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
  const pkiDir = join(work, 'pki');
  await ensureDevPki(pkiDir);
  const started = await bench.startProcess('upstream', [here('upstream.mjs')], { env: { ...env, PKI_DIR: pkiDir } });
  env.CONNECTPAY_LOCAL_ONEWAY_URL ??= started.url;
  console.log(`upstream: standalone mTLS server ${started.url} (own process, temp dev PKI)`);
  return { ...started, pkiDir };
}

/** A gateway build in its own process, its info log written to a file as in production; its target. */
async function startGateway(name, main, upstream) {
  const port = await bench.freePort();
  const started = await bench.startProcess(name, [...nodeArgs('GATEWAY_BENCH_NODE_ARGS'), main], {
    env: {
      ...env,
      CONNECTPAY_ENV: 'local',
      CONNECTPAY_DEV_PKI_DIR: upstream.pkiDir,
      CONNECTPAY_LOCAL_MTLS_URL: upstream.url,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      GATEWAY_STORAGE: join(work, `${name}.sqlite`),
      LOG_LEVEL: 'info',
    },
    stdout: join(work, `${name}.log`),
    health: `http://127.0.0.1:${port}`,
  });
  return { name, origin: started.url, pid: started.pid, ...CATALOG_CALL };
}

/**
 * The machine's load drifts between targets measured one after the other: alternate the targets in
 * short rounds and compare the sums, so the drift falls on all alike. Load from other processes only
 * ever adds CPU per request, so the least of the rounds is the steadier figure.
 */
async function alternate(compared) {
  const rounds = Object.fromEntries(Object.keys(compared).map((key) => [key, []]));
  for (let round = 0; round < opt['compare-rounds']; round += 1) {
    for (const [key, target] of Object.entries(compared)) rounds[key].push(await throughput(target, 2));
  }
  const figures = {};
  for (const [key, measured] of Object.entries(rounds)) {
    const cpu = measured.map((one) => one.cpuMicrosPerRequest ?? 0);
    const done = bench.sum(measured.map((one) => one.done));
    const rps = done / bench.sum(measured.map((one) => one.done / one.rps));
    const all = bench.sum(measured.map((one, i) => cpu[i] * one.done)) / done;
    figures[key] = { rps, all, median: bench.median(cpu), least: Math.min(...cpu) };
  }
  console.log(`\n${opt['compare-rounds']} alternating rounds of 2 s:`);
  const fixed0 = (key, figure) => figures[key][figure].toFixed(0);
  bench.printTable(
    Object.keys(figures).map((key) => ({
      target: key,
      'req/s': fixed0(key, 'rps'),
      'CPU µs/req: all rounds': fixed0(key, 'all'),
      median: fixed0(key, 'median'),
      least: fixed0(key, 'least'),
    })),
  );
  const ratio = (key, other, figure) => (figures[key][figure] / figures[other][figure]).toFixed(2);
  const ratios = (key, other) =>
    `req/s ${ratio(key, other, 'rps')}x, CPU per request ${ratio(key, other, 'all')}x (median ${ratio(key, other, 'median')}x, least ${ratio(key, other, 'least')}x)`;
  console.log(`gateway / raw proxy:      ${ratios('gateway', 'raw proxy')}`);
  if (figures.baseline) console.log(`gateway / baseline build: ${ratios('gateway', 'baseline')}`);
}

/**
 * Twice the measured capacity, open loop (open-loop.mjs, a process of its own with raw sockets, so
 * the load generator's CPU does not decide the row), while this process samples the gateway's RSS
 * and the CPU of the gateway and the upstream.
 */
async function overload(target, capacity, upstreamPid) {
  const pool = poolFor(target, opt.connections);
  await bench.closedLoop({ count: 300 }, () => once(pool, target));
  await pool.close();
  const rss = { before: bench.rssMb(target.pid), max: 0 };
  const [gatewayCpu, upstreamCpu] = [bench.cpuMeter(target.pid), bench.cpuMeter(upstreamPid)];
  const sampler = setInterval(() => {
    const now = bench.rssMb(target.pid);
    if (typeof now === 'number' && now > rss.max) rss.max = now;
  }, 250);
  const started = performance.now();
  const { origin, method, path, headers, body } = target;
  const settings = [Math.round(capacity * 2), opt['overload-seconds'], opt['overload-connections']];
  const load = spawn(
    process.execPath,
    [here('open-loop.mjs'), origin, ...settings, method, path, JSON.stringify(headers), body].map(String),
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  load.stdout.on('data', (chunk) => (output += chunk));
  const code = await new Promise((exited) => load.once('exit', exited));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  const result = JSON.parse(output);
  // The generator's 0.5 s of connecting is not in its clock; the processes' CPU is taken over all of it.
  const share = (seconds) => seconds && seconds / ((performance.now() - started) / 1000);
  const cpu = [gatewayCpu(), upstreamCpu(), result.cpuS].map(share);
  clearInterval(sampler);
  const { 200: ok = 0, 503: shed = 0, ...others } = result.byStatus;
  if (result.failed > 0) others['no answer'] = result.failed;
  const total = ok + shed + bench.sum(Object.values(others));
  const completed = ok / result.elapsedS;
  console.log(
    `\noverload: ${settings[0]} req/s offered (2x the ${capacity.toFixed(0)} completed above), open loop, ${settings[1]} s, up to ${settings[2]} connections`,
  );
  bench.printTable([
    {
      'completed req/s': completed.toFixed(0),
      'of capacity': bench.percent(completed / capacity),
      'p99 admitted ms': result.p99AdmittedMs.toFixed(1),
      'shed (503)': `${(total === 0 ? 0 : (shed / total) * 100).toFixed(1)}%`,
      other: total - ok - shed,
      'RSS MB before/max/after': `${rss.before}/${rss.max}/${bench.rssMb(target.pid)}`,
      'CPU: gateway': bench.percent(cpu[0]),
      upstream: bench.percent(cpu[1]),
      'load gen': bench.percent(cpu[2]),
    },
  ]);
  if (total > ok + shed) {
    console.log(
      `other answers: ${Object.entries(others)
        .map(([kind, n]) => `${kind}: ${n}`)
        .join(', ')}`,
    );
  }
  const grew = typeof rss.before === 'number' ? `${rss.max - rss.before} MB` : '-';
  const busy = cpu[0] !== undefined && cpu[0] < 0.8;
  console.log(
    `overload targets: completed >= 80% of capacity: ${bench.met(completed >= 0.8 * capacity)}; p99 admitted < 1 s: ${bench.met(result.p99AdmittedMs < 1000)}; RSS grew ${grew} at most${busy ? ` (the gateway got ${bench.percent(cpu[0])} of a core: other jobs had the CPU, rerun on a quiet machine)` : ''}`,
  );
}

function poolFor(target, connections) {
  return new Pool(target.origin, { connections, pipelining: 1, connect: target.connect });
}

/** One request; true for the 200 every call must get (anything else stops the bench). */
async function once(pool, { name, path, method, headers, body }) {
  const answer = await pool.request({ path, method, headers, body });
  await answer.body.dump();
  if (answer.statusCode !== 200) throw new Error(`${name} answered ${answer.statusCode}`);
  return true;
}

/**
 * `seconds` of load on --connections connections, after connections and TLS sessions and then a
 * second of the same load, so the measured seconds are the steady state: V8 optimises a process's
 * hot code on background threads once it runs under load, and that CPU counts in the process's figure
 * (more of it for the gateway, which has more code).
 */
async function throughput(target, seconds = opt.seconds) {
  const pool = poolFor(target, opt.connections);
  const send = () => once(pool, target);
  await bench.closedLoop({ count: 300 }, send);
  await bench.closedLoop({ workers: opt.connections, seconds: 1 }, send);
  const cpu = bench.cpuMeter(target.pid);
  const run = await bench.closedLoop({ workers: opt.connections, seconds }, send);
  const cpuSeconds = cpu();
  await pool.close();
  return { done: run.ok, rps: run.ok / run.seconds, cpuMicrosPerRequest: cpuSeconds && (cpuSeconds * 1e6) / run.ok };
}

/** p50 and p99 of --latency-requests requests one after the other on one connection. */
async function latency(target) {
  const pool = poolFor(target, 1);
  const send = () => once(pool, target);
  await bench.closedLoop({ count: 200 }, send);
  const { latencies } = await bench.closedLoop({ count: opt['latency-requests'], timed: true }, send);
  await pool.close();
  const [p50, p99] = bench.percentiles(latencies, 0.5, 0.99);
  return { p50, p99 };
}
