import type { FindingDraft, Rule } from '../engine/types.js';
import { element } from './describe.js';

export const chainSignature: Rule<'chain.signature'> = {
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
      const signed = position === 1 ? 'the leaf' : element(child);
      // A CA certificate with the right name and another key is itself the wrong certificate; otherwise the
      // signed certificate is the suspect one (altered, or forged in the issuer's name).
      const suspect = parent.link.keyIdMatches === false ? parent : child;
      findings.push({
        ...(suspect.index === undefined ? {} : { certificate: suspect.index }),
        message:
          parent.link.keyIdMatches === false
            ? `${element(parent)} carries the issuer's name but not its key: it did not sign ${signed} (its subject key identifier differs from the authority key identifier of ${element(child)})`
            : `the signature of ${element(child)} does not verify with the public key of ${element(parent)}, which carries its issuer's name`,
        hint:
          parent.link.keyIdMatches === false
            ? 'it is another (older or re-keyed) certificate of the same CA: get the intermediate that matches your certificate from your CA (or pass it with --intermediates and run `cert-check fix`)'
            : 'one of the two certificates was altered or was not issued by that CA certificate: get the intermediate that matches your certificate from your CA',
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
