#!/usr/bin/env node
// cert-check bench: cold start of one chain (and of one PSD2 QWAC chain) next to `node -e 0` and
// `openssl verify`, and 1,000 chains in one cert-check call next to an `openssl verify` loop. Figures are
// printed, never asserted; the bench only refuses to time a build whose PSD2 check does not work.
// Usage: node tools/bench/cert-check/run.mjs [--runs 30] [--chains 1000] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createChain, createRoot, psd2Qwac, toPem } from '@connectpay-kit/testing-pki';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// The package's bin, as npx runs it: the committed launcher, which runs dist/main.js (bundle + code cache).
const CLI = join(ROOT, 'apps/cert-check/bin/cert-check.cjs');
const BUILT = join(ROOT, 'apps/cert-check/dist/main.js');
const CLI_ESM = join(ROOT, 'apps/cert-check/dist/esm/main.js');
const NODE = process.execPath;

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}
const RUNS = option('runs', 30);
const CHAINS = option('chains', 1000);
const KEEP = process.argv.includes('--keep');

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).status === 0;
}

/** Wall time of one process, spawned and waited for; throws when it does not exit as expected. */
function timeOnce(command, args, expectedCodes = [0]) {
  const start = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (!expectedCodes.includes(result.status)) {
    throw new Error(
      `${command} ${args.slice(0, 6).join(' ')}… exited ${result.status}: ${(result.stderr || result.stdout).slice(0, 400)}`,
    );
  }
  return { elapsed, result };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, x) => sum + x, 0) / samples.length;
  const sd = Math.sqrt(samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / samples.length);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { mean, median, min: sorted[0], max: sorted[sorted.length - 1], sd, runs: samples.length };
}

/** Runs each command `runs` times, interleaved so background load hits them alike, after warm-up runs. */
function compare(cases, runs, warmup = 3) {
  for (let i = 0; i < warmup; i++) for (const c of cases) timeOnce(c.command, c.args, c.codes);
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++)
    for (const c of cases) samples.get(c.name).push(timeOnce(c.command, c.args, c.codes).elapsed);
  return new Map(cases.map((c) => [c.name, stats(samples.get(c.name))]));
}

/** hyperfine's means when it is installed (more careful statistics); else undefined. */
function hyperfine(cases, runs) {
  if (!has('hyperfine')) return undefined;
  const out = join(tmpdir(), `cert-check-bench-${process.pid}.json`);
  const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const args = ['--warmup', '3', '--runs', String(runs), '--export-json', out, '-N', '--ignore-failure'];
  for (const c of cases) args.push('-n', c.name, [c.command, ...c.args].map(quote).join(' '));
  spawnSync('hyperfine', args, { stdio: 'inherit' });
  const { results } = JSON.parse(readJson(out));
  rmSync(out, { force: true });
  return new Map(
    results.map((r) => [
      r.command,
      {
        mean: r.mean * 1000,
        median: r.median * 1000,
        min: r.min * 1000,
        max: r.max * 1000,
        sd: r.stddev * 1000,
        runs: r.times.length,
      },
    ]),
  );
}

function readJson(path) {
  return spawnSync('cat', [path], { encoding: 'utf8' }).stdout;
}

const ms = (x) => x.toFixed(1).padStart(8);

function table(title, rows) {
  console.log(`\n${title}`);
  console.log('| case                                   |  mean ms | median |    min |    max |     sd | runs |');
  console.log('| -------------------------------------- | -------: | -----: | -----: | -----: | -----: | ---: |');
  for (const [name, s] of rows) {
    console.log(
      `| ${name.padEnd(38)} | ${ms(s.mean)} | ${ms(s.median).trim().padStart(6)} | ${ms(s.min).trim().padStart(6)} | ${ms(s.max).trim().padStart(6)} | ${ms(s.sd).trim().padStart(6)} | ${String(s.runs).padStart(4)} |`,
    );
  }
}

/** The run's scratch folder, removed on failure too (unless --keep). */
let dir;

