import { parseLocation } from './location.js';
import { resolveOptions } from './options.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite } from './sqlite/open-sqlite.js';
import type { OpenStorageOptions, Storage } from './types.js';

/**
 * Opens the platform's storage and brings its schema up to date. `postgres://…` or `postgresql://…`
 * selects PostgreSQL (for replicas sharing one database); a file path or `:memory:` selects SQLite
 * (one node, nothing to run). Throws StorageInvalidLocationError, StorageInvalidInputError,
 * StorageUnavailableError, StorageMigrationFailedError or StorageSchemaTooNewError.
 */
export async function openStorage(location: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const parsed = parseLocation(location);
  const resolved = resolveOptions(options);
  return parsed.dialect === 'postgres'
    ? openPostgres(parsed.url, parsed.display, resolved)
    : openSqlite(parsed.path, parsed.display, resolved);
}
