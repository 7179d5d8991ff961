import type { Rule } from '../engine/types.js';
import { pathFindings } from './path-findings.js';

export const pathKeyIdentifier: Rule<'path.key-identifier'> = {
  id: 'path.key-identifier',
  severity: 'error',
  title: "Every certificate's authority key identifier matches the certificate that signed it",
  cites: ['RFC 5280 §4.2.1.1', 'OpenSSL X509_check_akid: "authority and subject key identifier mismatch"'],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => pathFindings(context, 'key-identifier'),
};
