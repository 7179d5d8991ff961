import { createRoot, type CertificateAuthority, type GeneratedCertificate } from './authority.js';
import { InvalidSpecError } from './errors.js';
import type { CertificateSpec } from './spec.js';

export interface ChainOptions {
  /** Number of intermediate CAs between root and leaf. Default 1. */
  readonly intermediates?: number;
  readonly root?: CertificateSpec;
  /** Applied to every intermediate; `intermediateSpecs[i]` (closest to the leaf first) is merged over it. */
  readonly intermediate?: CertificateSpec;
  readonly intermediateSpecs?: readonly CertificateSpec[];
  readonly leaf?: CertificateSpec;
}

export interface GeneratedChain {
  readonly root: CertificateAuthority;
  /** Closest to the leaf first: intermediates[0] issued the leaf, the last one was issued by the root. */
  readonly intermediates: readonly CertificateAuthority[];
  readonly leaf: GeneratedCertificate;
  /** leaf, intermediates..., root: the order the provider wants in a chain file. */
  readonly chain: readonly GeneratedCertificate[];
  /** toPem(chain). */
  readonly pem: string;
}

/** Concatenated PEM of the certificates in the order given (reorder or drop entries for bad cases). */
export function toPem(certificates: readonly Pick<GeneratedCertificate, 'pem'>[]): string {
  return certificates.map((certificate) => certificate.pem).join('');
}

/** root -> intermediates -> leaf, each with its own key. */
export async function createChain(options: ChainOptions = {}): Promise<GeneratedChain> {
  const count = options.intermediates ?? 1;
  if (!Number.isInteger(count) || count < 0) {
    throw new InvalidSpecError(`intermediates must be a non-negative integer, got ${String(count)}.`);
  }
  const root = await createRoot(options.root);
  const fromRootDown: CertificateAuthority[] = [];
  let issuer = root;
  for (let level = count - 1; level >= 0; level -= 1) {
    const spec: CertificateSpec = { ...options.intermediate, ...options.intermediateSpecs?.[level] };
    if (spec.ca === false) {
      throw new InvalidSpecError('An intermediate must be a CA: drop ca: false from the intermediate spec.');
    }
    issuer = await issuer.issue({ ...spec, ca: spec.ca ?? true });
    fromRootDown.push(issuer);
  }
  const leaf = await issuer.issue(options.leaf);
  const intermediates = fromRootDown.reverse();
  const chain = [leaf, ...intermediates, root];
  return { root, intermediates, leaf, chain, pem: toPem(chain) };
}
