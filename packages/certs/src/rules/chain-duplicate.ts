import type { Certificate } from '../certificate/certificate.js';
import type { Rule } from '../engine/types.js';
import { certificateAt, ordinal } from './describe.js';

export const chainDuplicate: Rule<'chain.duplicate'> = {
  id: 'chain.duplicate',
  severity: 'error',
  title: 'No certificate appears twice',
  cites: ['ConnectPay: "Ensure the certificate chain is complete and in the correct order."', 'RFC 8446 §4.4.2'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) =>
    [...(context.chain?.duplicateOf ?? [])].map(([index, first]) => ({
      certificate: index,
      message: `${certificateAt(index, context.certificates[index] as Certificate)} is a copy of the ${ordinal(first + 1)} certificate`,
      hint: 'remove the repeated block (`cert-check fix` does it)',
    })),
};
