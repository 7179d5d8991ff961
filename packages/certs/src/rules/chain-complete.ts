import type { Certificate } from '../certificate/certificate.js';
import { colonHex } from '../der/decode.js';
import type { FindingDraft, Rule } from '../engine/types.js';
import { certificateAt, element } from './describe.js';

export const chainComplete: Rule<'chain.complete'> = {
  id: 'chain.complete',
  severity: 'error',
  title: 'No intermediate is missing between the leaf and the root',
  cites: [
    'ConnectPay: "Provide a CA-issued full certificate chain … with leaf, intermediate, and root certificates."',
    'RFC 8446 §4.4.2',
  ],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    if (!chain) return [];
    const findings: FindingDraft[] = [];
    const last = chain.path.length - 1;
    chain.path.forEach((parent, position) => {
      const child = chain.path[position - 1];
      if (!child || parent.source === 'input') return;
      // A missing root alone is chain.root-included's finding.
      if (position === last && parent.certificate.selfSigned) return;
      findings.push({
        ...(child.index === undefined ? {} : { certificate: child.index }),
        message: `the issuer of ${element(child)}, "${parent.certificate.label}", is missing from the file; it was found in the ${parent.source === 'pool' ? 'intermediates pool' : 'trust store'}`,
        hint: `add "${parent.certificate.label}" right after "${child.certificate.label}", or run \`cert-check fix\` with the same pool to add it`,
      });
    });
    const top = chain.path[last];
    if (chain.end === 'unknown-issuer' && top) {
      const certificate = top.certificate;
      const keyId = certificate.extensions.authorityKeyIdentifier;
      const unlinked = chain.unlinked.map((index) => certificateAt(index, context.certificates[index] as Certificate));
      findings.push({
        ...(top.index === undefined ? {} : { certificate: top.index }),
        message:
          `the issuer of ${element(top)}, "${certificate.issuer.text}"${keyId ? ` (key id ${colonHex(keyId)})` : ''}, is not in the file` +
          (unlinked.length > 0 ? `, so ${unlinked.join(' and ')} cannot be linked to the chain` : '') +
          ' and it was not found in the intermediates pool or the trust store',
        hint: issuerHint(certificate),
      });
    }
    return findings;
  },
};

function issuerHint(certificate: Certificate): string {
  const url = certificate.extensions.caIssuersUrls?.[0];
  const where = url
    ? `the certificate says it is published at ${url} (convert a DER download with \`openssl x509 -inform DER\`)`
    : "get it from your CA's repository";
  return `add the missing issuer certificate after "${certificate.label}": ${where}; or pass the CA's bundle with --intermediates`;
}
