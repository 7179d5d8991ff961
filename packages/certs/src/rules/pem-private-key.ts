import type { Rule } from '../engine/types.js';

export const pemPrivateKey: Rule<'pem.private-key'> = {
  id: 'pem.private-key',
  severity: 'error',
  title: 'No private key in the chain file',
  cites: ['ConnectPay: the chain is sent by e-mail to the technical team; a private key must never leave your servers'],
  check: (context) =>
    context.input.privateKeys.map((key) => ({
      message:
        `the file contains a private key ("${key.label}" block${key.line === undefined ? '' : ` at line ${key.line}`}); ` +
        'a private key must never be sent with the chain',
      hint: 'remove the key block and keep the key only on the servers that make the mTLS calls; if this file was already shared, treat the key as compromised and order a new certificate',
    })),
};
