import type { KeyPair, KeySpec } from './keys.js';
import type { SubjectInput } from './names.js';
import type { ExtendedKeyUsageName } from './oids.js';
import type { QcStatementsSpec } from './qc-statements.js';
import type { SignatureHash } from './signing.js';
import type { ValiditySpec } from './validity.js';

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export interface SubjectAltNames {
  readonly dns?: readonly string[];
  /** IPv4 or IPv6 literals, e.g. "127.0.0.1", "::1". */
  readonly ip?: readonly string[];
  readonly email?: readonly string[];
  readonly uri?: readonly string[];
}

export interface CustomExtension {
  readonly oid: string;
  readonly critical?: boolean;
  /** DER of extnValue's content (what goes inside the OCTET STRING). */
  readonly der: Uint8Array;
}

/**
 * What a certificate should contain. Every field is optional; defaults depend on whether the
 * certificate is a CA (see README). `null` omits an extension that would otherwise be added.
 */
export interface CertificateSpec {
  /** "C=LT, O=Acme, CN=Leaf" (RDNs in encoding order, as openssl prints them) or the fields by name. Default: a unique test name. */
  readonly subject?: SubjectInput;
  /** A KeySpec takes a key from the process's pool (EC P-256 by default); a KeyPair is used as is, to share a key on purpose. */
  readonly key?: KeySpec | KeyPair;
  /** Default: from one day ago, 365 days for end entities, 3650 days for CAs, ending no later than the issuer. */
  readonly validity?: ValiditySpec;
  /** basicConstraints (critical). End entities get CA:FALSE. */
  readonly ca?: boolean | { readonly pathLength?: number };
  /** Default: CA [keyCertSign, cRLSign]; RSA leaf [digitalSignature, keyEncipherment]; EC leaf [digitalSignature]. */
  readonly keyUsage?: readonly KeyUsageName[] | null;
  /** Names or OIDs. Default: leaf [serverAuth, clientAuth]; CA none. */
  readonly extendedKeyUsage?: readonly (ExtendedKeyUsageName | string)[] | null;
  readonly subjectAltNames?: SubjectAltNames;
  /** certificatePolicies OIDs, e.g. DV_POLICY. */
  readonly policies?: readonly string[];
  /** Hash of the issuer's signature. Default: SHA-256 (SHA-384 for P-384 and SHA-512 for P-521 issuer keys). */
  readonly signatureHash?: SignatureHash;
  readonly qcStatements?: QcStatementsSpec;
  readonly crlDistributionPoints?: readonly string[];
  readonly ocspUrls?: readonly string[];
  readonly caIssuersUrls?: readonly string[];
  /** Hex. Default: 16 random bytes, positive. */
  readonly serialNumber?: string;
  readonly omitAuthorityKeyIdentifier?: boolean;
  readonly omitSubjectKeyIdentifier?: boolean;
  /** Appended after the extensions above. */
  readonly extensions?: readonly CustomExtension[];
}
