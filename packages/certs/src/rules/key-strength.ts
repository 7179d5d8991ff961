import type { FindingDraft, Rule } from '../engine/types.js';
import { describeKey } from '../certificate/public-key.js';
import { certificateAt } from './describe.js';

const ALLOWED_CURVES = new Set(['P-256', 'P-384', 'P-521']);

export const keyStrength: Rule<'key.strength'> = {
  id: 'key.strength',
  severity: 'error',
  title: 'Keys are RSA of at least 2048 bits or EC on P-256, P-384 or P-521',
  cites: ['CA/Browser Forum Baseline Requirements §6.1.5', 'NIST SP 800-131A Rev. 2'],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    context.certificates.forEach((certificate, index) => {
      if (context.chain?.duplicateOf.has(index)) return;
      const key = certificate.publicKey;
      let problem: string | undefined;
      if (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS') {
        if ((key.bits ?? 0) < 2048) problem = `an RSA key of ${key.bits ?? 'unknown'} bits (at least 2048 needed)`;
      } else if (key.algorithm === 'EC') {
        if (!ALLOWED_CURVES.has(key.curve ?? ''))
          problem = `an EC key on ${key.curve ?? 'an unknown curve'} (P-256, P-384 or P-521 needed)`;
      } else {
        problem = `a ${describeKey(key)} key (RSA ≥ 2048 or EC P-256/P-384/P-521 needed)`;
      }
      if (!problem) return;
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} has ${problem}`,
        hint:
          index === context.leafIndex
            ? 'generate a new key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256` or RSA 2048+) and order a new certificate'
            : 'this CA certificate is too weak for TLS today: use a chain from a CA with current keys',
      });
    });
    return findings;
  },
};
