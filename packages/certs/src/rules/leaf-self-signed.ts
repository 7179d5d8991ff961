import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const leafSelfSigned: Rule<'leaf.self-signed'> = {
  id: 'leaf.self-signed',
  severity: 'error',
  title: 'The leaf is issued by a CA, not self-signed',
  cites: ['ConnectPay: "Self-signed certificates are not accepted."'],
  appliesWhen: (context) => context.leaf !== undefined,
  check: (context) => {
    const { leaf, leafIndex } = context;
    if (!leaf || leafIndex === undefined || !leaf.selfSigned) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf, ${certificateAt(leafIndex, leaf)}, is self-signed (its issuer is itself)`,
        hint: 'order the client certificate from a CA (ConnectPay names Comodo/Sectigo, DigiCert and BuyPass) and send it with its intermediates and root',
      },
    ];
  },
};
