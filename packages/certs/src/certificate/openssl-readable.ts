import { DerError, Tag, TagClass, readTlv, type Tlv } from '../der/reader.js';

// What OpenSSL's d2i_X509 refuses, checked in JS: a TLS server built on OpenSSL cannot read such a
// certificate, so cert-check must not call it readable. The package's DER reader (certificate.ts) decodes
// the fields the rules need and is strict DER; OpenSSL is lenient about some encodings (BER lengths) but
// refuses contents the DER reader lets through: names holding invalid UTF-8 or a non-string value, OID
// and INTEGER encodings with padding, explicit tags not marked constructed, bit strings with more than 7
// unused bits. This walk follows OpenSSL 3's X509 template field by field and refuses exactly those.
//
// Why not ask OpenSSL itself: constructing node:crypto's X509Certificate also decodes the public key
// (an EC group is built for every EC key), about 0.15-0.2 ms a certificate, which was the largest single
// cost of a 1,000-chain run. test/openssl-parity.spec.ts compares this walk with X509Certificate on
// mutated certificates and on every certificate of the corpus and the x509-limbo suite.

/** Throws a DerError naming what OpenSSL (d2i_X509) refuses in `der`; returns when OpenSSL reads it. */
export function assertOpenSslReadable(der: Uint8Array): void {
  const certificate = sequence(readTlv(der, 0), 'certificate');
  const fields = new Fields(certificate.value, 'certificate');
  tbsCertificate(fields.next());
  algorithmIdentifier(fields.next(), 'signature algorithm');
  bitString(fields.next(), 'signature');
  fields.end();
}

/** Sequential access to a SEQUENCE's fields with the tag checks OpenSSL's templates make. */
class Fields {
  private position = 0;

  constructor(
    private readonly content: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.position >= this.content.length;
  }

  peek(): Tlv | undefined {
    return this.done ? undefined : readTlv(this.content, this.position);
  }

  next(): Tlv {
    if (this.done) throw new DerError(`${this.what}: a field is missing`);
    const tlv = readTlv(this.content, this.position);
    this.position += tlv.encoded.length;
    return tlv;
  }

  /** The next field when it carries this context tag. */
  context(tagNumber: number): Tlv | undefined {
    const tlv = this.peek();
    if (!tlv || tlv.tagClass !== TagClass.context || tlv.tagNumber !== tagNumber) return undefined;
    return this.next();
  }

  end(): void {
    if (!this.done) throw new DerError(`${this.what}: unexpected field after the last one`);
  }
}

function tbsCertificate(tlv: Tlv): void {
  const fields = new Fields(sequence(tlv, 'tbsCertificate').value, 'tbsCertificate');
  const version = fields.context(0);
  // OpenSSL's d2i takes ENUMERATED where a name's attribute value may be one, never for these two.
  if (version) integer(strictlyInteger(single(explicit(version, 'version')), 'version'), 'version');
  integer(strictlyInteger(fields.next(), 'serial number'), 'serial number');
  algorithmIdentifier(fields.next(), 'signature algorithm');
  name(fields.next(), 'issuer');
  const validity = new Fields(sequence(fields.next(), 'validity').value, 'validity');
  time(validity.next());
  time(validity.next());
  validity.end();
  name(fields.next(), 'subject');
  const spki = new Fields(sequence(fields.next(), 'subject public key info').value, 'subject public key info');
  algorithmIdentifier(spki.next(), 'key algorithm');
  bitString(spki.next(), 'public key');
  spki.end();
  for (const [tag, what] of [
    [1, 'issuerUniqueID'],
    [2, 'subjectUniqueID'],
  ] as const) {
    const unique = fields.context(tag);
    if (unique) bitStringContent(primitive(unique, what), what);
  }
  const extensions = fields.context(3);
  if (extensions) extensionList(single(explicit(extensions, 'extensions')));
  fields.end();
}

function extensionList(tlv: Tlv): void {
  const list = new Fields(sequence(tlv, 'extensions').value, 'extensions');
  while (!list.done) {
    const extension = new Fields(sequence(list.next(), 'extension').value, 'extension');
    objectIdentifier(extension.next(), 'extension id');
    let value = extension.next();
    if (isUniversal(value, Tag.boolean)) {
      boolean(value, 'critical');
      value = extension.next();
    }
    if (!isUniversal(value, Tag.octetString)) throw new DerError('extension: the value is not an OCTET STRING');
    primitive(value, 'extension value');
    extension.end();
  }
}

