import { parseChainFile, type ParsedInput } from '@connectpay-kit/certs';
import { NoCertificateInFileError } from './errors.js';
import { displayPath, readInputFile } from './files.js';

/** Reads and parses a chain file; the name given is the one the engine's messages and hints use. */
export function readChainFile(path: string): ParsedInput {
  return parseChainFile(readInputFile(path), displayPath(path));
}

/**
 * For commands that need certificates to work on (fix, inspect, expiry): a file without any says why,
 * with the conversion command when the engine recognised the format (PKCS#12, a CSR, a bare key).
 */
export function requireCertificates(parsed: ParsedInput, path: string): ParsedInput {
  if (parsed.certificates.length > 0) return parsed;
  const problem = parsed.problems[0];
  if (problem)
    throw new NoCertificateInFileError(
      displayPath(path),
      `${problem.message}${problem.hint ? `; ${problem.hint}` : ''}`,
    );
  if (parsed.privateKeys.length > 0) {
    throw new NoCertificateInFileError(
      displayPath(path),
      'it holds only a private key; give the certificate chain file (and keep the key private)',
    );
  }
  const what =
    parsed.format === 'empty'
      ? 'the file is empty'
      : 'no "-----BEGIN CERTIFICATE-----" block and no DER certificate found';
  throw new NoCertificateInFileError(displayPath(path), `${what}; expected PEM certificates, leaf first`);
}
