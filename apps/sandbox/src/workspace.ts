import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The dev PKI folder: CONNECTPAY_DEV_PKI_DIR, else `.dev-pki` at the workspace root (the nearest
 * folder up from the working directory holding nx.json), so `nx serve` from any project shares one.
 */
export function resolveDevPkiDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const configured = env['CONNECTPAY_DEV_PKI_DIR'];
  if (configured) return resolve(cwd, configured);
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return join(dir, '.dev-pki');
    const parent = dirname(dir);
    if (parent === dir) return join(resolve(cwd), '.dev-pki');
    dir = parent;
  }
}
