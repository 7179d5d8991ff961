import { rootCertificates } from 'node:tls';
import { UnreadableOptionInputError } from '../errors.js';
import { CertificateIndex } from './certificate-index.js';

let publicRoots: CertificateIndex | undefined;

/** Node's bundled Mozilla root store, parsed once per process on first use. */
export function publicTrustIndex(): CertificateIndex {
  if (!publicRoots) {
    const index = new CertificateIndex();
    for (const pem of rootCertificates) index.addPem(pem);
    publicRoots = index;
  }
  return publicRoots;
}

/**
 * The anchors a chain must reach: the public store (unless disabled) plus extra PEMs. Build one with
 * createTrustStore and pass it to many verifyChain calls to parse the extras once.
 */
export class TrustStore {
  constructor(
    readonly extra: CertificateIndex,
    private readonly includePublic: boolean,
  ) {}

  get public(): CertificateIndex | undefined {
    return this.includePublic ? publicTrustIndex() : undefined;
  }

  /** Indexes to search, extra anchors first (a private root the caller named beats a public one). */
  get indexes(): CertificateIndex[] {
    const pub = this.public;
    return pub ? [this.extra, pub] : [this.extra];
  }
}

export interface TrustStoreOptions {
  /** Include Node's public root store (`tls.rootCertificates`). Default true. */
  readonly includePublic?: boolean;
}

export function createTrustStore(extraPems: readonly string[] = [], options: TrustStoreOptions = {}): TrustStore {
  const extra = new CertificateIndex();
  extraPems.forEach((pem, position) => {
    const before = extra.size + extra.skipped;
    extra.addPem(pem);
    if (extra.size + extra.skipped === before) {
      throw new UnreadableOptionInputError(
        'CERTS_UNREADABLE_TRUST',
        `Trust input #${position + 1} contains no PEM certificate: give root certificates as "-----BEGIN CERTIFICATE-----" blocks.`,
      );
    }
  });
  return new TrustStore(extra, options.includePublic ?? true);
}
