// Packs dist/esm/ (tsc output), the @connectpay-kit/certs engine and commander into one CommonJS file,
// dist/cert-check.cjs (esbuild), records a V8 code cache for it (dist/cert-check.cache), and writes the
// bin, dist/main.js, which runs the one through the other. dist/package.json says "commonjs" for these;
// dist/esm/package.json keeps the tsc output ESM (`node dist/esm/main.js` behaves the same, slower).
//
// Why: a cold `cert-check verify` spent most of its time loading code, not checking certificates:
// Node's ESM loader opened, resolved and linked ~90 small modules, then V8 compiled them. One file
// removes the per-module loader cost; the code cache, made at build time by running a verification,
// removes most of the compiling. Packages with native or lazily loaded parts stay external: fflate
// loads with require(), @peculiar only when a rule needs it.
//
// No import() may survive in the bundle: it runs through vm.Script, whose dynamic import() fails ("A dynamic
// import callback was not specified") unless given an importModuleDynamically loader, and on Node 20 the
// only one that needs no flag (vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER) prints an ExperimentalWarning
// to the user's stderr at each use. So esbuild turns every import() into a lazy require() (the @peculiar
// externals are CommonJS packages without an exports map: import() and require() load the same module),
// and the build fails if one is left. That import() once made every PSD2 statement "unreadable" in the
// shipped bin while the ESM build read it, hence the PSD2 QWAC in the cache-recording run below.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const APP = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(APP, 'dist');
const ESM = join(DIST, 'esm');

const result = await build({
  entryPoints: [join(ESM, 'main.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  metafile: true,
  supported: { 'dynamic-import': false },
  external: ['@peculiar/*', 'reflect-metadata', 'fflate', 'tslib'],
  legalComments: 'inline',
  // The sources find their package.json from import.meta.url, which CommonJS does not have.
  banner: { js: "var import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': 'import_meta_url' },
  logLevel: 'warning',
});
const dynamicImports = Object.values(result.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((entry) => entry.kind === 'dynamic-import');
if (dynamicImports.length > 0)
  throw new Error(
    `the bundle still has import() of ${dynamicImports.map((entry) => entry.path).join(', ')}: it would fail inside vm.Script`,
  );
// The entry's shebang belongs to the bin (dist/main.js), not inside the function wrapper below.
const bundle = result.outputFiles[0].text.replace(/^#!.*\n/, '');

// The bundle runs inside this wrapper, compiled by vm.Script: the loader and the cache recorder must use
// the very same text, or V8 rejects the cache.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/** The bin: compiles the bundle with the recorded cache when V8 accepts it (same Node version), else as usual. */
const LOADER = `'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');
const file = join(__dirname, 'cert-check.cjs');
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'cert-check.cache'));
} catch {
  // No cache: compile as usual. A cache from another Node version is rejected by V8 and ignored the same way.
}
const source = ${JSON.stringify(WRAPPER_HEAD)} + readFileSync(file, 'utf8') + ${JSON.stringify(WRAPPER_TAIL)};
const script = new Script(source, { filename: file, cachedData });
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(file), module_, file, __dirname);
`;

/** The build-time twin of LOADER: no cache in, the cache out when the run ends. */
function recorderSource(cacheFile) {
  return `'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { Script } = require('node:vm');
const file = ${JSON.stringify(join(DIST, 'cert-check.cjs'))};
const source = ${JSON.stringify(WRAPPER_HEAD)} + readFileSync(file, 'utf8') + ${JSON.stringify(WRAPPER_TAIL)};
const script = new Script(source, { filename: file });
process.on('exit', () => writeFileSync(${JSON.stringify(cacheFile)}, script.createCachedData()));
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, createRequire(file), module_, file, ${JSON.stringify(DIST)});
`;
}

/**
 * Runs one offline verification of a testing-pki chain whose leaf is a PSD2 QWAC (`verify --psd2`: every
 * rule, the QcStatements decoder included) and saves V8's code cache afterwards: it then holds the
 * functions a verification actually compiles. Then checks, in a fresh process as the bin does, that V8
 * accepts the cache: a rejected cache still runs, only slower, so nothing else would notice.
 */
async function recordCodeCache() {
  let psd2Qwac;
  try {
    ({ psd2Qwac } = await import('@connectpay-kit/testing-pki'));
  } catch (error) {
    throw new Error(
      `recording the code cache needs packages/testing-pki built (${error.message}): run \`npx nx run cert-check:build\`, which builds it first`,
      { cause: error },
    );
  }
  const qwac = await psd2Qwac({ roles: ['PSP_AI', 'PSP_PI'] });
  const cache = join(DIST, 'cert-check.cache');
  const scratch = mkdtempSync(join(tmpdir(), 'cert-check-build-'));
  try {
    const recorder = join(scratch, 'record.cjs');
    const chain = join(scratch, 'chain.pem');
    const root = join(scratch, 'root.pem');
    writeFileSync(recorder, recorderSource(cache));
    writeFileSync(chain, qwac.pem);
    writeFileSync(root, qwac.root.pem);
    const recorded = spawnSync(
      process.execPath,
      [recorder, 'verify', '--offline', '--psd2=PSP_AI', '--trust', root, chain],
      { encoding: 'utf8' },
    );
    // Exit 1 (a finding) still records a full verification; anything else means the run broke off.
    if (![0, 1].includes(recorded.status) || !existsSync(cache))
      throw new Error(
        `recording the code cache failed (exit ${recorded.status}), the recording run printed:\n${recorded.stdout}${recorded.stderr}`,
      );
    const check = spawnSync(
      process.execPath,
      [
        '-e',
        `const { readFileSync } = require('node:fs');
const { Script } = require('node:vm');
const source = ${JSON.stringify(WRAPPER_HEAD)} + readFileSync(process.argv[1], 'utf8') + ${JSON.stringify(WRAPPER_TAIL)};
const script = new Script(source, { filename: process.argv[1], cachedData: readFileSync(process.argv[2]) });
process.stdout.write(String(script.cachedDataRejected));`,
        join(DIST, 'cert-check.cjs'),
        cache,
      ],
      { encoding: 'utf8' },
    );
    if (check.stdout !== 'false') throw new Error(`V8 rejects the recorded code cache: ${check.stdout}${check.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// Only the bundle, its cache, its loader, the format marker and the ESM build stay: stale files go.
for (const entry of readdirSync(DIST)) if (entry !== 'esm') rmSync(join(DIST, entry), { recursive: true, force: true });
writeFileSync(join(ESM, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
writeFileSync(join(DIST, 'cert-check.cjs'), bundle);
writeFileSync(
  join(DIST, 'main.js'),
  `#!/usr/bin/env node\n// Generated by scripts/bundle.mjs: runs cert-check.cjs with the V8 code cache recorded at build time.\n${LOADER}`,
);
chmodSync(join(DIST, 'main.js'), 0o755);
await recordCodeCache();
console.log(`bundled dist/cert-check.cjs (${(bundle.length / 1024).toFixed(0)} K characters), code cache recorded`);
