import type { Certificate } from '../certificate/certificate.js';
import { chooseLeaf } from '../chain/analyze.js';
import type { RuleContext } from '../engine/types.js';

/** The leaf of the other environment's chain, picked the same way as this chain's. */
export function compareLeaf(context: RuleContext): Certificate | undefined {
  const certificates = context.compare?.certificates ?? [];
  if (certificates.length === 0) return undefined;
  return certificates[
    chooseLeaf(
      certificates,
      certificates.map((_, index) => index),
    )
  ];
}
