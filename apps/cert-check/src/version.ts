import { readFileSync } from 'node:fs';

/** This package's version, from the nearest package.json named @connectpay-kit/cert-check up the tree. */
export function version(): string {
  // Source, the ESM build (dist/esm) and the bundle (dist/main.js) sit at different depths.
  for (const up of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@connectpay-kit/cert-check' && manifest.version) return manifest.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}
