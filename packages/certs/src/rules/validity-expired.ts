import type { FindingDraft, Rule } from '../engine/types.js';
import { DAY_MS, certificateAt, isoDay } from './describe.js';

export const validityExpired: Rule<'validity.expired'> = {
  id: 'validity.expired',
  severity: 'error',
  title: 'No certificate has expired',
  cites: ['ConnectPay: "Certificates must not be expired or revoked."', 'RFC 5280 §4.1.2.5'],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    context.certificates.forEach((certificate, index) => {
      if (context.chain?.duplicateOf.has(index) || certificate.notAfter.getTime() >= context.at.getTime()) return;
      const days = Math.floor((context.at.getTime() - certificate.notAfter.getTime()) / DAY_MS);
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} expired on ${certificate.notAfter.toISOString()} (${days} day${days === 1 ? '' : 's'} before ${isoDay(context.at)})`,
        hint:
          index === context.leafIndex
            ? 'renew the certificate with your CA and send the new chain'
            : "replace it with the CA's current certificate (download the chain again from your CA)",
      });
    });
    return findings;
  },
};
