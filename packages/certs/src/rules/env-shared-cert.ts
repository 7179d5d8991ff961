import type { Rule } from '../engine/types.js';
import { compareLeaf } from './compare-leaf.js';

export const envSharedCert: Rule<'env.shared-cert'> = {
  id: 'env.shared-cert',
  severity: 'warning',
  title: 'Another environment (compare) does not use the same leaf certificate',
  cites: ['ConnectPay: "We strongly recommend not using the same certificate for Prod and Stage."'],
  appliesWhen: (context) => context.compare !== undefined && context.leaf !== undefined,
  check: (context) => {
    const other = compareLeaf(context);
    const { leaf, leafIndex } = context;
    if (!other || !leaf || leafIndex === undefined || other.sha256 !== leaf.sha256) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf "${leaf.label}" is the same certificate as the other environment's (SHA-256 ${leaf.sha256})`,
        hint: 'order a separate certificate (with its own key) per environment; ConnectPay recommends it, though it is not mandatory',
      },
    ];
  },
};
