/** Stable codes: the CLI maps every CertsError to exit code 2 and matches on `code`, never on the text. */
export const CERTS_ERROR_CODES = [
  'CERTS_NO_CERTIFICATE',
  'CERTS_UNREADABLE_INPUT',
  'CERTS_UNREADABLE_PRIVATE_KEY',
  'CERTS_UNREADABLE_TRUST',
  'CERTS_UNREADABLE_POOL',
  'CERTS_UNREADABLE_CRL',
  'CERTS_INVALID_OPTION',
  'CERTS_INTERNAL',
] as const;
export type CertsErrorCode = (typeof CERTS_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const CERTS_ERROR_MEANING: Readonly<Record<CertsErrorCode, string>> = {
  CERTS_NO_CERTIFICATE: 'Nothing in the input looks like a certificate (empty file, random bytes, a text file).',
  CERTS_UNREADABLE_INPUT: 'The bytes cannot be read as text or binary certificate data.',
  CERTS_UNREADABLE_PRIVATE_KEY:
    'The private key to compare against the leaf cannot be parsed (encrypted or not a key).',
  CERTS_UNREADABLE_TRUST: 'An extra trust anchor given in the options is not usable.',
  CERTS_UNREADABLE_POOL: 'An intermediate pool given in the options is not usable.',
  CERTS_UNREADABLE_CRL: 'A CRL given in the options is not usable.',
  CERTS_INVALID_OPTION: 'An option passed to the engine has an invalid value.',
  CERTS_INTERNAL: 'A bug in the package surfaced while checking; report it with the certificates.',
};

/** Base of every error this package throws: the input could not be checked at all. */
export class CertsError extends Error {
  readonly code: CertsErrorCode;

  constructor(code: CertsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Nothing in the input looks like a certificate (empty file, random bytes, a text file). */
export class NoCertificateError extends CertsError {
  constructor(
    readonly source: string,
    details: readonly string[] = [],
  ) {
    super(
      'CERTS_NO_CERTIFICATE',
      `${source} contains no readable certificate${details.length > 0 ? ` (${details.join('; ')})` : ''}: ` +
        'expected PEM blocks "-----BEGIN CERTIFICATE-----" (leaf first, then intermediates, then the root).',
    );
  }
}

/** The bytes cannot be read as text or binary certificate data (e.g. not a file's content at all). */
export class UnreadableInputError extends CertsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CERTS_UNREADABLE_INPUT', message, options);
  }
}

/** The private key given to compare against the leaf cannot be parsed; its content is never echoed. */
export class UnreadablePrivateKeyError extends CertsError {
  constructor(reason: string) {
    super(
      'CERTS_UNREADABLE_PRIVATE_KEY',
      `The private key could not be read (${reason}). Give an unencrypted PEM key (a "BEGIN PRIVATE KEY" block); ` +
        'decrypt an encrypted one with `openssl pkey -in key.pem -out key-plain.pem`.',
    );
  }
}

/** An extra trust anchor, pool or CRL given in the options is not usable. */
export class UnreadableOptionInputError extends CertsError {
  constructor(code: 'CERTS_UNREADABLE_TRUST' | 'CERTS_UNREADABLE_POOL' | 'CERTS_UNREADABLE_CRL', message: string) {
    super(code, message);
  }
}

export class InvalidOptionError extends CertsError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('CERTS_INVALID_OPTION', `Invalid option "${option}": ${message}`);
  }
}

/** A bug in this package surfaced while checking; wrapping it keeps the CLI's "never a stack trace" promise. */
export class InternalCertsError extends CertsError {
  constructor(where: string, cause: unknown) {
    super(
      'CERTS_INTERNAL',
      `Internal error in ${where}: ${messageOf(cause, String(cause))}. Please report it with the input file (certificates only).`,
      { cause },
    );
  }
}

/** The message of anything thrown; duck-typed because errors from other realms (vm, DOMException) fail instanceof. */
export function messageOf(error: unknown, fallback = 'unreadable'): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : fallback;
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isCertsError(value: unknown): value is CertsError {
  if (value instanceof CertsError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (CERTS_ERROR_CODES as readonly string[]).includes(code);
}
