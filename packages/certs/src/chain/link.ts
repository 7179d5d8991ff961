import type { Certificate } from '../certificate/certificate.js';

/**
 * How `parent` relates to `child`:
 * - verified: names chain and parent's key verifies child's signature;
 * - bad-signature: names chain but the signature fails, i.e. the link the file claims is broken
 *   (forged, corrupted, or a re-keyed CA: key identifiers that differ only say which);
 * - not-issuer: a different certificate altogether.
 */
export type LinkStatus = 'verified' | 'bad-signature' | 'not-issuer';

export interface Link {
  readonly status: LinkStatus;
  readonly nameMatches: boolean;
  /** AKI of the child equals SKI of the parent; undefined when either is absent. */
  readonly keyIdMatches: boolean | undefined;
}

const cache = new WeakMap<Certificate, WeakMap<Certificate, Link>>();

export function checkLink(child: Certificate, parent: Certificate): Link {
  let byParent = cache.get(child);
  if (!byParent) {
    byParent = new WeakMap();
    cache.set(child, byParent);
  }
  const cached = byParent.get(parent);
  if (cached) return cached;
  const link = computeLink(child, parent);
  byParent.set(parent, link);
  return link;
}

function computeLink(child: Certificate, parent: Certificate): Link {
  const nameMatches = child.issuer.key === parent.subject.key;
  const aki = child.extensions.authorityKeyIdentifier;
  const ski = parent.extensions.subjectKeyIdentifier;
  const keyIdMatches = aki !== undefined && ski !== undefined ? aki === ski : undefined;
  if (!nameMatches) return { status: 'not-issuer', nameMatches, keyIdMatches };
  if (child.isSignedBy(parent)) return { status: 'verified', nameMatches, keyIdMatches };
  // Key identifiers are a hint, not proof: a CA certificate with the issuer's name that did not sign is
  // reported as the broken link it is, whatever its SKI says.
  return { status: 'bad-signature', nameMatches, keyIdMatches };
}
