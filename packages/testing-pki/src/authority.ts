import { inspect } from 'node:util';
import type { Name as AsnName } from '@peculiar/asn1-x509';
import { buildCertificate, type BuiltCertificate } from './build-certificate.js';
import { InvalidSpecError } from './errors.js';
import { buildCrl, type CrlOptions, type GeneratedCrl } from './crl.js';
import { pooledKeyPair, toSigningKeyPair, type KeyPair, type KeySpec, type SigningKeyInput } from './keys.js';
import { defaultSubject } from './names.js';
import type { CertificateSpec } from './spec.js';
import type { x509 } from './x509.js';

export interface GeneratedCertificate {
  readonly pem: string;
  readonly der: Uint8Array;
  /** The @peculiar/x509 view; for node:crypto checks use `new X509Certificate(cert.der)`. */
  readonly certificate: x509.X509Certificate;
  /** The certificate's own key pair (node:crypto KeyObjects and PEMs). */
  readonly keys: KeyPair;
  /** PKCS#8 PEM of keys.privateKey. */
  readonly privateKeyPem: string;
  /** SPKI PEM of keys.publicKey. */
  readonly publicKeyPem: string;
  /** Lowercase hex without a sign byte, as @peculiar/x509 reports it (node:crypto prints uppercase). */
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuerName: string;
  /** The CA that issued it; absent when self-signed. A forged certificate (signWith) still names its CA here. */
  readonly issuer?: GeneratedCertificate;
  readonly isCA: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Hex key identifier of keys.publicKey (RFC 5280 method 1), carried as SKI unless omitted. */
  readonly keyIdentifier: string;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly isCA: boolean;
}

export interface IssueSpec extends CertificateSpec {
  /**
   * Sign with this key instead of the CA's while keeping the CA as issuer name and AKI: the
   * certificate claims this CA but its signature does not verify with the CA's key.
   */
  readonly signWith?: SigningKeyInput;
}

export interface CaIssueSpec extends IssueSpec {
  readonly ca: true | { readonly pathLength?: number };
}

export interface CertificateAuthority extends GeneratedCertificate {
  /** Issues a CA when spec.ca is set, an end-entity certificate otherwise (default key: a pooled EC P-256 key not used above it). */
  issue(spec: CaIssueSpec): Promise<CertificateAuthority>;
  issue(spec?: IssueSpec): Promise<GeneratedCertificate>;
  /** A CRL issued by this CA. */
  crl(options?: CrlOptions): Promise<GeneratedCrl>;
}

function isKeyPair(key: KeySpec | KeyPair | undefined): key is KeyPair {
  return key !== undefined && 'privateKey' in key;
}

async function subjectKeyFor(spec: CertificateSpec, avoid: ReadonlySet<KeyPair>): Promise<KeyPair> {
  return isKeyPair(spec.key) ? spec.key : pooledKeyPair(spec.key, avoid);
}

class Certificate implements GeneratedCertificate {
  readonly pem: string;
  readonly der: Uint8Array;
  readonly certificate: x509.X509Certificate;
  readonly keys: KeyPair;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuerName: string;
  readonly issuer?: GeneratedCertificate;
  readonly isCA: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyIdentifier: string;

  constructor(built: BuiltCertificate, keys: KeyPair, issuer: GeneratedCertificate | undefined) {
    this.pem = built.pem;
    this.der = built.der;
    this.certificate = built.certificate;
    this.keys = keys;
    this.privateKeyPem = keys.privateKeyPem;
    this.publicKeyPem = keys.publicKeyPem;
    this.serialNumber = built.serialNumber;
    this.subject = built.subject;
    this.issuerName = built.issuerName;
    if (issuer) this.issuer = issuer;
    this.isCA = built.isCA;
    this.notBefore = built.certificate.notBefore;
    this.notAfter = built.certificate.notAfter;
    this.keyIdentifier = built.keyIdentifier;
  }

  /** What console.log, JSON.stringify and test-failure output show: never the private key. */
  toJSON(): CertificateSummary {
    return {
      subject: this.subject,
      issuer: this.issuerName,
      serialNumber: this.serialNumber,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      isCA: this.isCA,
    };
  }

  [inspect.custom](): string {
    return `${this.isCA ? 'CertificateAuthority' : 'GeneratedCertificate'} ${JSON.stringify(this.toJSON())}`;
  }
}

class Authority extends Certificate implements CertificateAuthority {
  readonly #name: AsnName;
  /** Keys of this CA and every CA above it: a certificate it issues gets none of them by default. */
  readonly #lineageKeys: ReadonlySet<KeyPair>;

  constructor(
    built: BuiltCertificate,
    keys: KeyPair,
    issuer: GeneratedCertificate | undefined,
    keysAbove: ReadonlySet<KeyPair>,
  ) {
    super(built, keys, issuer);
    this.#name = built.subjectName;
    this.#lineageKeys = new Set([...keysAbove, keys]);
  }

  issue(spec: CaIssueSpec): Promise<CertificateAuthority>;
  issue(spec?: IssueSpec): Promise<GeneratedCertificate>;
  async issue(spec: IssueSpec = {}): Promise<GeneratedCertificate> {
    const subjectKey = await subjectKeyFor(spec, this.#lineageKeys);
    const isCA = spec.ca !== undefined && spec.ca !== false;
    const built = buildCertificate({
      spec,
      subjectKey,
      defaultCa: false,
      defaultSubject: () => defaultSubject(isCA ? 'intermediate' : 'leaf'),
      issuer: { name: this.#name, keyIdentifier: this.keyIdentifier, key: this.keys, notAfter: this.notAfter },
      ...(spec.signWith ? { signingKey: toSigningKeyPair(spec.signWith) } : {}),
    });
    return built.isCA
      ? new Authority(built, subjectKey, this, this.#lineageKeys)
      : new Certificate(built, subjectKey, this);
  }

  async crl(options: CrlOptions = {}): Promise<GeneratedCrl> {
    return buildCrl({ name: this.#name, keyIdentifier: this.keyIdentifier, key: this.keys }, options);
  }
}

export function isCertificateAuthority(certificate: GeneratedCertificate): certificate is CertificateAuthority {
  return certificate instanceof Authority;
}

/** A self-signed CA (default key: a pooled EC P-256 key; default validity 3650 days). */
export async function createRoot(spec: CertificateSpec = {}): Promise<CertificateAuthority> {
  if (spec.ca === false) {
    throw new InvalidSpecError('createRoot was asked for ca: false; use selfSigned() for a self-signed end entity.');
  }
  const keys = await subjectKeyFor(spec, new Set());
  const built = buildCertificate({
    spec,
    subjectKey: keys,
    defaultCa: true,
    defaultSubject: () => defaultSubject('root'),
  });
  return new Authority(built, keys, undefined, new Set());
}

/** A self-signed end-entity certificate (what leaf.self-signed must catch). */
export async function selfSigned(spec: CertificateSpec = {}): Promise<GeneratedCertificate> {
  const keys = await subjectKeyFor(spec, new Set());
  const built = buildCertificate({
    spec,
    subjectKey: keys,
    defaultCa: false,
    defaultSubject: () => defaultSubject('self-signed'),
  });
  return built.isCA ? new Authority(built, keys, undefined, new Set()) : new Certificate(built, keys, undefined);
}
