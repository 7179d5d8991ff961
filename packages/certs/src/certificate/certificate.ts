import { X509Certificate, createPublicKey, hash, verify, type KeyObject } from 'node:crypto';
import { decodeIntegerHex, decodeOid, decodeSmallInteger, decodeTime } from '../der/decode.js';
import {
  DerCursor,
  DerError,
  Tag,
  TagClass,
  children,
  expectUniversal,
  isContext,
  readSingle,
  type Tlv,
} from '../der/reader.js';
import { Oid, hashName, signatureAlgorithmInfo } from '../oids.js';
import { parseExtensions, type CertificateExtensions } from './extensions.js';
import { displayName, parseName, type DistinguishedName } from './name.js';
import { assertOpenSslReadable } from './openssl-readable.js';
import { parsePublicKeyInfo, type PublicKeyInfo } from './public-key.js';

export interface SignatureAlgorithm {
  readonly oid: string;
  /** e.g. sha256WithRSAEncryption, ecdsa-with-SHA384, RSASSA-PSS. */
  readonly name: string;
  /** SHA-1, SHA-256, MD5, … or "unknown". */
  readonly hash: string;
}

/**
 * One X.509 certificate, decoded once. Fields the rules read are decoded eagerly from DER; signatures are
 * verified with node:crypto over the signed bytes, and node:crypto's X509Certificate (OpenSSL) is created
 * only for a signature algorithm that path does not handle (RSASSA-PSS, DSA, …).
 */
export class Certificate {
  readonly version: number;
  readonly serialNumber: string;
  /** The serial's INTEGER content octets as encoded (sign and length matter to RFC 5280 §4.1.2.2). */
  readonly serialOctets: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly spki: Uint8Array;
  readonly publicKey: PublicKeyInfo;
  readonly extensions: CertificateExtensions;
  readonly tbs: Uint8Array;
  /** The signature BIT STRING's content after its unused-bits octet, and that octet. */
  private readonly signatureValue: Uint8Array;
  private readonly signatureUnusedBits: number;

  private sha256Hex?: string;
  private sha1Hex?: string;
  private spkiSha256Hex?: string;
  private nodeCertificate?: X509Certificate;
  private nodeKey?: KeyObject | null;
  private selfSignedResult?: boolean;

  constructor(readonly der: Uint8Array) {
    const certificate = readSingle(der);
    const [tbsTlv, outerAlgorithm, signature] = children(expectUniversal(certificate, Tag.sequence, 'certificate'));
    if (!tbsTlv || !outerAlgorithm || !signature || children(certificate).length !== 3) {
      throw new DerError('a certificate has exactly three fields');
    }
    expectUniversal(signature, Tag.bitString, 'signature');
    // Read as OpenSSL does: a leading unused-bits octet; a signature with unused bits never verifies.
    if (signature.value.length === 0) throw new DerError('empty signature');
    this.signatureUnusedBits = signature.value[0] as number;
    this.signatureValue = signature.value.subarray(1);
    this.tbs = tbsTlv.encoded;
    const tbs = new DerCursor(expectUniversal(tbsTlv, Tag.sequence, 'tbsCertificate').value);
    const versionTlv = tbs.optional(TagClass.context, 0);
    this.version = versionTlv ? decodeSmallInteger(readSingle(versionTlv.value)) + 1 : 1;
    const serial = tbs.next();
    this.serialNumber = decodeIntegerHex(serial);
    this.serialOctets = serial.value;
    const innerAlgorithm = tbs.expect(Tag.sequence, 'signature algorithm');
    if (Buffer.compare(innerAlgorithm.encoded, outerAlgorithm.encoded) !== 0) {
      // RFC 5280 §4.1.1.2: both algorithm fields MUST be identical; OpenSSL refuses a mismatch too.
      throw new DerError('the signature algorithm inside and outside the signed part differ');
    }
    this.signatureAlgorithm = parseSignatureAlgorithm(outerAlgorithm);
    this.issuer = readName(tbs.next());
    const validity = children(tbs.expect(Tag.sequence, 'validity'));
    if (validity.length !== 2) throw new DerError('validity needs notBefore and notAfter');
    this.notBefore = decodeTime(validity[0] as Tlv);
    this.notAfter = decodeTime(validity[1] as Tlv);
    this.subject = readName(tbs.next());
    const spki = tbs.expect(Tag.sequence, 'subject public key info');
    this.spki = spki.encoded;
    this.publicKey = parsePublicKeyInfo(spki);
    tbs.optional(TagClass.context, 1);
    tbs.optional(TagClass.context, 2);
    const extensionsWrapper = tbs.optional(TagClass.context, 3);
    if (!tbs.done) throw new DerError('unexpected fields after the extensions');
    this.extensions = parseExtensions(extensionsWrapper ? readSingle(extensionsWrapper.value) : undefined);
  }

