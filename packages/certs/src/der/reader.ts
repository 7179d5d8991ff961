// A small strict DER reader. Certificates are walked with it instead of a schema library so that
// verifying one chain does not pay the start-up cost of @peculiar's decorator machinery (see README).

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  enumerated: 10,
  utf8String: 12,
  sequence: 16,
  set: 17,
  numericString: 18,
  printableString: 19,
  teletexString: 20,
  ia5String: 22,
  utcTime: 23,
  generalizedTime: 24,
  visibleString: 26,
  universalString: 28,
  bmpString: 30,
} as const;

export interface Tlv {
  readonly tagClass: number;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The whole encoding: identifier, length and content. */
  readonly encoded: Uint8Array;
  /** The content octets only. */
  readonly value: Uint8Array;
}

/** A length needing more than 4 octets (>= 4 GiB) cannot occur in a certificate file: refusing it bounds hostile input. */
const MAX_LENGTH_OCTETS = 4;

export function readTlv(buffer: Uint8Array, offset: number, end: number = buffer.length): Tlv {
  if (offset >= end) throw new DerError('unexpected end of data');
  const first = buffer[offset] as number;
  const tagClass = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  let position = offset + 1;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let count = 0; ; count++) {
      if (position >= end || count > 3) throw new DerError('bad high tag number');
      const byte = buffer[position++] as number;
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
  }
  if (position >= end) throw new DerError('missing length');
  const lengthByte = buffer[position++] as number;
  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const octets = lengthByte & 0x7f;
    if (octets === 0) throw new DerError('indefinite length is not DER');
    if (octets > MAX_LENGTH_OCTETS) throw new DerError('length too large');
    if (position + octets > end) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (buffer[position++] as number);
  }
  const valueEnd = position + length;
  if (valueEnd > end) throw new DerError('content runs past the end of the data');
  return {
    tagClass,
    constructed,
    tagNumber,
    encoded: buffer.subarray(offset, valueEnd),
    value: buffer.subarray(position, valueEnd),
  };
}

/** Reads exactly one TLV that spans the whole buffer. */
export function readSingle(buffer: Uint8Array): Tlv {
  const tlv = readTlv(buffer, 0);
  if (tlv.encoded.length !== buffer.length) throw new DerError('trailing data after the value');
  return tlv;
}

/** Sequential reader over the content of a constructed value. */
export class DerCursor {
  private position = 0;

  constructor(private readonly content: Uint8Array) {}

  get done(): boolean {
    return this.position >= this.content.length;
  }

  next(): Tlv {
    const tlv = readTlv(this.content, this.position);
    this.position += tlv.encoded.length;
    return tlv;
  }

  /** Returns the next value if it carries the given tag, leaving the cursor untouched otherwise. */
  optional(tagClass: number, tagNumber: number): Tlv | undefined {
    if (this.done) return undefined;
    const tlv = readTlv(this.content, this.position);
    if (tlv.tagClass !== tagClass || tlv.tagNumber !== tagNumber) return undefined;
    this.position += tlv.encoded.length;
    return tlv;
  }

  expect(tagNumber: number, what: string): Tlv {
    const tlv = this.next();
    if (tlv.tagClass !== TagClass.universal || tlv.tagNumber !== tagNumber) {
      throw new DerError(`${what}: unexpected tag ${tlv.tagClass}/${tlv.tagNumber}`);
    }
    return tlv;
  }

  rest(): Tlv[] {
    const items: Tlv[] = [];
    while (!this.done) items.push(this.next());
    return items;
  }
}

export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw new DerError('expected a constructed value');
  return new DerCursor(tlv.value).rest();
}

export function expectUniversal(tlv: Tlv, tagNumber: number, what: string): Tlv {
  if (tlv.tagClass !== TagClass.universal || tlv.tagNumber !== tagNumber) {
    throw new DerError(`${what}: unexpected tag ${tlv.tagClass}/${tlv.tagNumber}`);
  }
  return tlv;
}

export function isUniversal(tlv: Tlv, tagNumber: number): boolean {
  return tlv.tagClass === TagClass.universal && tlv.tagNumber === tagNumber;
}

export function isContext(tlv: Tlv, tagNumber: number): boolean {
  return tlv.tagClass === TagClass.context && tlv.tagNumber === tagNumber;
}
