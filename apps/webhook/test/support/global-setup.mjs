// The crash tests spawn `node dist/main.js`: compile the app once before any suite runs, so they test
// the same build `nx serve webhook` starts (workspace packages resolve to their built dist/).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  execFileSync(process.execPath, [join(appDir, '../../node_modules/typescript/bin/tsc'), '-p', 'tsconfig.lib.json'], {
    cwd: appDir,
    stdio: 'inherit',
  });
}
