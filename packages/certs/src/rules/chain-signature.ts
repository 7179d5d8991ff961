import type { FindingDraft, Rule } from '../engine/types.js';
import { element } from './describe.js';

export const chainSignature: Rule = {
  id: 'chain.signature',
  severity: 'error',
  title: "Every certificate's signature verifies with its issuer's public key",
  cites: [
    'RFC 5280 §6.1.3 (a)(1)',
    'ConnectPay: "Certificates will be validated at both the web server and application levels."',
  ],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    if (!chain) return [];
    const findings: FindingDraft[] = [];
    chain.path.forEach((parent, position) => {
      const child = chain.path[position - 1];
      if (!child || parent.link?.status !== 'bad-signature') return;
      findings.push({
        ...(child.index === undefined ? {} : { certificate: child.index }),
        message: `the signature of ${element(child)} does not verify with the public key of its issuer, ${element(parent)}, although names and key identifiers match`,
        hint: 'one of the two certificates was altered or was not issued by that CA certificate: download both again from the CA',
      });
    });
    const top = chain.path[chain.path.length - 1];
    if (chain.end === 'broken-root' && top) {
      findings.push({
        ...(top.index === undefined ? {} : { certificate: top.index }),
        message: `${element(top)} names itself as issuer but its self-signature does not verify`,
        hint: "the root certificate is damaged: download it again from the CA's repository",
      });
    }
    return findings;
  },
};
