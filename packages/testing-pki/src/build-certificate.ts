import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Extension as AsnExtension,
  Extensions,
  type Name as AsnName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { derBitString, derSequence, toPemBlock, toUint8Array } from './der.js';
import { InvalidSpecError } from './errors.js';
import type { KeyPair } from './keys.js';
import { formatName, toAsnName } from './names.js';
import { EKU_OIDS, QC_STATEMENTS_OID, type ExtendedKeyUsageName } from './oids.js';
import { encodeQcStatements } from './qc-statements.js';
import { createSigner } from './signing.js';
import type { CertificateSpec, KeyUsageName, SubjectAltNames } from './spec.js';
import { resolveValidity } from './validity.js';
import { x509 } from './x509.js';

export interface IssuerContext {
  readonly name: AsnName;
  /** Hex SKI of the issuing CA, copied into the new certificate's AKI. */
  readonly keyIdentifier: string;
  readonly key: KeyPair;
  /** A default validity is cut to end with the issuer's, as CAs do. */
  readonly notAfter: Date;
}

export interface BuildRequest {
  readonly spec: CertificateSpec;
  readonly subjectKey: KeyPair;
  readonly defaultCa: boolean;
  readonly defaultSubject: () => string;
  /** Absent: self-signed. */
  readonly issuer?: IssuerContext;
  /** Signs in place of the issuer's key while keeping the issuer's name and AKI (a forged link). */
  readonly signingKey?: KeyPair;
}

export interface BuiltCertificate {
  readonly der: Uint8Array;
  readonly pem: string;
  readonly certificate: x509.X509Certificate;
  readonly subjectName: AsnName;
  readonly subject: string;
  readonly issuerName: string;
  /** Hex SKI computed from the key, whether or not the certificate carries the extension. */
  readonly keyIdentifier: string;
  readonly isCA: boolean;
  readonly serialNumber: string;
}

const LEAF_DEFAULT_DAYS = 365;
const CA_DEFAULT_DAYS = 3650;

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifierOf(key: KeyPair): string {
  const spki = AsnConvert.parse(key.spki, SubjectPublicKeyInfo);
  return createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest('hex');
}

