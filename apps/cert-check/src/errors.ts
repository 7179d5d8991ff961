import type { CertsError, CertsErrorCode } from '@connectpay-kit/certs';

/** Stable codes so wrappers can tell kinds of failure apart without parsing messages. */
export const CERT_CHECK_ERROR_CODES = [
  'CERT_CHECK_USAGE',
  'CERT_CHECK_UNREADABLE_FILE',
  'CERT_CHECK_NO_CERTIFICATE',
  'CERT_CHECK_WRITE_FAILED',
] as const;
export type CertCheckErrorCode = (typeof CERT_CHECK_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const CERT_CHECK_ERROR_MEANING: Readonly<Record<CertCheckErrorCode, string>> = {
  CERT_CHECK_USAGE: 'An option value cannot be used (bad date, negative days, unknown syntax).',
  CERT_CHECK_UNREADABLE_FILE: 'A file named on the command line cannot be read.',
  CERT_CHECK_NO_CERTIFICATE: 'The file was read but holds no certificate (a key, a CSR, random bytes).',
  CERT_CHECK_WRITE_FAILED: 'An output file cannot be written.',
};

/** Base of every error this CLI raises itself; all of them end the run with exit code 2. */
export class CertCheckError extends Error {
  readonly code: CertCheckErrorCode;

  constructor(code: CertCheckErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option value that cannot be used (bad date, negative days, unknown role list syntax). */
export class UsageError extends CertCheckError {
  constructor(message: string) {
    super('CERT_CHECK_USAGE', message);
  }
}

/** A file named on the command line cannot be read. The message names the file, never its content. */
export class UnreadableFileError extends CertCheckError {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('CERT_CHECK_UNREADABLE_FILE', `cannot read ${path}: ${reason}`, options);
  }
}

/** An output file (-o) cannot be written. */
export class WriteFailedError extends CertCheckError {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('CERT_CHECK_WRITE_FAILED', `cannot write ${path}: ${reason}`, options);
  }
}

/** The message of anything thrown, without its stack; duck-typed because errors cross realms. */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : String(error);
}

/** The file was read but holds no certificate (a key, a CSR, a PKCS#12 archive, random bytes). */
export class NoCertificateInFileError extends CertCheckError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super('CERT_CHECK_NO_CERTIFICATE', `${path} contains no certificate: ${reason}`);
  }
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isCertCheckError(value: unknown): value is CertCheckError {
  if (value instanceof CertCheckError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (CERT_CHECK_ERROR_CODES as readonly string[]).includes(code);
}

/**
 * Every code of the certs engine, checked by the compiler against the engine's own list (a code it
 * adds fails the typecheck here) without loading the engine when the CLI starts.
 */
const ENGINE_CODES: Readonly<Record<CertsErrorCode, true>> = {
  CERTS_NO_CERTIFICATE: true,
  CERTS_UNREADABLE_INPUT: true,
  CERTS_UNREADABLE_PRIVATE_KEY: true,
  CERTS_UNREADABLE_TRUST: true,
  CERTS_UNREADABLE_POOL: true,
  CERTS_UNREADABLE_CRL: true,
  CERTS_INVALID_OPTION: true,
  CERTS_INTERNAL: true,
};

/** An error of the certs engine, recognised by its code so this module need not load the engine. */
export function isEngineError(value: unknown): value is CertsError {
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && Object.hasOwn(ENGINE_CODES, code);
}
