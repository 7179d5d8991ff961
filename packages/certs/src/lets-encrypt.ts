import type { Certificate } from './certificate/certificate.js';
import { nameValues, type DistinguishedName } from './certificate/name.js';

/**
 * Subject key identifiers of Let's Encrypt's published hierarchy. Taken from the certificates in
 * shared/corpus/lets-encrypt/ (and ISRG Root X2 from Node's root store), so a certificate is recognised
 * even when a re-issue or cross-sign renames it.
 */
const LETS_ENCRYPT_KEY_IDS: ReadonlyMap<string, string> = new Map([
  ['79b459e67bb6e5e40173800888c81a58f6e99b6e', 'ISRG Root X1'], // isrg-root-x1.pem
  ['7c4296aede4b483bfa92f89e8ccf6d8ba9723795', 'ISRG Root X2'], // tls.rootCertificates
  ['bbbcc347a5e4bca9c6c3a4720c108da235e1c8e8', 'R10'], // r10.pem
  ['dee75b60d0226d40287d3f0d01fea4b552b45194', 'Root YR'], // root-yr.pem and root-yr-by-isrg-x1.pem (same key)
  ['1f2f35be461482cd40b1ae792c5578faf7d468fb', 'YR1'], // yr1.pem
]);

/** SHA-256 of the SubjectPublicKeyInfo of the same certificates: survives a certificate without SKI. */
const LETS_ENCRYPT_SPKI_SHA256: ReadonlyMap<string, string> = new Map([
  ['0b9fa5a59eed715c26c1020c711b4f6ec42d58b0015e14337a39dad301c5afc3', 'ISRG Root X1'], // isrg-root-x1.pem
  ['762195c225586ee6c0237456e2107dc54f1efc21f61a792ebd515913cce68332', 'ISRG Root X2'], // tls.rootCertificates
  ['2bbad93ab5c79279ec121507f272cbe0c6647a3aae52e22f388afab426b4adba', 'R10'], // r10.pem
  ['7e4e8838a8add6295de7ae3b047d3aba3488ab95db0a0aa56d897a00d8618bcf', 'Root YR'], // root-yr.pem
  ['2e8307068b6db620e4a39d068b5dee5d6ef5788cbb2c0b6d23ead84fcc17178c', 'YR1'], // yr1.pem
]);

const ORGANIZATIONS = new Set(["let's encrypt", 'internet security research group', 'isrg']);

/**
 * Why `certificate` belongs to (or was issued by) Let's Encrypt, or undefined. Checks its own key,
 * its issuer's key identifier, and the names LE uses: O "Let's Encrypt" / "Internet Security Research
 * Group" / Gen-Y "ISRG", CN "ISRG Root X…", and the "(STAGING)" prefix of the staging hierarchy.
 */
export function letsEncryptEvidence(certificate: Certificate): string | undefined {
  let evidence = evidenceOf.get(certificate);
  if (evidence === undefined) evidenceOf.set(certificate, (evidence = findEvidence(certificate) ?? null));
  return evidence ?? undefined;
}

/**
 * The answer per certificate: the intermediate and root shared by a run's 1,000 chain files are looked at
 * once. Weak, so it holds no certificate longer than the caller (and parseCertificate's bounded cache) does.
 */
const evidenceOf = new WeakMap<Certificate, string | null>();

function findEvidence(certificate: Certificate): string | undefined {
  const ownKey =
    LETS_ENCRYPT_SPKI_SHA256.get(certificate.spkiSha256) ??
    (certificate.extensions.subjectKeyIdentifier
      ? LETS_ENCRYPT_KEY_IDS.get(certificate.extensions.subjectKeyIdentifier)
      : undefined);
  if (ownKey) return `its key is Let's Encrypt's ${ownKey}`;
  const subject = nameEvidence(certificate.subject);
  if (subject) return `its subject ${subject}`;
  const aki = certificate.extensions.authorityKeyIdentifier;
  const issuerKey = aki ? LETS_ENCRYPT_KEY_IDS.get(aki) : undefined;
  if (issuerKey) return `it is issued by Let's Encrypt's ${issuerKey}`;
  const issuer = nameEvidence(certificate.issuer);
  if (issuer) return `its issuer ${issuer}`;
  return undefined;
}

/** Per name, like evidenceOf: every leaf under one CA carries the same (shared) issuer name. */
const nameEvidenceOf = new WeakMap<DistinguishedName, string | null>();

function nameEvidence(name: DistinguishedName): string | undefined {
  let evidence = nameEvidenceOf.get(name);
  if (evidence === undefined) nameEvidenceOf.set(name, (evidence = findNameEvidence(name) ?? null));
  return evidence ?? undefined;
}

function findNameEvidence(name: DistinguishedName): string | undefined {
  const organization = nameValues(name, 'O').find((o) => ORGANIZATIONS.has(o.trim().toLowerCase()));
  if (organization) return `has O="${organization}"`;
  const rootName = nameValues(name, 'CN').find((cn) => /^ISRG Root X\d+$/i.test(cn.trim()));
  if (rootName) return `is "${rootName}"`;
  const staging = name.rdns.flat().find((attribute) => attribute.value.includes('(STAGING)'));
  if (staging) return `is a Let's Encrypt staging name (${staging.type}="${staging.value}")`;
  return undefined;
}
