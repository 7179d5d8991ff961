import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathLength: Rule<'path.length'> = {
  id: 'path.length',
  severity: 'error',
  title: 'No CA has more intermediate CAs below it than its pathLenConstraint allows',
  cites: ['RFC 5280 §6.1.4 (l), (m)', 'RFC 5280 §4.2.1.9'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'length'),
};
