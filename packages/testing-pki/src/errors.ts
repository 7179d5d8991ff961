/** Stable codes: callers and logs match on these, never on message text. */
export const TESTING_PKI_ERROR_CODES = [
  'TESTING_PKI_INVALID_SPEC',
  'TESTING_PKI_UNSUPPORTED_KEY',
  'TESTING_PKI_DEV_DIR_NOT_OWNED',
  'TESTING_PKI_DEV_PKI_LOCKED',
  'TESTING_PKI_DEV_PKI_WRITE_FAILED',
] as const;
export type TestingPkiErrorCode = (typeof TESTING_PKI_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const TESTING_PKI_ERROR_MEANING: Readonly<Record<TestingPkiErrorCode, string>> = {
  TESTING_PKI_INVALID_SPEC: 'A certificate, key or CRL description cannot be turned into DER as asked.',
  TESTING_PKI_UNSUPPORTED_KEY: 'A key type, size or curve the package cannot generate or sign with.',
  TESTING_PKI_DEV_DIR_NOT_OWNED: 'The dev PKI directory holds files the package did not write.',
  TESTING_PKI_DEV_PKI_LOCKED: 'Another process held the dev PKI lock longer than a generation can take.',
  TESTING_PKI_DEV_PKI_WRITE_FAILED: 'The dev PKI could not be written into its directory.',
};

export class TestingPkiError extends Error {
  readonly code: TestingPkiErrorCode;

  constructor(code: TestingPkiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A certificate, key or CRL description that cannot be turned into DER as asked. */
export class InvalidSpecError extends TestingPkiError {
  constructor(message: string) {
    super('TESTING_PKI_INVALID_SPEC', message);
  }
}

/** A key type, size or curve this package cannot generate or sign with. */
export class UnsupportedKeyError extends TestingPkiError {
  constructor(message: string) {
    super('TESTING_PKI_UNSUPPORTED_KEY', message);
  }
}

/** The dev PKI directory holds files this package did not write, so replacing it could lose data. */
export class DevPkiDirectoryNotOwnedError extends TestingPkiError {
  constructor(
    readonly directory: string,
    readonly foreignEntries: readonly string[],
  ) {
    super(
      'TESTING_PKI_DEV_DIR_NOT_OWNED',
      `The dev PKI directory ${directory} contains files it did not create (${foreignEntries.slice(0, 5).join(', ')}` +
        `${foreignEntries.length > 5 ? ', ...' : ''}); regenerating replaces the whole directory, so point ensureDevPki ` +
        'at a dedicated, git-ignored folder (e.g. .dev-pki) or remove those files.',
    );
  }
}

/** Another process held the dev PKI lock for longer than a generation can take. */
export class DevPkiLockedError extends TestingPkiError {
  constructor(
    readonly lockFile: string,
    waitedMs: number,
  ) {
    super(
      'TESTING_PKI_DEV_PKI_LOCKED',
      `Waited ${waitedMs} ms for ${lockFile} held by another process generating the dev PKI; ` +
        'if no such process runs any more, delete the lock file and retry.',
    );
  }
}

export class DevPkiWriteError extends TestingPkiError {
  constructor(
    readonly directory: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'TESTING_PKI_DEV_PKI_WRITE_FAILED',
      `Could not write the dev PKI into ${directory}: ${reason}. Check that the parent folder exists and is writable.`,
      { cause },
    );
  }
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isTestingPkiError(value: unknown): value is TestingPkiError {
  if (value instanceof TestingPkiError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (TESTING_PKI_ERROR_CODES as readonly string[]).includes(code);
}
