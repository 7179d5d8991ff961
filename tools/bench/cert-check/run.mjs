#!/usr/bin/env node
// cert-check bench (README.md beside this file): cold start of one chain (and of one PSD2 QWAC chain)
// next to `node -e 0` and `openssl verify`, and 1,000 chains in one cert-check call next to an
// `openssl verify` loop. Figures are printed, never asserted; the bench only refuses to time a build
// whose PSD2 check does not work.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createChain, createRoot, psd2Qwac, toPem } from '@connectpay-kit/testing-pki';
import * as bench from '../harness.mjs';

// The package's bin, as npx runs it: the committed launcher, which runs dist/main.js (bundle + code cache).
const CLI = join(bench.ROOT, 'apps/cert-check/bin/cert-check.cjs');
const CLI_ESM = join(bench.ROOT, 'apps/cert-check/dist/esm/main.js');
const NODE = process.execPath;
const opt = bench.options({
  runs: { default: 30 },
  chains: { default: 1000 },
  keep: { default: false },
});
bench.requireBuilt(
  join(bench.ROOT, 'apps/cert-check/dist/main.js'),
  'npm run build in apps/cert-check and packages/certs',
);
const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const openssl = has('openssl');
const dir = bench.scratchDir('cert-check-bench-', opt.keep);
const file = (name, content) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

/** Wall time in ms of one process, spawned and waited for; throws when it does not exit with 0. */
function timeOnce([command, ...args]) {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.status !== 0) {
    const output = (result.stderr || result.stdout).slice(0, 400);
    throw new Error(`${command} ${args.slice(0, 6).join(' ')}… exited ${result.status}: ${output}`);
  }
  return { elapsed, result };
}

function stats(samples) {
  const mean = bench.sum(samples) / samples.length;
  const sd = Math.sqrt(bench.sum(samples.map((x) => (x - mean) ** 2)) / samples.length);
  const { min, max } = { min: Math.min(...samples), max: Math.max(...samples) };
  return { mean, median: bench.median(samples), min, max, sd, runs: samples.length };
}

/**
 * Each case ({ name: [command, ...args] }) `runs` times after 3 warm-up runs, the cases interleaved so
 * background load hits them alike.
 */
function compare(cases, runs) {
  for (let i = 0; i < 3; i++) Object.values(cases).forEach(timeOnce);
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    for (const [name, line] of Object.entries(cases)) samples[name].push(timeOnce(line).elapsed);
  }
  return new Map(Object.entries(samples).map(([name, times]) => [name, stats(times)]));
}

function table(title, rows) {
  console.log(`\n${title}`);
  const ms = (x) => x.toFixed(1);
  bench.printTable(
    [...rows].map(([name, s]) => ({
      case: name,
      'mean ms': ms(s.mean),
      median: ms(s.median),
      min: ms(s.min),
      max: ms(s.max),
      sd: ms(s.sd),
      runs: s.runs,
    })),
  );
}

