import { join } from 'node:path';
import type { SettingsContext } from '../../src/index.js';

/** A service started in `dir` (its workspace root too), with the dev PKI in `dir/.dev-pki`. */
export function settingsContextIn(dir: string, environment: SettingsContext['environment']): SettingsContext {
  return { environment, workspaceRoot: dir, devPkiDir: join(dir, '.dev-pki'), cwd: dir };
}
