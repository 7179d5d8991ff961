import { Certificate } from '../certificate/certificate.js';
import { parseName } from '../certificate/name.js';
import { toHex } from '../der/decode.js';
import { DerCursor, Tag, TagClass, children, readSingle } from '../der/reader.js';
import { decodeBase64Strict, scanPem } from '../input/pem.js';

/** 2.5.29.14 (subjectKeyIdentifier) as encoded in a certificate. */
const SKI_OID_DER = Uint8Array.of(0x06, 0x03, 0x55, 0x1d, 0x0e);

/** Map key for exact byte comparisons: one char per byte. */
function bytesKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/**
 * A certificate known only by the raw fields an issuer lookup needs. Pools hold over a thousand of
 * these and a chain touches a handful, so names are compared and the certificate decoded (and handed
 * to OpenSSL) on first use only.
 */
export class IndexedCertificate {
  private decoded?: Certificate | null;
  private nameKey?: string | null;

  constructor(
    readonly der: Uint8Array,
    readonly subjectDer: Uint8Array,
    readonly spki: Uint8Array,
    readonly subjectKeyIdentifier: string | undefined,
  ) {}

  /** RFC 5280 comparison key of the subject, or undefined when the name cannot be read. */
  get subjectKey(): string | undefined {
    if (this.nameKey === undefined) {
      try {
        this.nameKey = parseName(readSingle(this.subjectDer)).key;
      } catch {
        this.nameKey = null;
      }
    }
    return this.nameKey ?? undefined;
  }

  /** The decoded certificate, or undefined when it cannot be decoded (it is then never offered). */
  get certificate(): Certificate | undefined {
    if (this.decoded === undefined) {
      try {
        this.decoded = new Certificate(this.der);
      } catch {
        this.decoded = null;
      }
    }
    return this.decoded ?? undefined;
  }
}

/**
 * Certificates indexed by exact subject bytes, subject key identifier and public key. Names that are
 * equal under RFC 5280 §7.1 but encoded differently are found through a comparison-key index that is
 * built only when an exact lookup finds nothing.
 */
export class CertificateIndex {
  private readonly subjects = new Map<string, IndexedCertificate[]>();
  private readonly keyIdentifiers = new Map<string, IndexedCertificate[]>();
  private readonly publicKeys = new Map<string, IndexedCertificate[]>();
  private readonly identities = new Set<string>();
  private readonly all: IndexedCertificate[] = [];
  private canonicalSubjects?: Map<string, IndexedCertificate[]>;

  /** Blocks that were not readable certificates and were left out. */
  skipped = 0;

  get size(): number {
    return this.all.length;
  }

  /** `identity` is any string unique to these bytes (the PEM body does); by default their base64. */
  addDer(
    der: Uint8Array,
    identity: string = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64'),
  ): boolean {
    // Pools are often concatenations of bundles: the same certificate twice adds nothing.
    if (this.identities.has(identity)) return true;
    const entry = indexEntry(der);
    if (!entry) {
      this.skipped++;
      return false;
    }
    this.identities.add(identity);
    push(this.subjects, bytesKey(entry.subjectDer), entry);
    push(this.publicKeys, bytesKey(entry.spki), entry);
    if (entry.subjectKeyIdentifier) push(this.keyIdentifiers, entry.subjectKeyIdentifier, entry);
    this.all.push(entry);
    this.canonicalSubjects = undefined;
    return true;
  }

  addPem(text: string): void {
    for (const block of scanPem(text).blocks) {
      if (block.label !== 'CERTIFICATE' && block.label !== 'TRUSTED CERTIFICATE') continue;
      const der = decodeBase64Strict(block.body);
      if (der) this.addDer(der, block.body);
      else this.skipped++;
    }
  }

  /** Possible issuers of `child`: key identifier matches first; the caller's name and signature checks decide. */
  issuerCandidates(child: Certificate): Certificate[] {
    const aki = child.extensions.authorityKeyIdentifier;
    const byKeyId = aki ? (this.keyIdentifiers.get(aki) ?? []) : [];
    const byName = this.subjects.get(bytesKey(child.issuer.der)) ?? [];
    let entries = new Set([...byKeyId, ...byName]);
    if (entries.size === 0) entries = new Set(this.byCanonicalSubject(child.issuer.key));
    const result: Certificate[] = [];
    for (const entry of entries) {
      const certificate = entry.certificate;
      if (certificate) result.push(certificate);
    }
    return result;
  }

  /** True when a certificate with the same public key and the same subject is in the index. */
  containsKeyOf(certificate: Certificate): boolean {
    return (this.publicKeys.get(bytesKey(certificate.spki)) ?? []).some(
      (entry) => entry.subjectKey === certificate.subject.key,
    );
  }

  bySubjectKeyIdentifier(keyIdentifier: string): readonly IndexedCertificate[] {
    return this.keyIdentifiers.get(keyIdentifier) ?? [];
  }

  entries(): readonly IndexedCertificate[] {
    return this.all;
  }

  private byCanonicalSubject(key: string): IndexedCertificate[] {
    if (!this.canonicalSubjects) {
      const index = new Map<string, IndexedCertificate[]>();
      for (const entry of this.all) {
        const subjectKey = entry.subjectKey;
        if (subjectKey !== undefined) push(index, subjectKey, entry);
      }
      this.canonicalSubjects = index;
    }
    return this.canonicalSubjects.get(key) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Reads just subject, SPKI and SKI from a certificate; undefined when it is not a certificate. */
function indexEntry(der: Uint8Array): IndexedCertificate | undefined {
  try {
    const [tbsTlv] = children(readSingle(der));
    if (!tbsTlv) return undefined;
    const tbs = new DerCursor(tbsTlv.value);
    tbs.optional(TagClass.context, 0);
    tbs.expect(Tag.integer, 'serial');
    tbs.expect(Tag.sequence, 'signature algorithm');
    tbs.expect(Tag.sequence, 'issuer');
    tbs.expect(Tag.sequence, 'validity');
    const subject = tbs.expect(Tag.sequence, 'subject').encoded;
    const spki = tbs.expect(Tag.sequence, 'subject public key info').encoded;
    tbs.optional(TagClass.context, 1);
    tbs.optional(TagClass.context, 2);
    const extensions = tbs.optional(TagClass.context, 3);
    let keyIdentifier: string | undefined;
    if (extensions) {
      const list = new DerCursor(readSingle(extensions.value).value);
      while (!list.done) {
        const extension = new DerCursor(list.next().value);
        // Compared as bytes: decoding every extension's OID to text costs a pool load dearly.
        if (Buffer.compare(extension.next().encoded, SKI_OID_DER) !== 0) continue;
        extension.optional(TagClass.universal, Tag.boolean);
        keyIdentifier = toHex(readSingle(extension.expect(Tag.octetString, 'SKI').value).value);
        break;
      }
    }
    return new IndexedCertificate(der, subject, spki, keyIdentifier);
  } catch {
    return undefined;
  }
}
