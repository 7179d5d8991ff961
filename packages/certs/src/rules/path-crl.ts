import type { Certificate } from '../certificate/certificate.js';
import type { Rule } from '../engine/types.js';
import { certificateAt } from './describe.js';

export const pathCrl: Rule<'path.crl'> = {
  id: 'path.crl',
  severity: 'error',
  title: 'Every CRL given to check revocation is valid: signed by the issuer, cRLSign, CRL number, next update',
  cites: ['RFC 5280 §6.3.3', 'RFC 5280 §5.2.3', 'RFC 5280 §4.2.1.3 (cRLSign)'],
  appliesWhen: (context) => context.revocation.length > 0,
  check: (context) =>
    context.revocation.flatMap((result) =>
      (result.crlDefects ?? []).map((defect) => ({
        certificate: result.index,
        message: `the revocation of ${certificateAt(result.index, context.certificates[result.index] as Certificate)} cannot be decided: ${defect}`,
        hint: "get the current CRL from the CA's CRL distribution point (the URL in the certificate) and check again, or ask the CA why its CRL is not valid",
      })),
    ),
};
