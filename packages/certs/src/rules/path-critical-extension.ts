import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathCriticalExtension: Rule<'path.critical-extension'> = {
  id: 'path.critical-extension',
  severity: 'error',
  title: 'No certificate has a critical extension a TLS server cannot process',
  cites: ['RFC 5280 §4.2', 'RFC 5280 §6.1.4 (o)', 'OpenSSL: "unhandled critical extension"'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'critical-extension'),
};
