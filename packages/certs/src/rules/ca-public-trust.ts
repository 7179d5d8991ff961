import type { Rule } from '../engine/types.js';
import { element } from './describe.js';

export const caPublicTrust: Rule = {
  id: 'ca.public-trust',
  severity: 'error',
  title: 'The chain leads to a root in the public trust store (or to an anchor given with trust)',
  cites: [
    'ConnectPay: "CA Issued: Use certificates from reputable CAs like Comodo, DigiCert, or BuyPass."',
    'RFC 5280 §6.1',
  ],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    const top = chain?.path[chain.path.length - 1];
    if (!chain || !top || chain.anchor) return [];
    const what =
      chain.end === 'root'
        ? `its root, ${element(top)}, is not in the public trust store`
        : `its top, ${element(top)}, issued by "${top.certificate.issuer.text}", does not lead to any root in the public trust store`;
    return [
      {
        ...(top.index === undefined ? {} : { certificate: top.index }),
        message: `the chain is not publicly trusted: ${what}`,
        hint: 'use a certificate from a public CA (Comodo/Sectigo, DigiCert, BuyPass, …); a private or test CA is accepted only if ConnectPay agreed to it (check against it with --trust ROOT.pem)',
      },
    ];
  },
};
