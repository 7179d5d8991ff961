import { StorageInvalidInputError } from './errors.js';
import type { OpenStorageOptions } from './types.js';
import { requireCount } from './validation.js';

export interface ResolvedOptions {
  readonly schema: string | undefined;
  readonly lockTimeoutMs: number;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly groupCommit: { readonly maxBatch: number; readonly windowMs: number };
}

// Lower-case identifiers only: the name goes unquoted into a connection startup parameter.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Defaults filled in and every number checked once, before any connection is opened. */
export function resolveOptions(options: OpenStorageOptions): ResolvedOptions {
  const schema = options.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new StorageInvalidInputError(
      `The schema name ${JSON.stringify(schema)} is not allowed: use 1-63 lower-case letters, digits and underscores, starting with a letter or underscore.`,
    );
  }
  return {
    schema,
    lockTimeoutMs: requireCount(options.lockTimeoutMs ?? 5000, 'lockTimeoutMs', { min: 0, max: 3_600_000 }),
    poolSize: requireCount(options.poolSize ?? 10, 'poolSize', { min: 1, max: 1000 }),
    connectTimeoutMs: requireCount(options.connectTimeoutMs ?? 5000, 'connectTimeoutMs', { min: 1, max: 3_600_000 }),
    groupCommit: {
      maxBatch: requireCount(options.groupCommit?.maxBatch ?? 256, 'groupCommit.maxBatch', { min: 1, max: 10_000 }),
      windowMs: requireCount(options.groupCommit?.windowMs ?? 0, 'groupCommit.windowMs', { min: 0, max: 60_000 }),
    },
  };
}
