import type { Certificate } from '../certificate/certificate.js';
import { checkLink } from '../chain/link.js';
import { colonHex } from '../der/decode.js';
import type { FindingDraft, Rule } from '../engine/types.js';
import { FIX_HINT, certificateAt } from './describe.js';

export const chainOrder: Rule<'chain.order'> = {
  id: 'chain.order',
  severity: 'error',
  title: 'Each certificate is issued by the one after it (name, AKI/SKI and signature)',
  cites: [
    'ConnectPay: "Ensure the certificate chain is complete and in the correct order."',
    'RFC 8446 §4.4.2',
    'RFC 5280 §6.1',
  ],
  appliesWhen: (context) => context.chain !== undefined,
  check: (context) => {
    const chain = context.chain;
    if (!chain) return [];
    const certificates = context.certificates;
    const onPath = new Set(chain.path.flatMap((element) => (element.index === undefined ? [] : [element.index])));
    const members = certificates.map((_, index) => index).filter((index) => onPath.has(index));
    const issuerOnPath = new Map<number, number | undefined>();
    chain.path.forEach((element, position) => {
      if (element.index !== undefined) issuerOnPath.set(element.index, chain.path[position + 1]?.index);
    });

    const findings: FindingDraft[] = [];
    const first = members[0];
    if (first !== undefined && first !== chain.leafIndex) {
      findings.push({
        certificate: first,
        message: `the certificates are out of order: ${certificateAt(first, certificates[first] as Certificate)} comes before the leaf, ${certificateAt(chain.leafIndex, certificates[chain.leafIndex] as Certificate)}`,
        hint: `order them leaf first, each followed by its issuer, root last; ${FIX_HINT}`,
      });
    }
    for (let position = 0; position + 1 < members.length; position++) {
      const index = members[position] as number;
      const nextIndex = members[position + 1] as number;
      const certificate = certificates[index] as Certificate;
      const next = certificates[nextIndex] as Certificate;
      const issuerIndex = issuerOnPath.get(index);
      if (issuerIndex === nextIndex) continue;
      if (certificate.selfSigned) {
        findings.push({
          certificate: index,
          message: `${certificateAt(index, certificate)} is a self-signed root but is followed by ${certificateAt(nextIndex, next)}; the root must be last`,
          hint: `move the root to the end; ${FIX_HINT}`,
        });
      } else if (issuerIndex !== undefined) {
        findings.push({
          certificate: index,
          message: `${certificateAt(index, certificate)} is not issued by the certificate after it, ${certificateAt(nextIndex, next)} (${mismatch(certificate, next)}); its issuer is ${certificateAt(issuerIndex, certificates[issuerIndex] as Certificate)}`,
          hint: `put each certificate directly before its issuer; ${FIX_HINT}`,
        });
      }
      // Otherwise the issuer is not in the file at all: a gap, which chain.complete reports.
    }
    return findings;
  },
};

function mismatch(child: Certificate, parent: Certificate): string {
  const link = checkLink(child, parent);
  if (!link.nameMatches)
    return `its issuer is "${child.issuer.text}" but the next certificate's subject is "${parent.subject.text}"`;
  if (link.keyIdMatches === false) {
    return `the names match but the key identifiers differ: authority key id ${colonHex(child.extensions.authorityKeyIdentifier ?? '')}, subject key id ${colonHex(parent.extensions.subjectKeyIdentifier ?? '')}`;
  }
  return 'the signature does not verify with its key';
}