/** X509_ALGOR: an OID and optional parameters of any type. */
function algorithmIdentifier(tlv: Tlv, what: string): void {
  const fields = new Fields(sequence(tlv, what).value, what);
  objectIdentifier(fields.next(), what);
  if (!fields.done) anyValue(fields.next(), `${what} parameters`);
  fields.end();
}

/**
 * Name attribute values are OpenSSL's ASN1_PRINTABLE: a universal string type (or a BIT STRING or
 * SEQUENCE); VisibleString, GeneralString, a time or an integer is refused ("mstring wrong tag").
 */
const NAME_VALUE_TAGS: ReadonlySet<number> = new Set([3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30]);

function name(tlv: Tlv, what: string): void {
  const rdns = new Fields(sequence(tlv, what).value, what);
  while (!rdns.done) {
    const rdn = rdns.next();
    if (!isUniversal(rdn, Tag.set) || !rdn.constructed) throw new DerError(`${what}: a name part is not a SET`);
    const attributes = new Fields(rdn.value, what);
    while (!attributes.done) {
      const attribute = new Fields(sequence(attributes.next(), `${what} attribute`).value, `${what} attribute`);
      objectIdentifier(attribute.next(), `${what} attribute`);
      const value = attribute.next();
      attribute.end();
      if (value.tagClass !== TagClass.universal || !NAME_VALUE_TAGS.has(value.tagNumber))
        throw new DerError(`${what}: an attribute value is not a string type OpenSSL accepts`);
      anyValue(value, `${what} attribute value`);
      canonical(value, what);
    }
  }
}

/** OpenSSL compares names through their UTF-8 form (x509_name_canon), which fails on invalid text. */
function canonical(value: Tlv, what: string): void {
  const bytes = value.value;
  switch (value.tagNumber) {
    case Tag.utf8String:
      if (!isStrictUtf8(bytes)) throw new DerError(`${what}: a UTF8String is not valid UTF-8`);
      return;
    case Tag.bmpString:
      for (let i = 0; i < bytes.length; i += 2) {
        const unit = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
        if (unit >= 0xd800 && unit < 0xe000) throw new DerError(`${what}: a BMPString holds a surrogate`);
      }
      return;
    case Tag.universalString:
      for (let i = 0; i < bytes.length; i += 4) {
        const point =
          (bytes[i] as number) * 0x1000000 +
          (((bytes[i + 1] as number) << 16) | ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number));
        if (point > 0x10ffff || (point >= 0xd800 && point < 0xe000))
          throw new DerError(`${what}: a UniversalString holds an invalid character`);
      }
      return;
    default:
  }
}

/** UTF-8 as OpenSSL's UTF8_getc reads it: shortest form, no surrogates, at most U+10FFFF. */
function isStrictUtf8(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const first = bytes[i] as number;
    if (first < 0x80) {
      i++;
      continue;
    }
    let length: number;
    let point: number;
    let minimum: number;
    if ((first & 0xe0) === 0xc0) [length, point, minimum] = [2, first & 0x1f, 0x80];
    else if ((first & 0xf0) === 0xe0) [length, point, minimum] = [3, first & 0x0f, 0x800];
    else if ((first & 0xf8) === 0xf0) [length, point, minimum] = [4, first & 0x07, 0x10000];
    else return false;
    if (i + length > bytes.length) return false;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k] as number;
      if ((next & 0xc0) !== 0x80) return false;
      point = (point << 6) | (next & 0x3f);
    }
    if (point < minimum || point > 0x10ffff || (point >= 0xd800 && point < 0xe000)) return false;
    i += length;
  }
  return true;
}

function time(tlv: Tlv): void {
  if (!isUniversal(tlv, Tag.utcTime) && !isUniversal(tlv, Tag.generalizedTime))
    throw new DerError('validity: not a UTCTime or GeneralizedTime');
  primitive(tlv, 'time');
}

