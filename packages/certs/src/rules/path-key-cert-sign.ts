import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathKeyCertSign: Rule<'path.key-cert-sign'> = {
  id: 'path.key-cert-sign',
  severity: 'error',
  title: "Every issuing certificate's key usage allows signing certificates (keyCertSign)",
  cites: ['RFC 5280 §6.1.4 (n)', 'RFC 5280 §4.2.1.3'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'key-cert-sign'),
};
