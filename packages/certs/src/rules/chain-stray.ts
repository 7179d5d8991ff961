import type { Certificate } from '../certificate/certificate.js';
import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const chainStray: Rule<'chain.stray'> = {
  id: 'chain.stray',
  severity: 'error',
  title: "Every certificate belongs to the leaf's chain",
  cites: ['ConnectPay: "Ensure the certificate chain is complete and in the correct order."', 'RFC 8446 §4.4.2'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    if (!chain || !context.leaf) return [];
    const leaf = context.leaf;
    return chain.strays.map((index) => ({
      certificate: index,
      message: `${certificateAt(index, context.certificates[index] as Certificate)} is not part of the chain of the leaf "${leaf.label}": it neither issues nor is issued by a certificate on the path from the leaf to the root`,
      hint: 'remove it (one chain per file: leaf, its intermediates, its root); `cert-check fix` does it',
    }));
  },
};
