import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Copied from apps/sandbox/src/workspace.ts (apps never import apps): the gateway and the sandbox
// must agree on one dev PKI folder, so `nx serve gateway` starts both on the same keys.

/** The nearest folder up from `cwd` that holds nx.json, or `cwd` itself when there is none (a container). */
export function findWorkspaceRoot(cwd = process.cwd()): string {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(cwd);
    dir = parent;
  }
}

/** CONNECTPAY_DEV_PKI_DIR, else `<workspace root>/.dev-pki`: the folder the sandbox uses too. */
export function resolveDevPkiDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const configured = env['CONNECTPAY_DEV_PKI_DIR'];
  if (configured) return resolve(cwd, configured);
  return join(findWorkspaceRoot(cwd), '.dev-pki');
}
