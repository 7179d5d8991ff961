import type { FindingDraft, Rule } from '../engine/types.js';
import { letsEncryptEvidence } from '../lets-encrypt.js';
import { certificateAt, element } from './describe.js';

const WHY =
  "ConnectPay does not accept Let's Encrypt: its certificates live only 90 days, and frequent rotation makes a forgotten renewal (and failed API calls) four times more likely";

export const caLetsEncrypt: Rule<'ca.lets-encrypt'> = {
  id: 'ca.lets-encrypt',
  severity: 'error',
  title: "No certificate is Let's Encrypt's (ISRG hierarchy, production or staging)",
  cites: ['ConnectPay: "Self-signed and Let\'s Encrypt certificates are not accepted."'],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    context.certificates.forEach((certificate, index) => {
      if (context.chain?.duplicateOf.has(index)) return;
      const evidence = letsEncryptEvidence(certificate);
      if (!evidence) return;
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} belongs to Let's Encrypt (${evidence}); ${WHY}`,
        hint: "ConnectPay does not accept Let's Encrypt: order a client-authentication (mTLS) certificate from another CA (DigiCert, Sectigo, BuyPass, …) and ask ConnectPay to accept that CA's root first (docs/getting-a-certificate.md, 'Which certificate to order')",
      });
    });
    // A chain completed from the trust store can still end at ISRG Root X1/X2.
    for (const pathElement of context.chain?.path ?? []) {
      if (pathElement.index !== undefined) continue;
      const evidence = letsEncryptEvidence(pathElement.certificate);
      if (!evidence) continue;
      findings.push({
        message: `the chain is anchored in Let's Encrypt's hierarchy: ${element(pathElement)} (${evidence}); ${WHY}`,
        hint: "ConnectPay does not accept Let's Encrypt: order a client-authentication (mTLS) certificate from another CA (DigiCert, Sectigo, BuyPass, …) and ask ConnectPay to accept that CA's root first (docs/getting-a-certificate.md, 'Which certificate to order')",
      });
    }
    return findings;
  },
};
