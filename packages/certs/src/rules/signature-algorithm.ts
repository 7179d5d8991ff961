import type { FindingDraft, Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

const BROKEN_HASHES = new Set(['SHA-1', 'MD5', 'MD2']);

export const signatureAlgorithm: Rule<'signature.algorithm'> = {
  id: 'signature.algorithm',
  severity: 'error',
  title: "No SHA-1 or MD5 signature, except a root's self-signature",
  cites: [
    'CA/Browser Forum Baseline Requirements §7.1.3.2',
    'RFC 9155',
    'OpenSSL 3 security level 1 rejects SHA-1 certificate signatures',
  ],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    context.certificates.forEach((certificate, index) => {
      if (context.chain?.duplicateOf.has(index)) return;
      // A trust anchor's self-signature is never checked by relying parties, so its hash does not matter.
      if (certificate.selfSigned || !BROKEN_HASHES.has(certificate.signatureAlgorithm.hash)) return;
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} is signed with ${certificate.signatureAlgorithm.name} (${certificate.signatureAlgorithm.hash}), which is broken and refused by current TLS stacks`,
        hint: 'order a certificate signed with SHA-256 or better (every current public CA issues those)',
      });
    });
    return findings;
  },
};
