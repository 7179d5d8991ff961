import { UnreadableOptionInputError } from '../errors.js';
import { CertificateIndex } from './certificate-index.js';

/** Intermediates (and roots) to complete chains from, e.g. a CA's published bundle. Load once, reuse. */
export type CertificatePool = CertificateIndex;

/**
 * Indexes a PEM bundle by subject and subject key identifier. Only the fields a lookup needs are read
 * now; a certificate is fully decoded when a chain first reaches it.
 */
export function loadCertificatePool(pem: string | Uint8Array): CertificatePool {
  const text =
    typeof pem === 'string' ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength).toString('latin1');
  const index = new CertificateIndex();
  index.addPem(text);
  if (index.size === 0) {
    throw new UnreadableOptionInputError(
      'CERTS_UNREADABLE_POOL',
      'The intermediates pool contains no readable PEM certificate: give a file of "-----BEGIN CERTIFICATE-----" blocks.',
    );
  }
  return index;
}
