import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathProfile: Rule<'path.profile'> = {
  id: 'path.profile',
  severity: 'warning',
  title: 'Every certificate follows the RFC 5280 profile that strict validators enforce',
  cites: ['RFC 5280 §4.1.2.2', 'RFC 5280 §4.2.1.1', 'RFC 5280 §4.2.1.2', 'RFC 5280 §4.2.1.9', 'RFC 5280 §4.2.1.10'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'profile'),
};
