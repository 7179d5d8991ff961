import type { Rule } from '../engine/types.js';
import { FIX_HINT, certificateAt } from './describe.js';

export const chainLeafFirst: Rule<'chain.leaf-first'> = {
  id: 'chain.leaf-first',
  severity: 'error',
  title: 'The first certificate is the end-entity (leaf) certificate',
  cites: [
    'ConnectPay: "Proper Order: Start with the leaf certificate and end with the root certificate."',
    'RFC 8446 §4.4.2',
  ],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const first = context.certificates[0];
    if (!first?.isCA) return [];
    if (context.leafIndex !== undefined && context.leafIndex !== 0 && context.leaf) {
      return [
        {
          certificate: 0,
          message: `the chain starts with a CA certificate, ${certificateAt(0, first)}, instead of the leaf; the leaf is ${certificateAt(context.leafIndex, context.leaf)}`,
          hint: `put the leaf first, then the intermediates, then the root; ${FIX_HINT}`,
        },
      ];
    }
    return [
      {
        certificate: 0,
        message: `${certificateAt(0, first)} is a CA certificate (basicConstraints CA:TRUE), not an end-entity (leaf) certificate`,
        hint: 'start the file with your client certificate, an end-entity certificate (CA:FALSE) issued for your organisation or domain; a CA certificate cannot be the client certificate',
      },
    ];
  },
};