export function serialNumberBytes(hex: string | undefined): Uint8Array {
  if (hex === undefined) {
    const bytes = new Uint8Array(randomBytes(16));
    // Positive and exactly 16 bytes long: clear the sign bit, keep the first byte non-zero.
    bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
    return bytes;
  }
  const clean = hex.replace(/[:\s]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(clean) || /^0+$/.test(clean)) {
    throw new InvalidSpecError(`serialNumber "${hex}" must be a positive hexadecimal number, e.g. "1000" or "0a1b2c".`);
  }
  let bytes = Buffer.from(clean.length % 2 === 0 ? clean : `0${clean}`, 'hex');
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  // DER INTEGER is two's complement: a set top bit needs a leading zero to stay positive.
  return (bytes[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...bytes) : new Uint8Array(bytes);
}

function toAsnExtension(extension: x509.Extension): AsnExtension {
  return AsnConvert.parse(extension.rawData, AsnExtension);
}

function keyUsageFlags(usages: readonly KeyUsageName[]): number {
  if (usages.length === 0) {
    throw new InvalidSpecError('keyUsage must name at least one usage; use null to leave the extension out.');
  }
  return usages.reduce((flags, usage) => {
    const flag = x509.KeyUsageFlags[usage] as number | undefined;
    if (flag === undefined) {
      throw new InvalidSpecError(`Unknown key usage "${String(usage)}".`);
    }
    return flags | flag;
  }, 0);
}

function ekuOids(usages: readonly (ExtendedKeyUsageName | string)[]): string[] {
  if (usages.length === 0) {
    throw new InvalidSpecError('extendedKeyUsage must name at least one purpose; use null to leave the extension out.');
  }
  return usages.map((usage) => {
    if (usage in EKU_OIDS) return EKU_OIDS[usage as ExtendedKeyUsageName];
    if (/^\d+(\.\d+)+$/.test(usage)) return usage;
    throw new InvalidSpecError(
      `Unknown extended key usage "${usage}": use ${Object.keys(EKU_OIDS).join(', ')} or a dotted OID.`,
    );
  });
}

function generalNames(names: SubjectAltNames): x509.JsonGeneralNames {
  return [
    ...(names.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(names.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(names.email ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(names.uri ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
}

function buildExtensions(
  request: BuildRequest,
  isCA: boolean,
  subjectKeyIdentifier: string,
  authorityKeyIdentifier: string,
): AsnExtension[] {
  const { spec, subjectKey } = request;
  const extensions: x509.Extension[] = [];

  const pathLength = typeof spec.ca === 'object' ? spec.ca.pathLength : undefined;
  extensions.push(new x509.BasicConstraintsExtension(isCA, pathLength, true));

  const defaultKeyUsage: KeyUsageName[] = isCA
    ? ['keyCertSign', 'cRLSign']
    : subjectKey.spec.type === 'rsa'
      ? ['digitalSignature', 'keyEncipherment']
      : ['digitalSignature'];
  const keyUsage = spec.keyUsage === undefined ? defaultKeyUsage : spec.keyUsage;
  if (keyUsage !== null) extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(keyUsage), true));

  const eku =
    spec.extendedKeyUsage === undefined ? (isCA ? null : ['serverAuth', 'clientAuth']) : spec.extendedKeyUsage;
  if (eku !== null) extensions.push(new x509.ExtendedKeyUsageExtension(ekuOids(eku), false));

  if (!spec.omitSubjectKeyIdentifier) extensions.push(new x509.SubjectKeyIdentifierExtension(subjectKeyIdentifier));
  if (!spec.omitAuthorityKeyIdentifier) {
    extensions.push(new x509.AuthorityKeyIdentifierExtension(authorityKeyIdentifier));
  }

  if (spec.subjectAltNames) {
    const names = generalNames(spec.subjectAltNames);
    if (names.length > 0) {
      try {
        extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
      } catch (error) {
        throw new InvalidSpecError(
          `subjectAltNames ${JSON.stringify(spec.subjectAltNames)} cannot be encoded (${error instanceof Error ? error.message : 'invalid'}).`,
        );
      }
    }
  }
  if (spec.policies && spec.policies.length > 0) {
    extensions.push(new x509.CertificatePolicyExtension([...spec.policies], false));
  }
  if (spec.crlDistributionPoints && spec.crlDistributionPoints.length > 0) {
    extensions.push(new x509.CRLDistributionPointsExtension([...spec.crlDistributionPoints], false));
  }
  const ocsp = spec.ocspUrls ?? [];
  const caIssuers = spec.caIssuersUrls ?? [];
  if (ocsp.length > 0 || caIssuers.length > 0) {
    extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: [...ocsp], caIssuers: [...caIssuers] }, false));
  }
  if (spec.qcStatements) {
    extensions.push(new x509.Extension(QC_STATEMENTS_OID, false, encodeQcStatements(spec.qcStatements)));
  }

  return [
    ...extensions.map(toAsnExtension),
    ...(spec.extensions ?? []).map(
      (custom) =>
        new AsnExtension({
          extnID: custom.oid,
          critical: custom.critical ?? false,
          extnValue: new OctetString(Uint8Array.from(custom.der)),
        }),
    ),
  ];
}

export function buildCertificate(request: BuildRequest): BuiltCertificate {
  const { spec, subjectKey } = request;
  const isCA = spec.ca === undefined ? request.defaultCa : spec.ca !== false;
  const resolved = resolveValidity(spec.validity, isCA ? CA_DEFAULT_DAYS : LEAF_DEFAULT_DAYS);
  const issuerEnd = request.issuer?.notAfter;
  const validity =
    spec.validity === undefined && issuerEnd !== undefined && issuerEnd < resolved.notAfter
      ? { notBefore: resolved.notBefore, notAfter: issuerEnd }
      : resolved;
  const subjectName = toAsnName(spec.subject ?? request.defaultSubject());
  const subjectKeyIdentifier = keyIdentifierOf(subjectKey);
  const issuerName = request.issuer?.name ?? subjectName;
  const authorityKeyIdentifier = request.issuer?.keyIdentifier ?? subjectKeyIdentifier;
  const signingKey = request.signingKey ?? request.issuer?.key ?? subjectKey;
  const signer = createSigner(signingKey, spec.signatureHash);

  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: Uint8Array.from(serialNumberBytes(spec.serialNumber)).buffer,
    signature: signer.algorithm,
    issuer: issuerName,
    validity: new Validity(validity),
    subject: subjectName,
    subjectPublicKeyInfo: AsnConvert.parse(subjectKey.spki, SubjectPublicKeyInfo),
    extensions: new Extensions(buildExtensions(request, isCA, subjectKeyIdentifier, authorityKeyIdentifier)),
  });
  const tbsDer = toUint8Array(AsnConvert.serialize(tbs));
  const der = derSequence(
    tbsDer,
    toUint8Array(AsnConvert.serialize(signer.algorithm)),
    derBitString(signer.sign(tbsDer)),
  );
  const certificate = new x509.X509Certificate(der);
  return {
    der,
    pem: toPemBlock('CERTIFICATE', der),
    certificate,
    subjectName,
    subject: formatName(subjectName),
    issuerName: formatName(issuerName),
    keyIdentifier: subjectKeyIdentifier,
    isCA,
    serialNumber: certificate.serialNumber,
  };
}
