import { dirname, join } from 'node:path';
import { reasonOf, StartupConfigError, StartupFailedError } from './errors.js';
import type { ServiceDescriptor } from './service.js';

/** A SQLite file in `<workspace root>/.data`, where every local service keeps its data. */
export function defaultStorageLocation(workspaceRoot: string, fileName: string): string {
  return join(workspaceRoot, '.data', fileName);
}

/** `postgres://…` and the like: a location that is not a file path. */
export function isDatabaseUrl(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/** The folder a SQLite location needs, or undefined for `:memory:` and database URLs. */
export function storageFolder(location: string): string | undefined {
  if (location === ':memory:' || isDatabaseUrl(location)) return undefined;
  return dirname(location);
}

/** A storage variable's value as a location: URLs and `:memory:` as given, file paths resolved. */
export function storageLocationOf(
  value: string | undefined,
  fallback: string,
  path: (value: string) => string,
): string {
  if (value === undefined) return fallback;
  return storageFolder(value) === undefined ? value : path(value);
}

/**
 * Opens the service's storage. A location packages/storage refuses is a configuration error under
 * the service's storage variable (exit 78); anything else (a locked file, a database that is down)
 * is a failed start that names the storage error's code.
 */
export async function openStorageOrExplain<T>(
  service: Pick<ServiceDescriptor, 'displayName' | 'readme' | 'storageVariable'>,
  environment: string,
  open: () => Promise<T>,
): Promise<T> {
  try {
    return await open();
  } catch (error) {
    const code = (error as { code?: unknown } | null | undefined)?.code;
    const reason = reasonOf(error);
    if (code === 'STORAGE_INVALID_LOCATION') {
      throw new StartupConfigError(service, environment, [{ variable: service.storageVariable, message: reason }]);
    }
    throw new StartupFailedError(
      `storage could not be opened (${typeof code === 'string' ? code : 'error'}): ${reason}`,
      { cause: error },
    );
  }
}
