import type { Certificate } from './certificate/certificate.js';
import type { KeyUsageName, SubjectAltNames } from './certificate/extensions.js';
import type { NameAttribute } from './certificate/name.js';
import type { KeyAlgorithm } from './certificate/public-key.js';
import { colonHex } from './der/decode.js';
import { CertsError, InternalCertsError, NoCertificateError } from './errors.js';
import { toParsedInput, type ChainInput } from './input/coerce.js';
import { letsEncryptEvidence } from './lets-encrypt.js';
import { EKU_NAMES, Oid } from './oids.js';
import { readQcStatements, type Psd2Statement, type QcInfo } from './qc/qc-statements.js';
import { validationLevel } from './rules/leaf-validation-level.js';

export interface CertificateDetails {
  readonly index: number;
  readonly subject: string;
  readonly subjectAttributes: readonly NameAttribute[];
  readonly issuer: string;
  /** Uppercase hex, colon-separated, as CA portals print it. */
  readonly serialNumber: string;
  readonly version: number;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly isCA: boolean;
  readonly pathLength?: number;
  readonly selfSigned: boolean;
  readonly subjectAltNames: SubjectAltNames;
  readonly key: {
    readonly algorithm: KeyAlgorithm;
    readonly bits?: number;
    readonly curve?: string;
    readonly spkiSha256: string;
  };
  readonly signatureAlgorithm: string;
  readonly signatureHash: string;
  /** Undefined when the extension is absent. */
  readonly keyUsage?: readonly KeyUsageName[];
  /** Names (serverAuth, clientAuth, …) or OIDs; undefined when the extension is absent (any purpose). */
  readonly extendedKeyUsage?: readonly string[];
  readonly policies: readonly string[];
  readonly validationLevel?: 'DV' | 'OV' | 'IV' | 'EV';
  readonly qcStatements?: {
    readonly statements: readonly string[];
    readonly compliance: boolean;
    /** web, eseal, esign or the OID. */
    readonly types: readonly string[];
    readonly psd2?: Psd2Statement | { readonly error: string };
  };
  readonly fingerprints: { readonly sha1: string; readonly sha256: string };
  readonly subjectKeyIdentifier?: string;
  readonly authorityKeyIdentifier?: string;
  readonly crlDistributionPoints: readonly string[];
  readonly ocspUrls: readonly string[];
  readonly caIssuersUrls: readonly string[];
  /** Why the certificate is considered Let's Encrypt's, when it is. */
  readonly letsEncrypt?: string;
}

const QC_TYPE_NAMES: Record<string, string> = {
  [Oid.qcTypeWeb]: 'web',
  [Oid.qcTypeEseal]: 'eseal',
  [Oid.qcTypeEsign]: 'esign',
};

/** Everything a person checks by eye in `openssl x509 -text`, per certificate, in file order. */
export async function inspect(input: ChainInput): Promise<CertificateDetails[]> {
  try {
    const parsed = toParsedInput(input);
    if (parsed.certificates.length === 0) {
      throw new NoCertificateError(
        parsed.fileName ?? 'the input',
        parsed.problems.map((problem) => problem.message),
      );
    }
    const qc = await readQcStatements(parsed.certificates);
    return parsed.certificates.map((certificate, index) => details(certificate, index, qc.get(certificate)));
  } catch (error) {
    if (error instanceof CertsError) throw error;
    throw new InternalCertsError('inspect', error);
  }
}

function details(certificate: Certificate, index: number, qc: QcInfo | undefined): CertificateDetails {
  const extensions = certificate.extensions;
  const level = validationLevel(extensions.policies)?.level as CertificateDetails['validationLevel'];
  const letsEncrypt = letsEncryptEvidence(certificate);
  const key = certificate.publicKey;
  return {
    index,
    subject: certificate.subject.text,
    subjectAttributes: certificate.subject.rdns.flat(),
    issuer: certificate.issuer.text,
    serialNumber: colonHex(certificate.serialNumber),
    version: certificate.version,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    isCA: certificate.isCA,
    ...(extensions.basicConstraints?.pathLength === undefined
      ? {}
      : { pathLength: extensions.basicConstraints.pathLength }),
    selfSigned: certificate.selfSigned,
    subjectAltNames: extensions.subjectAltNames ?? { dns: [], ip: [], email: [], uri: [], directoryNames: [] },
    key: {
      algorithm: key.algorithm,
      ...(key.bits === undefined ? {} : { bits: key.bits }),
      ...(key.curve === undefined ? {} : { curve: key.curve }),
      spkiSha256: certificate.spkiSha256,
    },
    signatureAlgorithm: certificate.signatureAlgorithm.name,
    signatureHash: certificate.signatureAlgorithm.hash,
    ...(extensions.keyUsage ? { keyUsage: extensions.keyUsage } : {}),
    ...(extensions.extendedKeyUsage
      ? { extendedKeyUsage: extensions.extendedKeyUsage.map((oid) => EKU_NAMES[oid] ?? oid) }
      : {}),
    policies: extensions.policies ?? [],
    ...(level ? { validationLevel: level } : {}),
    ...(qc
      ? {
          qcStatements: {
            statements: qc.statements,
            compliance: qc.compliance,
            types: qc.types.map((oid) => QC_TYPE_NAMES[oid] ?? oid),
            ...(qc.psd2 ? { psd2: qc.psd2 } : {}),
          },
        }
      : {}),
    fingerprints: { sha1: colonHex(certificate.sha1), sha256: colonHex(certificate.sha256) },
    ...(extensions.subjectKeyIdentifier ? { subjectKeyIdentifier: colonHex(extensions.subjectKeyIdentifier) } : {}),
    ...(extensions.authorityKeyIdentifier
      ? { authorityKeyIdentifier: colonHex(extensions.authorityKeyIdentifier) }
      : {}),
    crlDistributionPoints: extensions.crlDistributionPoints ?? [],
    ocspUrls: extensions.ocspUrls ?? [],
    caIssuersUrls: extensions.caIssuersUrls ?? [],
    ...(letsEncrypt ? { letsEncrypt } : {}),
  };
}
