import { StorageConflictError } from './errors.js';

export function tokenConflict(key: string, expectedVersion: number, currentVersion: number): StorageConflictError {
  const found = currentVersion === 0 ? 'it does not exist' : `it is at version ${currentVersion}`;
  return new StorageConflictError(
    `The token "${key}" was expected at version ${expectedVersion} but ${found}: another writer committed first. Read it again and decide from the stored value.`,
  );
}
