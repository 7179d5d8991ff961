import type { Rule } from '../engine/types.js';
import { element } from './describe.js';

export const caPublicTrust: Rule<'ca.public-trust'> = {
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
    // One story with eku.client-auth and docs/getting-a-certificate.md: since 2026 a client-authentication
    // certificate normally comes from a root outside the public store, which is fine once ConnectPay
    // agreed to add it; --trust is how the merchant tells cert-check that it did.
    const agree =
      "a root outside the public trust store is accepted only once ConnectPay agreed to add it; since May 2026 a client-authentication certificate from DigiCert, Sectigo, BuyPass, … comes from such a root (the CA's client-authentication hierarchy), as does one from your own CA: ask dev-support@connectpay.com to accept this root (its subject and SHA-256 from `cert-check inspect`), then check with --trust ROOT.pem";
    return [
      {
        ...(top.index === undefined ? {} : { certificate: top.index }),
        message: `the chain is not publicly trusted: ${what}`,
        hint:
          chain.end === 'root'
            ? agree
            : `complete the chain up to its root first (\`cert-check fix\`; see chain.complete). If that root is not in the public store: ${agree}`,
      },
    ];
  },
};
