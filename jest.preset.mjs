// Shared Jest settings for every project. Jest runs in native ESM (NestJS 12 ships ESM only), with
// @swc/jest compiling TypeScript including legacy decorators and their metadata (Nest's DI reads it).
// Workspace packages resolve to their TypeScript sources, so tests never need a prior build.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = dirname(fileURLToPath(import.meta.url));

/** @returns {import('jest').Config} */
export function jestConfig(overrides = {}) {
  return {
    testEnvironment: 'node',
    // A hang guard, not a speed claim: on a loaded 2-core machine (CI's suites, builds and the rename
    // e2e's build of a renamed copy side by side) RSA key generation and TLS handshakes pushed a test
    // past Jest's 5 s.
    testTimeout: 30_000,
    extensionsToTreatAsEsm: ['.ts'],
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    moduleNameMapper: {
      // The one app other apps' end-to-end tests start in-process: the local ConnectPay.
      '^@connectpay-kit/sandbox$': join(workspaceRoot, 'apps/sandbox/src/index.ts'),
      '^@connectpay-kit/([a-z0-9-]+)$': join(workspaceRoot, 'packages/$1/src/index.ts'),
      '^@connectpay-kit/([a-z0-9-]+)/([a-z0-9-]+)$': join(workspaceRoot, 'packages/$1/src/$2/index.ts'),
      '^(\\.{1,2}/.*)\\.js$': '$1',
    },
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: {
            target: 'es2022',
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true },
          },
          module: { type: 'es6' },
          sourceMaps: 'inline',
        },
      ],
    },
    ...overrides,
  };
}

export { workspaceRoot };