async function main() {
  if (!existsSync(BUILT)) {
    console.error(
      `cert-check is not built (${BUILT} missing): run \`npm run build\` in apps/cert-check (and in packages/certs) first.`,
    );
    process.exit(1);
  }
  if (!has('openssl')) console.error('openssl not found: its rows are skipped.');
  dir = mkdtempSync(join(tmpdir(), 'cert-check-bench-'));
  const file = (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  console.log(
    `node ${process.version}, ${has('openssl') ? spawnSync('openssl', ['version'], { encoding: 'utf8' }).stdout.trim() : 'no openssl'}, ` +
      `${has('hyperfine') ? 'hyperfine' : 'no hyperfine: spawnSync loop timed with performance.now()'}; files in ${dir}`,
  );

  // One chain, cold: every run is a fresh process.
  const one = await createChain();
  const chain = file('chain.pem', one.pem);
  const root = file('root.pem', one.root.pem);
  const intermediate = file('intermediate.pem', one.intermediates[0].pem);
  const leaf = file('leaf.pem', one.leaf.pem);
  // A QWAC chain: the cold start with the PSD2 statement decoded (@peculiar/asn1-schema loaded).
  const qwac = await psd2Qwac({ roles: ['PSP_AI', 'PSP_PI'] });
  const qwacChain = file('qwac-chain.pem', qwac.pem);
  const qwacRoot = file('qwac-root.pem', qwac.root.pem);
  const psd2Args = [CLI, 'verify', '--offline', '--psd2=PSP_AI,PSP_PI', '--trust', qwacRoot, qwacChain];
  // Timing a bin that cannot read PSD2 statements (issue 12: the bundle's import() failed) would be
  // timing the wrong thing: the QWAC must pass, roles read.
  const psd2Check = spawnSync(NODE, [...psd2Args, '--format', 'json'], { encoding: 'utf8' });
  if (
    psd2Check.status !== 0 ||
    !psd2Check.stdout.includes('"ok":true') ||
    /cannot be read|unreadable/.test(psd2Check.stdout)
  )
    throw new Error(
      `cert-check verify --psd2 on a testing-pki QWAC chain did not pass: ${psd2Check.stdout}${psd2Check.stderr}`,
    );
  const single = [
    { name: 'node -e 0', command: NODE, args: ['-e', '0'] },
    { name: 'cert-check --version (no engine)', command: NODE, args: [CLI, '--version'] },
    {
      name: 'cert-check verify --offline (1 chain)',
      command: NODE,
      args: [CLI, 'verify', '--offline', '--trust', root, chain],
    },
    ...(existsSync(CLI_ESM)
      ? [
          {
            name: '  same, unbundled ESM build (dist/esm)',
            command: NODE,
            args: [CLI_ESM, 'verify', '--offline', '--trust', root, chain],
          },
        ]
      : []),
    { name: 'cert-check verify --psd2 (1 QWAC)', command: NODE, args: psd2Args },
    ...(has('openssl')
      ? [
          {
            name: 'openssl verify (1 chain)',
            command: 'openssl',
            args: ['verify', '-CAfile', root, '-untrusted', intermediate, leaf],
          },
        ]
      : []),
  ];
  const singleStats = hyperfine(single, RUNS) ?? compare(single, RUNS);
  table(`One chain, cold (${RUNS} runs each, interleaved, after 3 warm-up runs)`, singleStats);

  // 1,000 client chains under one private CA, as a platform team would check its fleet.
  const generating = performance.now();
  const ca = await createRoot({ subject: { commonName: 'Bench Root CA' } });
  const issuing = await ca.issue({ ca: true, subject: { commonName: 'Bench Issuing CA' } });
  const fleetRoot = file('fleet-root.pem', ca.pem);
  const files = [];
  for (let i = 0; i < CHAINS; i++) {
    const client = await issuing.issue({
      subject: { commonName: `client-${i}.bench.test` },
      extendedKeyUsage: ['clientAuth'],
    });
    files.push(file(`chain-${String(i).padStart(4, '0')}.pem`, toPem([client, issuing, ca])));
  }
  console.log(`\ngenerated ${CHAINS} chains in ${((performance.now() - generating) / 1000).toFixed(1)} s`);

  const manyRuns = 3;
  const checkAll = {
    name: `cert-check verify, ${CHAINS} files, 1 call`,
    command: NODE,
    args: [CLI, 'verify', '--offline', '--format', 'json', '--trust', fleetRoot, ...files],
  };
  const cc = [];
  for (let i = 0; i < manyRuns; i++) {
    const { elapsed, result } = timeOnce(checkAll.command, checkAll.args);
    const lines = result.stdout.trim().split('\n');
    if (lines.length !== CHAINS || lines.some((line) => !line.includes('"ok":true')))
      throw new Error('cert-check did not pass every fleet chain');
    cc.push(elapsed);
  }
  const rows = new Map([[checkAll.name, stats(cc)]]);
  let opensslRan = false;
  if (has('openssl')) {
    const loop = [];
    for (let i = 0; i < 2; i++) {
      const start = performance.now();
      for (const f of files) {
        const result = spawnSync('openssl', ['verify', '-CAfile', fleetRoot, '-untrusted', f, f], { encoding: 'utf8' });
        if (result.status !== 0) throw new Error(`openssl verify ${f} failed: ${result.stdout}${result.stderr}`);
      }
      loop.push(performance.now() - start);
    }
    const loopStats = stats(loop);
    opensslRan = true;
    rows.set(`openssl verify loop, ${CHAINS} processes`, loopStats);
  }
  table(`${CHAINS} chains`, rows);

  // Medians: on a shared machine a few runs hit a busy moment, which drags the mean, not the median.
  const node0 = singleStats.get('node -e 0').median;
  const coldCli = singleStats.get('cert-check verify --offline (1 chain)').median;
  const coldPsd2 = singleStats.get('cert-check verify --psd2 (1 QWAC)').median;
  const manyCli = rows.get(checkAll.name).median;
  console.log('\n| target (medians)                               | measured        | met |');
  console.log('| ---------------------------------------------- | --------------- | --- |');
  console.log(
    `| one chain <= 1.5x \`node -e 0\`                  | ${`${(coldCli / node0).toFixed(2)}x`.padEnd(15)} | ${coldCli / node0 <= 1.5 ? 'yes' : 'no '} |`,
  );
  console.log(
    `| (one QWAC chain with --psd2, for information)  | ${`${(coldPsd2 / node0).toFixed(2)}x`.padEnd(15)} |     |`,
  );
  if (opensslRan) {
    const loop = rows.get(`openssl verify loop, ${CHAINS} processes`).median;
    console.log(
      `| ${`${CHAINS} chains >= 10x faster than an openssl loop`.padEnd(46)} | ${`${(loop / manyCli).toFixed(2)}x`.padEnd(15)} | ${loop / manyCli >= 10 ? 'yes' : 'no '} |`,
    );
  }
  console.log(
    `\nper chain in the ${CHAINS}-file call: ${(manyCli / CHAINS).toFixed(2)} ms; machine: ${(await import('node:os')).cpus().length} CPUs, load ${(
      await import('node:os')
    )
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  if (KEEP) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  if (dir && !KEEP) rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
