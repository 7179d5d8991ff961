/**
 * Stable codes: the webhook receiver maps STORAGE_UNAVAILABLE to 503 and the token manager matches
 * STORAGE_CONFLICT, so callers match on `code`, never on the message.
 */
export const STORAGE_ERROR_CODES = [
  'STORAGE_INVALID_LOCATION',
  'STORAGE_INVALID_INPUT',
  'STORAGE_UNAVAILABLE',
  'STORAGE_CONFLICT',
  'STORAGE_MIGRATION_FAILED',
  'STORAGE_SCHEMA_TOO_NEW',
  'STORAGE_NOT_FOUND',
] as const;
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const STORAGE_ERROR_MEANING: Readonly<Record<StorageErrorCode, string>> = {
  STORAGE_INVALID_LOCATION: 'The storage location is neither a usable SQLite path nor a PostgreSQL URL.',
  STORAGE_INVALID_INPUT: 'A caller passed a value the storage cannot hold (empty key, negative version, invalid date).',
  STORAGE_UNAVAILABLE: 'The database could not be reached or did not commit; retry later.',
  STORAGE_CONFLICT: 'Another writer got there first (compare-and-swap lost, state exists, lease taken).',
  STORAGE_MIGRATION_FAILED: 'A schema migration failed and was rolled back.',
  STORAGE_SCHEMA_TOO_NEW: 'The database was migrated by a newer release; this one refuses to write to it.',
  STORAGE_NOT_FOUND: 'The record a call names (an inbox event id) does not exist.',
};

/** Base of every error this package throws. Messages never contain a password, token or secret. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The location given to openStorage is neither a usable SQLite path nor a PostgreSQL URL. */
export class StorageInvalidLocationError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_INVALID_LOCATION', message, options);
  }
}

/** A caller passed a value the storage cannot hold (empty key, negative version, invalid date…). */
export class StorageInvalidInputError extends StorageError {
  constructor(message: string) {
    super('STORAGE_INVALID_INPUT', message);
  }
}

/**
 * The database could not be reached or did not commit (connection refused, lock wait timed out,
 * disk full, storage closed). Nothing the call asked for can be assumed to be stored: retry later.
 */
export class StorageUnavailableError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_UNAVAILABLE', message, options);
  }
}

/** Another writer got there first (compare-and-swap lost, state already exists, lease taken over). */
export class StorageConflictError extends StorageError {
  constructor(message: string) {
    super('STORAGE_CONFLICT', message);
  }
}

/** A schema migration failed; its transaction was rolled back, so the schema is as it was before it. */
export class StorageMigrationFailedError extends StorageError {
  constructor(
    readonly version: number,
    readonly migrationName: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'STORAGE_MIGRATION_FAILED',
      `Schema migration ${version} (${migrationName}) failed and was rolled back: ${detail}. ` +
        'Fix the cause (permissions, a conflicting table created by hand) and start again; applied migrations are kept.',
      options,
    );
  }
}

/** The database was migrated by a newer release of this package: this code must not write to it. */
export class StorageSchemaTooNewError extends StorageError {
  constructor(
    readonly databaseVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      'STORAGE_SCHEMA_TOO_NEW',
      `The database schema is at version ${databaseVersion} but this release of @connectpay-kit/storage only knows ` +
        `versions up to ${supportedVersion}: it was migrated by a newer release. Deploy that release (or newer) ` +
        'everywhere, or point this process at another database; it refuses to write to a schema it does not understand.',
    );
  }
}

/** The record a call names (an inbox event id) does not exist. */
export class StorageNotFoundError extends StorageError {
  constructor(message: string) {
    super('STORAGE_NOT_FOUND', message);
  }
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isStorageError(value: unknown): value is StorageError {
  if (value instanceof StorageError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (STORAGE_ERROR_CODES as readonly string[]).includes(code);
}
