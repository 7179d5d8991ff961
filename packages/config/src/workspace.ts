import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEV_PKI_DIR_NAME } from './variables.js';

/** The nearest folder up from `cwd` that holds nx.json, or `cwd` itself when there is none (a container). */
export function findWorkspaceRoot(cwd: string = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

/**
 * The dev PKI folder every local process shares: CONNECTPAY_DEV_PKI_DIR, else `.dev-pki` at the
 * workspace root, so `nx serve gateway` (run from any project folder) and the sandbox it starts
 * agree on one set of keys.
 */
export function resolveDevPkiDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): string {
  const configured = env['CONNECTPAY_DEV_PKI_DIR'];
  if (configured) return resolve(cwd, configured);
  return join(findWorkspaceRoot(cwd), DEV_PKI_DIR_NAME);
}
