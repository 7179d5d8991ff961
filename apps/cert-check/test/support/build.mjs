// Jest globalSetup: the tests run the installed bin, which runs dist/, so dist/ must be built from the
// current sources, once, before any test file starts (a build inside a test file would delete dist/ under
// the files running in parallel). Builds as `npm run build` does when dist/ is missing or older than
// src/, the bundle script, package.json or the certs engine's dist/; otherwise (after `nx run
// cert-check:build`, or a second run) it costs a few stat() calls.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
const CERTS_DIST = fileURLToPath(new URL('../../../../packages/certs/dist/', import.meta.url));
/** Written last by scripts/bundle.mjs. */
const BUILT = join(APP_DIR, 'dist/cert-check.cache');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newest(join(path, entry))), stat.mtimeMs);
}

export default function buildOnce() {
  if (!existsSync(join(CERTS_DIST, 'index.js')))
    throw new Error('packages/certs is not built: run `npx nx run cert-check:build` (nx builds it before test)');
  const sources = [
    join(APP_DIR, 'src'),
    join(APP_DIR, 'scripts/bundle.mjs'),
    join(APP_DIR, 'package.json'),
    CERTS_DIST,
  ];
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs >= Math.max(...sources.map(newest))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(join(APP_DIR, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json'], { cwd: APP_DIR, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { cwd: APP_DIR, stdio: 'inherit' });
}
