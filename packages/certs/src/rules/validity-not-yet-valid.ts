import type { FindingDraft, Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const validityNotYetValid: Rule<'validity.not-yet-valid'> = {
  id: 'validity.not-yet-valid',
  severity: 'error',
  title: 'Every certificate is already valid',
  cites: [
    'RFC 5280 §4.1.2.5',
    'ConnectPay: "Certificates will be validated at both the web server and application levels."',
  ],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    context.certificates.forEach((certificate, index) => {
      if (context.chain?.duplicateOf.has(index) || certificate.notBefore.getTime() <= context.at.getTime()) return;
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} is not valid before ${certificate.notBefore.toISOString()}`,
        hint: 'wait until it becomes valid before switching to it, or check the clock of the machine that issued it',
      });
    });
    return findings;
  },
};
