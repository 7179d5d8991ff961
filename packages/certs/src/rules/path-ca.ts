import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathCa: Rule<'path.ca'> = {
  id: 'path.ca',
  severity: 'error',
  title: 'Every certificate that issues another is a CA certificate (basicConstraints cA=TRUE)',
  cites: ['RFC 5280 §6.1.4 (k)', 'RFC 5280 §4.2.1.9'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'ca'),
};
