import { StorageConflictError, StorageNotFoundError } from './errors.js';

export function eventNotFound(id: string): StorageNotFoundError {
  return new StorageNotFoundError(`No inbox event has the id ${id}: it never existed or was purged.`);
}

export function leaseConflict(id: string, worker: string, state: string, owner: string | null): StorageConflictError {
  const holder = state === 'processing' ? `is leased to ${owner ?? 'another worker'}` : `is ${state}`;
  return new StorageConflictError(
    `Inbox event ${id} is not leased to ${worker} (it ${holder}): its lease expired and another worker may have taken it over. Do not act on it again.`,
  );
}

export function replayWhileProcessing(id: string, owner: string | null): StorageConflictError {
  return new StorageConflictError(
    `Inbox event ${id} is being processed by ${owner ?? 'a worker'}: replay it after that attempt ends.`,
  );
}