/** A value of any type (algorithm parameters, name values): OpenSSL decodes the universal primitives it knows. */
function anyValue(tlv: Tlv, what: string): void {
  if (tlv.tagClass !== TagClass.universal) return;
  switch (tlv.tagNumber) {
    case Tag.sequence:
    case Tag.set:
      if (!tlv.constructed) throw new DerError(`${what}: a SEQUENCE or SET not marked constructed`);
      return;
    case Tag.boolean:
      return boolean(tlv, what);
    case Tag.integer:
    case Tag.enumerated:
      return integer(tlv, what);
    case Tag.null:
      if (primitive(tlv, what).value.length !== 0) throw new DerError(`${what}: NULL with content`);
      return;
    case Tag.oid:
      return objectIdentifier(tlv, what);
    case Tag.bitString:
      return bitString(tlv, what);
    case Tag.bmpString:
      if (primitive(tlv, what).value.length % 2 !== 0) throw new DerError(`${what}: BMPString of odd length`);
      return;
    case Tag.universalString:
      if (primitive(tlv, what).value.length % 4 !== 0)
        throw new DerError(`${what}: UniversalString length not a multiple of 4`);
      return;
    default:
      // Other strings and types: OpenSSL would reassemble a constructed (BER) string; DER has none.
      primitive(tlv, what);
  }
}

function boolean(tlv: Tlv, what: string): void {
  if (primitive(tlv, what).value.length !== 1) throw new DerError(`${what}: BOOLEAN of wrong length`);
}

/** c2i_ASN1_INTEGER: content present, no redundant leading 0x00 or 0xFF octet. */
function strictlyInteger(tlv: Tlv, what: string): Tlv {
  if (!isUniversal(tlv, Tag.integer)) throw new DerError(`${what}: not an INTEGER`);
  return tlv;
}

function integer(tlv: Tlv, what: string): void {
  if (!isUniversal(tlv, Tag.integer) && !isUniversal(tlv, Tag.enumerated))
    throw new DerError(`${what}: not an INTEGER`);
  const bytes = primitive(tlv, what).value;
  if (bytes.length === 0) throw new DerError(`${what}: INTEGER without content`);
  if (bytes.length === 1) return;
  const first = bytes[0] as number;
  const negative = (first & 0x80) !== 0;
  let padded = first === 0;
  if (first === 0xff) padded = bytes.subarray(1).some((byte) => byte !== 0);
  if (padded && negative === (((bytes[1] as number) & 0x80) !== 0))
    throw new DerError(`${what}: INTEGER with a redundant leading octet`);
}

/** c2i_ASN1_OBJECT: no empty OID, no 0x80 leading a sub-identifier, no continuation on the last octet. */
function objectIdentifier(tlv: Tlv, what: string): void {
  if (!isUniversal(tlv, Tag.oid)) throw new DerError(`${what}: not an OBJECT IDENTIFIER`);
  const bytes = primitive(tlv, what).value;
  if (bytes.length === 0 || ((bytes[bytes.length - 1] as number) & 0x80) !== 0)
    throw new DerError(`${what}: invalid OBJECT IDENTIFIER encoding`);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x80 && (i === 0 || ((bytes[i - 1] as number) & 0x80) === 0))
      throw new DerError(`${what}: OBJECT IDENTIFIER sub-identifier with a leading 0x80 octet`);
  }
}

function bitString(tlv: Tlv, what: string): void {
  if (!isUniversal(tlv, Tag.bitString)) throw new DerError(`${what}: not a BIT STRING`);
  bitStringContent(primitive(tlv, what), what);
}

function bitStringContent(tlv: Tlv, what: string): void {
  if (tlv.value.length === 0) throw new DerError(`${what}: BIT STRING without content`);
  if ((tlv.value[0] as number) > 7) throw new DerError(`${what}: BIT STRING with more than 7 unused bits`);
}

function sequence(tlv: Tlv, what: string): Tlv {
  if (!isUniversal(tlv, Tag.sequence) || !tlv.constructed) throw new DerError(`${what}: not a SEQUENCE`);
  return tlv;
}

function explicit(tlv: Tlv, what: string): Tlv {
  if (!tlv.constructed) throw new DerError(`${what}: explicit tag not marked constructed`);
  return tlv;
}

function primitive(tlv: Tlv, what: string): Tlv {
  if (tlv.constructed) throw new DerError(`${what}: constructed encoding where a primitive one is required`);
  return tlv;
}

/** The one value inside an explicit tag. */
function single(tlv: Tlv): Tlv {
  const inner = readTlv(tlv.value, 0);
  if (inner.encoded.length !== tlv.value.length) throw new DerError('trailing data inside an explicit tag');
  return inner;
}

function isUniversal(tlv: Tlv, tagNumber: number): boolean {
  return tlv.tagClass === TagClass.universal && tlv.tagNumber === tagNumber;
}
