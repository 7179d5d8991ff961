// Recognises the binary containers people send instead of a PEM chain, from their ASN.1 shape alone.
import { decodeOid, decodeSmallInteger } from '../der/decode.js';
import {
  DerCursor,
  Tag,
  TagClass,
  children,
  isContext,
  isUniversal,
  readSingle,
  readTlv,
  type Tlv,
} from '../der/reader.js';
import { Oid } from '../oids.js';

export type BinaryKind = 'certificate' | 'pkcs7' | 'pkcs12' | 'private-key' | 'csr' | 'unknown';

export function sniffDer(bytes: Uint8Array): BinaryKind {
  let top: Tlv;
  try {
    top = readTlv(bytes, 0);
  } catch {
    return 'unknown';
  }
  if (!isUniversal(top, Tag.sequence)) return 'unknown';
  try {
    const items = children(top);
    const [first, second, third] = items;
    if (!first) return 'unknown';
    if (isUniversal(first, Tag.oid)) {
      const contentType = decodeOid(first);
      return contentType === Oid.pkcs7SignedData ? 'pkcs7' : 'unknown';
    }
    if (isUniversal(first, Tag.integer)) {
      const version = safeSmallInteger(first);
      // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData OPTIONAL }
      if (version === 3 && second && isUniversal(second, Tag.sequence)) return 'pkcs12';
      // PKCS#8 PrivateKeyInfo { 0|1, AlgorithmIdentifier, OCTET STRING }
      if (
        (version === 0 || version === 1) &&
        second &&
        isUniversal(second, Tag.sequence) &&
        third &&
        isUniversal(third, Tag.octetString)
      ) {
        return 'private-key';
      }
      // PKCS#1 RSAPrivateKey { 0, n, e, d, p, q, … } and SEC1 ECPrivateKey { 1, OCTET STRING, … }
      if (version === 0 && items.length >= 9 && items.every((item) => isUniversal(item, Tag.integer)))
        return 'private-key';
      if (version === 1 && second && isUniversal(second, Tag.octetString)) return 'private-key';
      return 'unknown';
    }
    if (isUniversal(first, Tag.sequence) && second && isUniversal(second, Tag.octetString) && items.length === 2) {
      return 'private-key'; // EncryptedPrivateKeyInfo { AlgorithmIdentifier, OCTET STRING }
    }
    if (
      isUniversal(first, Tag.sequence) &&
      second &&
      isUniversal(second, Tag.sequence) &&
      third &&
      isUniversal(third, Tag.bitString)
    ) {
      const tbsFirst = children(first)[0];
      if (tbsFirst && isContext(tbsFirst, 0)) return 'certificate';
      // A CSR's info starts with INTEGER 0 then the subject Name; a v1 certificate's with the serial then an AlgorithmIdentifier.
      const tbs = children(first);
      if (tbs.length === 4 && tbs[0] && isUniversal(tbs[0], Tag.integer) && tbs[3] && isContext(tbs[3], 0))
        return 'csr';
      return 'certificate';
    }
  } catch {
    return 'unknown';
  }
  return 'unknown';
}

function safeSmallInteger(tlv: Tlv): number | undefined {
  try {
    return decodeSmallInteger(tlv);
  } catch {
    return undefined;
  }
}

/** Splits concatenated DER values (some tools write several DER certificates into one file). */
export function splitDer(bytes: Uint8Array): Uint8Array[] | undefined {
  const parts: Uint8Array[] = [];
  let offset = 0;
  try {
    while (offset < bytes.length) {
      const tlv = readTlv(bytes, offset);
      parts.push(tlv.encoded);
      offset += tlv.encoded.length;
    }
  } catch {
    return undefined;
  }
  return parts;
}

/** The certificates of a PKCS#7 SignedData ("p7b"), in stored order; undefined when none can be read. */
export function pkcs7Certificates(bytes: Uint8Array): Uint8Array[] | undefined {
  try {
    const contentInfo = new DerCursor(readSingle(bytes).value);
    contentInfo.next();
    const explicit = contentInfo.optional(TagClass.context, 0);
    if (!explicit) return undefined;
    const signedData = new DerCursor(readSingle(explicit.value).value);
    signedData.next(); // version
    signedData.next(); // digestAlgorithms
    signedData.next(); // encapContentInfo
    const certificates = signedData.optional(TagClass.context, 0);
    if (!certificates) return undefined;
    return new DerCursor(certificates.value).rest().map((certificate) => certificate.encoded);
  } catch {
    return undefined;
  }
}
