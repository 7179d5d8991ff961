import type { Rule } from '../engine/types.js';
import { compareLeaf } from './compare-leaf.js';

export const envSharedKey: Rule<'env.shared-key'> = {
  id: 'env.shared-key',
  severity: 'warning',
  title: 'Another environment (compare) does not use the same key pair',
  cites: ['ConnectPay: "We strongly recommend not using the same certificate for Prod and Stage."'],
  appliesWhen: (context) => context.compare !== undefined && context.leaf !== undefined,
  check: (context) => {
    const other = compareLeaf(context);
    const { leaf, leafIndex } = context;
    // The same certificate is env.shared-cert's finding; this one is about distinct certificates on one key.
    if (!other || !leaf || leafIndex === undefined || other.sha256 === leaf.sha256) return [];
    if (Buffer.compare(other.spki, leaf.spki) !== 0) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf "${leaf.label}" uses the same key pair as the other environment's leaf "${other.label}"`,
        hint: 'generate a new key for one environment and order its certificate from a new CSR, so a leaked stage key cannot impersonate you in prod',
      },
    ];
  },
};
