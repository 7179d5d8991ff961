import type { Rule } from '../engine/types.js';
import { DAY_MS, certificateAt } from './describe.js';

/** Let's Encrypt's lifetime; ConnectPay's reason to refuse it is the rotation burden of certificates this short. */
const SHORT_LIFETIME_DAYS = 90;

export const validityShortLived: Rule<'validity.short-lived'> = {
  id: 'validity.short-lived',
  severity: 'warning',
  title: 'The leaf lives longer than 90 days',
  cites: [
    'ConnectPay: "Let\'s encrypt certificates will not be accepted as they are issued only for 3 months, and frequent rotations add extra load"',
  ],
  appliesWhen: (context) => context.leaf !== undefined,
  check: (context) => {
    const { leaf, leafIndex } = context;
    if (!leaf || leafIndex === undefined) return [];
    const days = (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / DAY_MS;
    if (days > SHORT_LIFETIME_DAYS) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf, ${certificateAt(leafIndex, leaf)}, is valid for only ${lifetime(days)}; every renewal must be sent to ConnectPay again before it expires`,
        hint: 'order the longest validity your CA offers for client certificates, and automate the expiry check (`cert-check expiry --prom`)',
      },
    ];
  },
};

function lifetime(days: number): string {
  if (days >= 1) return `${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'}`;
  const minutes = Math.max(0, Math.round(days * 24 * 60));
  return minutes >= 60 ? `${Math.round(minutes / 60)} hours` : `${minutes} minutes`;
}