await bench.runBench(async () => {
  if (!openssl) console.error('openssl not found: its rows are skipped.');
  const opensslVersion = openssl ? spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim() : 'no openssl';
  console.log(
    `node ${process.version}, ${opensslVersion}, each run a spawnSync timed with performance.now(); files in ${dir}`,
  );

  // One chain, cold: every run is a fresh process.
  const one = await createChain();
  const [chain, root] = [file('chain.pem', one.pem), file('root.pem', one.root.pem)];
  const [intermediate, leaf] = [file('intermediate.pem', one.intermediates[0].pem), file('leaf.pem', one.leaf.pem)];
  // A QWAC chain: the cold start with the PSD2 statement decoded (@peculiar/asn1-schema loaded).
  const qwac = await psd2Qwac({ roles: ['PSP_AI', 'PSP_PI'] });
  const [qwacRoot, qwacChain] = [file('qwac-root.pem', qwac.root.pem), file('qwac-chain.pem', qwac.pem)];
  const psd2 = [NODE, CLI, 'verify', '--offline', '--psd2=PSP_AI,PSP_PI', '--trust', qwacRoot, qwacChain];
  // Timing a bin that cannot read PSD2 statements (issue 12: the bundle's import() failed) would be
  // timing the wrong thing: the QWAC must pass, roles read.
  const { stdout } = timeOnce([...psd2, '--format', 'json']).result;
  if (!stdout.includes('"ok":true') || /cannot be read|unreadable/.test(stdout)) {
    throw new Error(`cert-check verify --psd2 on a testing-pki QWAC chain did not pass: ${stdout}`);
  }
  const verify = ['verify', '--offline', '--trust', root, chain];
  const single = {
    'node -e 0': [NODE, '-e', '0'],
    'cert-check --version (no engine)': [NODE, CLI, '--version'],
    'cert-check verify --offline (1 chain)': [NODE, CLI, ...verify],
    ...(existsSync(CLI_ESM) && { '  same, unbundled ESM build (dist/esm)': [NODE, CLI_ESM, ...verify] }),
    'cert-check verify --psd2 (1 QWAC)': psd2,
    ...(openssl && {
      'openssl verify (1 chain)': ['openssl', 'verify', '-CAfile', root, '-untrusted', intermediate, leaf],
    }),
  };
  const singleStats = compare(single, opt.runs);
  table(`One chain, cold (${opt.runs} runs each, interleaved, after 3 warm-up runs)`, singleStats);

  // 1,000 client chains under one private CA, as a platform team would check its fleet.
  const generating = performance.now();
  const ca = await createRoot({ subject: { commonName: 'Bench Root CA' } });
  const issuing = await ca.issue({ ca: true, subject: { commonName: 'Bench Issuing CA' } });
  const fleetRoot = file('fleet-root.pem', ca.pem);
  const files = [];
  for (let i = 0; i < opt.chains; i++) {
    const subject = { commonName: `client-${i}.bench.test` };
    const client = await issuing.issue({ subject, extendedKeyUsage: ['clientAuth'] });
    files.push(file(`chain-${String(i).padStart(4, '0')}.pem`, toPem([client, issuing, ca])));
  }
  console.log(`\ngenerated ${opt.chains} chains in ${((performance.now() - generating) / 1000).toFixed(1)} s`);

  const checkAll = `cert-check verify, ${opt.chains} files, 1 call`;
  const opensslLoop = `openssl verify loop, ${opt.chains} processes`;
  const fleetCall = [NODE, CLI, 'verify', '--offline', '--format', 'json', '--trust', fleetRoot];
  const calls = [];
  for (let i = 0; i < 3; i++) {
    const { elapsed, result } = timeOnce([...fleetCall, ...files]);
    const lines = result.stdout.trim().split('\n');
    if (lines.length !== opt.chains || lines.some((line) => !line.includes('"ok":true'))) {
      throw new Error('cert-check did not pass every fleet chain');
    }
    calls.push(elapsed);
  }
  const rows = new Map([[checkAll, stats(calls)]]);
  if (openssl) {
    const loops = [];
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      for (const f of files) timeOnce(['openssl', 'verify', '-CAfile', fleetRoot, '-untrusted', f, f]);
      loops.push(performance.now() - start);
    }
    rows.set(opensslLoop, stats(loops));
  }
  table(`${opt.chains} chains`, rows);

  // Medians: on a shared machine a few runs hit a busy moment, which drags the mean, not the median.
  const node0 = singleStats.get('node -e 0').median;
  const coldCli = singleStats.get('cert-check verify --offline (1 chain)').median / node0;
  const coldPsd2 = singleStats.get('cert-check verify --psd2 (1 QWAC)').median / node0;
  const manyCli = rows.get(checkAll).median;
  const target = (name, ratio, verdict) => ({ 'target (medians)': name, measured: `${ratio.toFixed(2)}x`, verdict });
  const targets = [
    target('one chain <= 1.5x `node -e 0`', coldCli, bench.met(coldCli <= 1.5)),
    target('(one QWAC chain with --psd2, for information)', coldPsd2, ''),
  ];
  if (openssl) {
    const faster = rows.get(opensslLoop).median / manyCli;
    targets.push(target(`${opt.chains} chains >= 10x faster than an openssl loop`, faster, bench.met(faster >= 10)));
  }
  console.log('');
  bench.printTable(targets);
  const load = loadavg().map((x) => x.toFixed(2));
  console.log(
    `\nper chain in the ${opt.chains}-file call: ${(manyCli / opt.chains).toFixed(2)} ms; machine: ${cpus().length} CPUs, load ${load.join(' ')}`,
  );
});
