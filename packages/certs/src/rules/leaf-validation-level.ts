import type { Rule } from '../engine/types.js';
import { Oid } from '../oids.js';
import { certificateAt } from './describe.js';

const LEVELS: readonly { oid: string; level: string; meaning: string }[] = [
  { oid: Oid.caBrowserEv, level: 'EV', meaning: 'extended validation' },
  { oid: Oid.caBrowserOv, level: 'OV', meaning: 'organization validated' },
  { oid: Oid.caBrowserIv, level: 'IV', meaning: 'individual validated' },
  { oid: Oid.caBrowserDv, level: 'DV', meaning: 'domain validated' },
];

export function validationLevel(policies: readonly string[] | undefined): (typeof LEVELS)[number] | undefined {
  return LEVELS.find((level) => policies?.includes(level.oid));
}

export const leafValidationLevel: Rule<'leaf.validation-level'> = {
  id: 'leaf.validation-level',
  severity: 'info',
  title: "Reports the leaf's CA/Browser Forum validation level (DV, OV, IV, EV)",
  cites: [
    'ConnectPay: "we recommend domain-validated (DV) certificates, as they are the quickest and easiest to obtain"',
    'CA/Browser Forum Baseline Requirements §7.1.6.1',
  ],
  appliesWhen: (context) => context.leaf !== undefined,
  check: (context) => {
    const { leaf, leafIndex } = context;
    const level = validationLevel(leaf?.extensions.policies);
    if (!leaf || leafIndex === undefined || !level) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf, ${certificateAt(leafIndex, leaf)}, is ${level.level} (${level.meaning}, policy ${level.oid})${level.level === 'DV' ? ', as ConnectPay recommends' : ''}`,
        ...(level.level === 'DV'
          ? {}
          : {
              hint: 'fine to use; when ordering a new certificate without other requirements, ConnectPay recommends DV (quickest to obtain)',
            }),
      },
    ];
  },
};
