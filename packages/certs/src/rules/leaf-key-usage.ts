import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const leafKeyUsage: Rule<'leaf.key-usage'> = {
  id: 'leaf.key-usage',
  severity: 'error',
  title: 'If the leaf has a key usage extension, it includes digitalSignature',
  cites: ['RFC 5280 §4.2.1.3', 'RFC 8446 §4.4.3 (the client signs CertificateVerify)'],
  appliesWhen: (context) => context.leaf !== undefined,
  check: (context) => {
    const { leaf, leafIndex } = context;
    const usage = leaf?.extensions.keyUsage;
    if (!leaf || leafIndex === undefined || !usage || usage.includes('digitalSignature')) return [];
    return [
      {
        certificate: leafIndex,
        message: `the leaf, ${certificateAt(leafIndex, leaf)}, has key usage ${usage.length > 0 ? usage.join(', ') : '(none)'} without digitalSignature, which a TLS client needs to sign the handshake`,
        hint: 'order the certificate again as a client-authentication certificate (key usage digitalSignature)',
      },
    ];
  },
};
