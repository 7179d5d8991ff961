import type { FindingDraft, Rule } from '../engine/types.js';
import { DAY_MS, certificateAt } from './describe.js';

export const validityExpiring: Rule<'validity.expiring'> = {
  id: 'validity.expiring',
  severity: 'warning',
  title: 'No certificate expires within the warning window (warnDays, default 30)',
  cites: ['ConnectPay: "Certificates must not be expired or revoked."'],
  appliesWhen: (context) => context.certificates.length > 0,
  check: (context) => {
    const findings: FindingDraft[] = [];
    const now = context.at.getTime();
    context.certificates.forEach((certificate, index) => {
      const left = certificate.notAfter.getTime() - now;
      if (context.chain?.duplicateOf.has(index) || left < 0 || left > context.warnDays * DAY_MS) return;
      const days = Math.floor(left / DAY_MS);
      findings.push({
        certificate: index,
        message: `${certificateAt(index, certificate)} expires in ${days} day${days === 1 ? '' : 's'}, on ${certificate.notAfter.toISOString()}`,
        hint: 'renew now and send the new chain to ConnectPay early: they must add it to their trust store before the old one expires',
      });
    });
    return findings;
  },
};
