import { createPublicKey } from 'node:crypto';
import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const keyMismatch: Rule<'key.mismatch'> = {
  id: 'key.mismatch',
  severity: 'error',
  title: "The private key given belongs to the leaf's public key",
  cites: ["RFC 8446 §4.4.3 (the client proves possession of the leaf's key)"],
  appliesWhen: (context) => context.privateKey !== undefined && context.leaf !== undefined,
  check: (context) => {
    const { leaf, leafIndex, privateKey } = context;
    if (!leaf || leafIndex === undefined || !privateKey) return [];
    const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (Buffer.compare(publicKey, leaf.spki) === 0) return [];
    return [
      {
        certificate: leafIndex,
        message: `the private key does not belong to the leaf, ${certificateAt(leafIndex, leaf)}: their public keys differ`,
        hint: 'use the key that was generated with the CSR of this certificate; compare `openssl x509 -noout -pubkey -in CHAIN` with `openssl pkey -pubout -in KEY`',
      },
    ];
  },
};
