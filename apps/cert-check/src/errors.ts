/** Stable codes so wrappers can tell kinds of failure apart without parsing messages. */
export type CertCheckErrorCode =
  'CERT_CHECK_USAGE' | 'CERT_CHECK_UNREADABLE_FILE' | 'CERT_CHECK_NO_CERTIFICATE' | 'CERT_CHECK_WRITE_FAILED';

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
