import { decodeOid, decodeString, toHex } from '../der/decode.js';
import { DerError, Tag, children, expectUniversal, type Tlv } from '../der/reader.js';
import { ATTRIBUTE_NAMES } from '../oids.js';

export interface NameAttribute {
  readonly oid: string;
  /** Short name (CN, O, …) or the dotted OID when unknown. */
  readonly type: string;
  readonly value: string;
}

export interface DistinguishedName {
  /** Relative distinguished names in encoded order (country first for most CAs). */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** The DER encoding, kept for exact comparisons. */
  readonly der: Uint8Array;
  /** "C=US, O=Let's Encrypt, CN=R10" in encoded order, as openssl prints it. */
  readonly text: string;
  /**
   * Comparison key per RFC 5280 §7.1: case-folded, whitespace-collapsed values, RDN order kept,
   * attribute order within a multi-valued RDN ignored. Two names that chain are equal under it.
   */
  readonly key: string;
}

export function parseName(tlv: Tlv): DistinguishedName {
  expectUniversal(tlv, Tag.sequence, 'name');
  const rdns: NameAttribute[][] = [];
  for (const rdn of children(tlv)) {
    expectUniversal(rdn, Tag.set, 'relative distinguished name');
    const attributes: NameAttribute[] = [];
    for (const atv of children(rdn)) {
      const [typeTlv, valueTlv] = children(expectUniversal(atv, Tag.sequence, 'attribute'));
      if (!typeTlv || !valueTlv) throw new DerError('attribute without type or value');
      const oid = decodeOid(typeTlv);
      let value: string;
      try {
        value = decodeString(valueTlv);
      } catch {
        // Non-string attribute values are rare but legal; show them the way openssl does.
        value = `#${toHex(valueTlv.encoded)}`;
      }
      attributes.push({ oid, type: ATTRIBUTE_NAMES[oid] ?? oid, value });
    }
    if (attributes.length === 0) throw new DerError('empty relative distinguished name');
    rdns.push(attributes);
  }
  return {
    rdns,
    der: tlv.encoded,
    text: rdns.map((rdn) => rdn.map((a) => `${a.type}=${a.value}`).join(' + ')).join(', '),
    key: rdns
      .map((rdn) =>
        rdn
          .map((a) => `${a.oid}=${canonicalValue(a.value)}`)
          .sort()
          .join('+'),
      )
      .join('/'),
  };
}

function canonicalValue(value: string): string {
  return value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

export function nameValues(name: DistinguishedName, type: string): string[] {
  const values: string[] = [];
  for (const rdn of name.rdns) for (const attribute of rdn) if (attribute.type === type) values.push(attribute.value);
  return values;
}

export function commonName(name: DistinguishedName): string | undefined {
  const names = nameValues(name, 'CN');
  return names[names.length - 1];
}

/** A short label for messages: the CN when there is one, else the whole name. */
export function displayName(name: DistinguishedName): string {
  return commonName(name) ?? (name.text || '(empty name)');
}
