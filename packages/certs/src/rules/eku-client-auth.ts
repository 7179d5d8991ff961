import type { Certificate } from '../certificate/certificate.js';
import type { FindingDraft, Rule } from '../engine/types.js';
import { EKU_NAMES, Oid } from '../oids.js';
import { element } from './describe.js';

// One story with ca.public-trust and docs/getting-a-certificate.md: a client-authentication certificate
// now comes from a hierarchy outside the public store, so ConnectPay must agree to its root first.
const WHY =
  "since May 2026 public CAs issue SSL/TLS certificates for serverAuth only (Chrome Root Program: dedicated serverAuth hierarchies; DigiCert from 1 May, Sectigo from 15 May; Let's Encrypt's YR1 is serverAuth-only), so a certificate bought as an SSL certificate cannot authenticate a client";
const WHAT_TO_ORDER =
  "order a client-authentication (mTLS) certificate, not an SSL certificate: from a CA such as DigiCert, Sectigo or BuyPass it comes from the CA's client-authentication root, which is not in the public trust store, so ask ConnectPay (dev-support@connectpay.com) to accept that root before you order, then check with --trust ROOT.pem (ca.public-trust); PSD2 TPPs order an eIDAS QWAC with clientAuth instead. `cert-check inspect` shows the EKU, which must list clientAuth";

function allowsClientAuth(certificate: Certificate): boolean {
  const eku = certificate.extensions.extendedKeyUsage;
  // RFC 5280 §4.2.1.12: without the extension the key may be used for any purpose.
  return eku === undefined || eku.includes(Oid.clientAuth) || eku.includes(Oid.anyExtendedKeyUsage);
}

function listEku(certificate: Certificate): string {
  const eku = certificate.extensions.extendedKeyUsage ?? [];
  return eku.length === 0 ? 'empty' : eku.map((oid) => EKU_NAMES[oid] ?? oid).join(', ');
}

export const ekuClientAuth: Rule<'eku.client-auth'> = {
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
