import type { Certificate } from '../certificate/certificate.js';
import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const revocationUnknown: Rule<'revocation.unknown'> = {
  id: 'revocation.unknown',
  severity: 'warning',
  title: 'The revocation status of every certificate could be checked',
  cites: ['ConnectPay: "Certificates must not be expired or revoked."', 'RFC 5280 §6.3', 'RFC 6960'],
  appliesWhen: (context) => context.revocation.length > 0,
  check: (context) =>
    context.revocation
      .filter((result) => result.status === 'unknown')
      .map((result) => ({
        certificate: result.index,
        message: `the revocation status of ${certificateAt(result.index, context.certificates[result.index] as Certificate)} is unknown: ${result.detail ?? 'not checked'}`,
        hint: "check again with network access (without --offline), or pass the CA's current CRL with --crl",
      })),
};
