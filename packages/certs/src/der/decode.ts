import { DerError, Tag, TagClass, expectUniversal, type Tlv } from './reader.js';

export function decodeOid(tlv: Tlv): string {
  expectUniversal(tlv, Tag.oid, 'object identifier');
  return oidFromContent(tlv.value);
}

const oidCache = new Map<string, string>();

export function oidFromContent(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new DerError('empty object identifier');
  // Certificates repeat a few dozen OIDs thousands of times (a pool load): memoise by content.
  const key = bytes.length <= 16 ? String.fromCharCode(...bytes) : undefined;
  if (key !== undefined) {
    const cached = oidCache.get(key);
    if (cached !== undefined) return cached;
  }
  const arcs: string[] = [];
  let value = 0n;
  let small = 0;
  let useBig = false;
  let first = true;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (!useBig && small > 2 ** 45) {
      useBig = true;
      value = BigInt(small);
    }
    if (useBig) value = (value << 7n) | BigInt(byte & 0x7f);
    else small = small * 128 + (byte & 0x7f);
    if ((byte & 0x80) !== 0) {
      if (i === bytes.length - 1) throw new DerError('truncated object identifier');
      continue;
    }
    const arc = useBig ? value : BigInt(small);
    if (first) {
      const head = arc < 80n ? arc / 40n : 2n;
      arcs.push(head.toString(), (arc - head * 40n).toString());
      first = false;
    } else {
      arcs.push(useBig ? value.toString() : String(small));
    }
    value = 0n;
    small = 0;
    useBig = false;
  }
  const oid = arcs.join('.');
  if (key !== undefined && oidCache.size < 4096) oidCache.set(key, oid);
  return oid;
}

export function decodeBoolean(tlv: Tlv): boolean {
  expectUniversal(tlv, Tag.boolean, 'boolean');
  if (tlv.value.length !== 1) throw new DerError('boolean of wrong length');
  return tlv.value[0] !== 0;
}

/** INTEGER content as unsigned hex, without leading zero octets (serial numbers, RSA moduli). */
export function decodeIntegerHex(tlv: Tlv): string {
  expectUniversal(tlv, Tag.integer, 'integer');
  if (tlv.value.length === 0) throw new DerError('empty integer');
  let start = 0;
  while (start < tlv.value.length - 1 && tlv.value[start] === 0) start++;
  return Buffer.from(tlv.value.subarray(start)).toString('hex');
}

export function decodeSmallInteger(tlv: Tlv): number {
  if (tlv.tagClass !== TagClass.universal || (tlv.tagNumber !== Tag.integer && tlv.tagNumber !== Tag.enumerated)) {
    throw new DerError('expected an integer');
  }
  if (tlv.value.length === 0 || tlv.value.length > 6) throw new DerError('integer out of range');
  let value = 0;
  for (const byte of tlv.value) value = value * 256 + byte;
  // Two's complement: a set top bit means the value is negative.
  if (((tlv.value[0] as number) & 0x80) !== 0) value -= 2 ** (8 * tlv.value.length);
  return value;
}

/** Number of significant bits of an unsigned big-endian integer (RSA modulus size). */
export function unsignedBitLength(bytes: Uint8Array): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  const top = bytes[start] as number;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(top));
}

export interface BitString {
  readonly unusedBits: number;
  readonly bytes: Uint8Array;
}

export function decodeBitString(tlv: Tlv): BitString {
  expectUniversal(tlv, Tag.bitString, 'bit string');
  if (tlv.value.length === 0) throw new DerError('empty bit string');
  const unusedBits = tlv.value[0] as number;
  if (unusedBits > 7 || (unusedBits > 0 && tlv.value.length === 1)) throw new DerError('bad bit string padding');
  return { unusedBits, bytes: tlv.value.subarray(1) };
}

export function bitIsSet(bits: BitString, index: number): boolean {
  const byte = bits.bytes[index >> 3];
  if (byte === undefined) return false;
  return (byte & (0x80 >> (index & 7))) !== 0;
}

export function decodeTime(tlv: Tlv): Date {
  if (tlv.tagClass !== TagClass.universal) throw new DerError('expected a time');
  const text = Buffer.from(tlv.value).toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (tlv.tagNumber === Tag.utcTime) {
    match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
    if (!match) throw new DerError('malformed UTCTime');
    const short = Number(match[1]);
    // RFC 5280 §4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx.
    year = short >= 50 ? 1900 + short : 2000 + short;
  } else if (tlv.tagNumber === Tag.generalizedTime) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text);
    if (!match) throw new DerError('malformed GeneralizedTime');
    year = Number(match[1]);
  } else {
    throw new DerError('expected UTCTime or GeneralizedTime');
  }
  const [month, day, hour, minute, second] = [match[2], match[3], match[4], match[5], match[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new DerError('time out of range');
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** Any of the X.520 DirectoryString forms plus IA5/Visible/Numeric, decoded to a JS string. */
export function decodeString(tlv: Tlv): string {
  if (tlv.tagClass !== TagClass.universal) throw new DerError('expected a string');
  const bytes = Buffer.from(tlv.value.buffer, tlv.value.byteOffset, tlv.value.byteLength);
  switch (tlv.tagNumber) {
    case Tag.utf8String:
      return bytes.toString('utf8');
    case Tag.printableString:
    case Tag.ia5String:
    case Tag.visibleString:
    case Tag.numericString:
    case Tag.teletexString:
      return bytes.toString('latin1');
    case Tag.bmpString: {
      if (bytes.length % 2 !== 0) throw new DerError('odd BMPString length');
      const swapped = Buffer.from(bytes);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case Tag.universalString: {
      if (bytes.length % 4 !== 0) throw new DerError('bad UniversalString length');
      let text = '';
      for (let i = 0; i < bytes.length; i += 4) {
        const codePoint = bytes.readUInt32BE(i);
        if (codePoint > 0x10ffff) throw new DerError('bad UniversalString character');
        text += String.fromCodePoint(codePoint);
      }
      return text;
    }
    default:
      throw new DerError(`unexpected string tag ${tlv.tagNumber}`);
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** "AB:CD:…" as openssl and most CA portals print key identifiers and fingerprints. */
export function colonHex(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}
