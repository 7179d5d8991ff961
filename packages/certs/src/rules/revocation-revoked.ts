import type { Certificate } from '../certificate/certificate.js';
import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const revocationRevoked: Rule<'revocation.revoked'> = {
  id: 'revocation.revoked',
  severity: 'error',
  title: 'No certificate is revoked (CRL or OCSP)',
  cites: ['ConnectPay: "Certificates must not be expired or revoked."', 'RFC 5280 §6.3', 'RFC 6960'],
  appliesWhen: (context) => context.revocation.length > 0,
  check: (context) =>
    context.revocation
      .filter((result) => result.status === 'revoked')
      .map((result) => ({
        certificate: result.index,
        message:
          `${certificateAt(result.index, context.certificates[result.index] as Certificate)} is revoked` +
          `${result.reason ? ` (${result.reason})` : ''}${result.revokedAt ? ` since ${result.revokedAt.toISOString()}` : ''}` +
          `${result.source ? `, according to ${result.source}` : ''}`,
        hint:
          result.index === context.leafIndex
            ? 'order a new certificate (with a new key if the reason is keyCompromise) and send the new chain'
            : "the CA revoked this intermediate: download the CA's current chain and re-issue the leaf if the CA says so",
      })),
};
