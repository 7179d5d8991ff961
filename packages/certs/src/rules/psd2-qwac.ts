import type { Rule } from '../engine/types.js';
import { Oid } from '../oids.js';
import { certificateAt } from './describe.js';
import { psd2Applies } from './psd2-applies.js';

export const psd2Qwac: Rule<'psd2.qwac'> = {
  id: 'psd2.qwac',
  severity: 'error',
  title: 'For PSD2: the leaf is a QWAC (QcCompliance, QcType web, PSD2 QcStatement)',
  cites: [
    'ConnectPay: "To access PSD2 Open Banking APIs, you, as TPP, must use an extended eIDAS PSD2 certificate with proper PSD2 TPP roles."',
    'ETSI EN 319 412-5 §4.2.1, §4.2.3',
    'ETSI TS 119 495 §5.1',
  ],
  appliesWhen: psd2Applies,
  check: (context) => {
    const { leaf, leafIndex } = context;
    if (!leaf || leafIndex === undefined) return [];
    const qc = context.qc.get(leaf);
    const missing: string[] = [];
    if (!qc?.compliance) missing.push(`QcCompliance (${Oid.qcCompliance})`);
    if (!qc?.types.includes(Oid.qcTypeWeb)) missing.push(`QcType web (${Oid.qcType} with ${Oid.qcTypeWeb})`);
    if (!qc?.psd2) missing.push(`the PSD2 QcStatement (${Oid.psd2Statement})`);
    if (missing.length === 0) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf, ${certificateAt(leafIndex, leaf)}, is not a PSD2 QWAC: it lacks ${missing.join(', ')}`,
        hint: 'order an eIDAS qualified website authentication certificate (QWAC) with your PSD2 roles from a qualified trust service provider on the EU Trusted List',
      },
    ];
  },
};
