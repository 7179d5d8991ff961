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
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const APP = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(APP, 'dist');
const ESM = join(DIST, 'esm');
const require = createRequire(import.meta.url);

const result = await build({
  entryPoints: [join(ESM, 'main.js')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  write: false,
  external: ['@peculiar/*', 'reflect-metadata', 'fflate', 'tslib'],
  legalComments: 'inline',
  // The sources find their package.json from import.meta.url, which CommonJS does not have.
  banner: { js: "var import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': 'import_meta_url' },
  logLevel: 'warning',
});
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
 * Runs one offline verification (of a root from Node's own store, so the build needs no fixture) and
 * saves V8's code cache afterwards: it then holds the functions a verification actually compiles.
 */
function recordCodeCache() {
  const scratch = mkdtempSync(join(tmpdir(), 'cert-check-build-'));
  try {
    const recorder = join(scratch, 'record.cjs');
    const chain = join(scratch, 'chain.pem');
    writeFileSync(recorder, recorderSource(join(DIST, 'cert-check.cache')));
    writeFileSync(chain, `${require('node:tls').rootCertificates[0]}\n`);
    spawnSync(process.execPath, [recorder, 'verify', '--offline', chain], { stdio: 'ignore' });
    if (!existsSync(join(DIST, 'cert-check.cache')))
      throw new Error('recording the code cache failed: run node dist/main.js verify --offline FILE to see why');
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
recordCodeCache();
console.log(`bundled dist/cert-check.cjs (${(bundle.length / 1024).toFixed(0)} K characters), code cache recorded`);
