import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathNameConstraints: Rule<'path.name-constraints'> = {
  id: 'path.name-constraints',
  severity: 'error',
  title: 'Every name in the chain is within the name constraints of the CAs above it',
  cites: ['RFC 5280 §6.1.3 (b), (c)', 'RFC 5280 §4.2.1.10'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'name-constraints'),
};
