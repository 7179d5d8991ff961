import type { Certificate } from '../certificate/certificate.js';
import type { FindingDraft, Rule } from '../engine/types.js';
import { EKU_NAMES, Oid } from '../oids.js';
import { element } from './describe.js';

const WHY =
  "public CAs stopped issuing clientAuth in TLS certificates in 2026 (Chrome Root Program: serverAuth-only hierarchies; e.g. Let's Encrypt's YR1 is serverAuth-only)";
const WHAT_TO_ORDER =
  "order a client-authentication certificate from a CA's private/enterprise PKI offering (e.g. DigiCert or Sectigo private CA), or for PSD2 APIs an eIDAS QWAC; check that its EKU lists clientAuth (`openssl x509 -noout -ext extendedKeyUsage`)";

function allowsClientAuth(certificate: Certificate): boolean {
  const eku = certificate.extensions.extendedKeyUsage;
  // RFC 5280 §4.2.1.12: without the extension the key may be used for any purpose.
  return eku === undefined || eku.includes(Oid.clientAuth) || eku.includes(Oid.anyExtendedKeyUsage);
}

function listEku(certificate: Certificate): string {
  const eku = certificate.extensions.extendedKeyUsage ?? [];
  return eku.length === 0 ? 'empty' : eku.map((oid) => EKU_NAMES[oid] ?? oid).join(', ');
}

export const ekuClientAuth: Rule = {
  id: 'eku.client-auth',
  severity: 'error',
  title: 'The leaf, and every CA on the path that restricts EKU, allows TLS client authentication',
  cites: [
    'RFC 5280 §4.2.1.12',
    'ConnectPay: "All server-to-server API communications … must use mTLS."',
    'Chrome Root Program Policy v1.6 (dedicated serverAuth hierarchies)',
  ],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const findings: FindingDraft[] = [];
    for (const pathElement of context.chain?.path ?? []) {
      const certificate = pathElement.certificate;
      if (allowsClientAuth(certificate)) continue;
      const isLeaf = pathElement.index !== undefined && pathElement.index === context.leafIndex;
      findings.push({
        ...(pathElement.index === undefined ? {} : { certificate: pathElement.index }),
        message: isLeaf
          ? `the leaf, ${element(pathElement)}, cannot be used for TLS client authentication: its extended key usage is ${listEku(certificate)} (no clientAuth); ${WHY}`
          : `${element(pathElement)} restricts its chain to ${listEku(certificate)} (no clientAuth), so no certificate it issues can authenticate a TLS client; ${WHY}`,
        hint: WHAT_TO_ORDER,
      });
    }
    return findings;
  },
};