  // crypto.hash: one call, without the stream object createHash builds (a few µs per certificate of a 1,000-file run).
  get sha256(): string {
    return (this.sha256Hex ??= hash('sha256', this.der, 'hex'));
  }

  get sha1(): string {
    return (this.sha1Hex ??= hash('sha1', this.der, 'hex'));
  }

  /** SHA-256 of the SubjectPublicKeyInfo: identifies the key across re-issued and cross-signed certificates. */
  get spkiSha256(): string {
    return (this.spkiSha256Hex ??= hash('sha256', this.spki, 'hex'));
  }

  get pem(): string {
    const base64 = Buffer.from(this.der).toString('base64');
    return `-----BEGIN CERTIFICATE-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  }

  /** basicConstraints cA=TRUE. */
  get isCA(): boolean {
    return this.extensions.basicConstraints?.ca === true;
  }

  /** A short label for messages. */
  get label(): string {
    return displayName(this.subject);
  }

  /** Issuer and subject names are equal (RFC 5280 §6.1 "self-issued"). */
  get selfIssued(): boolean {
    return this.subject.key === this.issuer.key;
  }

  /** Self-issued and its signature verifies with its own key: a root (or a self-signed leaf). */
  get selfSigned(): boolean {
    return (this.selfSignedResult ??= this.selfIssued && this.isSignedBy(this));
  }

  /** OpenSSL's view of the certificate; throws if OpenSSL cannot parse it. */
  get node(): X509Certificate {
    return (this.nodeCertificate ??= new X509Certificate(this.der));
  }

  /**
   * The public key as a KeyObject (read by OpenSSL from the SubjectPublicKeyInfo, as X509Certificate's
   * publicKey is), or undefined when OpenSSL does not support its algorithm. Made once per certificate: an
   * issuer shared by many chains imports its key once.
   */
  get keyObject(): KeyObject | undefined {
    if (this.nodeKey === undefined) {
      try {
        this.nodeKey = createPublicKey({ key: Buffer.from(this.spki), format: 'der', type: 'spki' });
      } catch {
        this.nodeKey = null;
      }
    }
    return this.nodeKey ?? undefined;
  }

  /** True when `issuer`'s key verifies this certificate's signature (what OpenSSL's X509_verify answers). */
  isSignedBy(issuer: Certificate): boolean {
    const key = issuer.keyObject;
    if (!key) return false;
    const direct = this.verifySignedBytes(key);
    if (direct !== undefined) return direct;
    try {
      return this.node.verify(key);
    } catch {
      return false;
    }
  }

  /**
   * The signature checked with crypto.verify over the signed bytes: RSA PKCS#1 v1.5, ECDSA and Ed25519
   * with a key of the matching type. Undefined for anything else, which X509Certificate.verify decides.
   * Same answers as X509_verify: a signature with unused bits fails, and a key of another type than the
   * algorithm's is never used (test/openssl-parity.spec.ts compares both on the corpus and x509-limbo).
   */
  private verifySignedBytes(key: KeyObject): boolean | undefined {
    const algorithm = SIGNED_BYTES_ALGORITHMS[this.signatureAlgorithm.oid];
    if (!algorithm || key.asymmetricKeyType !== algorithm.key) return undefined;
    if (this.signatureUnusedBits !== 0) return false;
    try {
      return verify(algorithm.digest, this.tbs, key, this.signatureValue);
    } catch {
      return false;
    }
  }

  isValidAt(at: Date): boolean {
    return this.notBefore.getTime() <= at.getTime() && at.getTime() <= this.notAfter.getTime();
  }
}

/** Signature algorithms crypto.verify checks directly: the digest and the key type they need. */
const SIGNED_BYTES_ALGORITHMS: Readonly<Record<string, { digest: string | null; key: string }>> = {
  '1.2.840.113549.1.1.5': { digest: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.14': { digest: 'sha224', key: 'rsa' },
  '1.2.840.113549.1.1.11': { digest: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { digest: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { digest: 'sha512', key: 'rsa' },
  '1.2.840.10045.4.1': { digest: 'sha1', key: 'ec' },
  '1.2.840.10045.4.3.1': { digest: 'sha224', key: 'ec' },
  '1.2.840.10045.4.3.2': { digest: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { digest: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { digest: 'sha512', key: 'ec' },
  [Oid.ed25519]: { digest: null, key: 'ed25519' },
};

/**
 * Names already decoded, by their DER: every leaf under one CA carries the same issuer name, whose RFC 5280
 * comparison key (Unicode normalisation, case folding) is then computed once. Names are immutable; bounded.
 */
const names = new Map<string, DistinguishedName>();
const MAX_NAMES = 1024;

function readName(tlv: Tlv): DistinguishedName {
  const key = Buffer.from(tlv.encoded.buffer, tlv.encoded.byteOffset, tlv.encoded.byteLength).toString('latin1');
  let name = names.get(key);
  if (!name) {
    name = parseName(tlv);
    if (names.size >= MAX_NAMES) names.delete(names.keys().next().value as string);
    names.set(key, name);
  }
  return name;
}

function parseSignatureAlgorithm(tlv: Tlv): SignatureAlgorithm {
  const cursor = new DerCursor(tlv.value);
  const oid = decodeOid(cursor.next());
  if (oid === Oid.rsassaPss) {
    return { oid, name: 'RSASSA-PSS', hash: pssHash(cursor.done ? undefined : cursor.next()) };
  }
  const known = signatureAlgorithmInfo(oid);
  return known ? { oid, ...known } : { oid, name: oid, hash: 'unknown' };
}

/** RSASSA-PSS-params: hashAlgorithm [0] defaults to SHA-1 (RFC 4055 §3.1), which the rules must see. */
function pssHash(parameters: Tlv | undefined): string {
  if (!parameters || parameters.tagNumber === Tag.null) return 'SHA-1';
  const hashField = children(parameters).find((t) => isContext(t, 0));
  if (!hashField) return 'SHA-1';
  const algorithm = children(readSingle(hashField.value))[0];
  return algorithm ? (hashName(decodeOid(algorithm)) ?? 'unknown') : 'SHA-1';
}

/**
 * Certificates already decoded in this process, by their DER: a run over 1,000 chain files meets the same
 * intermediates and roots in every file, and a shared Certificate also shares its OpenSSL object and the
 * signature checks cached on it (chain/link.ts). Certificates are immutable, so sharing is safe; the
 * bound keeps a long-lived process from growing.
 */
const decoded = new Map<string, Certificate>();
const MAX_DECODED = 1024;

/**
 * Parses DER and, unless told otherwise, confirms that OpenSSL (a TLS server's d2i_X509) reads it too: both
 * must accept it. The confirmation is a walk of OpenSSL's rules in JS (openssl-readable.ts), not an
 * X509Certificate, which would also decode the key.
 */
export function parseCertificate(der: Uint8Array, options: { checkWithOpenSsl?: boolean } = {}): Certificate {
  const key = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const known = decoded.get(key);
  if (known) return known;
  const certificate = new Certificate(der);
  if (options.checkWithOpenSsl !== false) assertOpenSslReadable(der);
  if (decoded.size >= MAX_DECODED) decoded.delete(decoded.keys().next().value as string);
  decoded.set(key, certificate);
  return certificate;
}
