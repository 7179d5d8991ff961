import { decodeBitString, decodeOid, unsignedBitLength } from '../der/decode.js';
import { DerCursor, Tag, TagClass, expectUniversal, readSingle, type Tlv } from '../der/reader.js';
import { CURVE_NAMES, Oid } from '../oids.js';

export type KeyAlgorithm = 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'DSA' | 'unknown';

export interface PublicKeyInfo {
  readonly algorithm: KeyAlgorithm;
  readonly algorithmOid: string;
  /** Modulus size for RSA, field size for EC, undefined when unknown. */
  readonly bits?: number;
  /** Curve name for EC keys (P-256, secp256k1, …) or the curve OID when unnamed. */
  readonly curve?: string;
}

const CURVE_BITS: Record<string, number> = {
  'P-256': 256,
  'P-384': 384,
  'P-521': 521,
  secp256k1: 256,
  'P-224': 224,
  'P-192': 192,
};

export function parsePublicKeyInfo(spki: Tlv): PublicKeyInfo {
  const cursor = new DerCursor(expectUniversal(spki, Tag.sequence, 'subject public key info').value);
  const algorithm = new DerCursor(cursor.expect(Tag.sequence, 'key algorithm').value);
  const algorithmOid = decodeOid(algorithm.next());
  const parameters = algorithm.done ? undefined : algorithm.next();
  const key = decodeBitString(cursor.next());
  switch (algorithmOid) {
    case Oid.rsaEncryption:
    case Oid.rsassaPss: {
      const rsa = new DerCursor(expectUniversal(readSingle(key.bytes), Tag.sequence, 'RSA public key').value);
      const modulus = rsa.expect(Tag.integer, 'RSA modulus');
      return {
        algorithm: algorithmOid === Oid.rsaEncryption ? 'RSA' : 'RSA-PSS',
        algorithmOid,
        bits: unsignedBitLength(modulus.value),
      };
    }
    case Oid.ecPublicKey: {
      if (!parameters || parameters.tagClass !== TagClass.universal || parameters.tagNumber !== Tag.oid) {
        // Explicit curve parameters (RFC 3279) are forbidden by RFC 5480 and by every browser program.
        return { algorithm: 'EC', algorithmOid, curve: 'explicit parameters' };
      }
      const curveOid = decodeOid(parameters);
      const curve = CURVE_NAMES[curveOid] ?? curveOid;
      const bits = CURVE_BITS[curve];
      return bits === undefined
        ? { algorithm: 'EC', algorithmOid, curve }
        : { algorithm: 'EC', algorithmOid, curve, bits };
    }
    case Oid.ed25519:
      return { algorithm: 'Ed25519', algorithmOid, bits: 256 };
    case Oid.ed448:
      return { algorithm: 'Ed448', algorithmOid, bits: 456 };
    case Oid.dsa:
      return { algorithm: 'DSA', algorithmOid };
    default:
      return { algorithm: 'unknown', algorithmOid };
  }
}

export function describeKey(key: PublicKeyInfo): string {
  if (key.algorithm === 'EC') return `EC ${key.curve ?? 'unknown curve'}`;
  if (key.bits !== undefined && (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS'))
    return `${key.algorithm} ${key.bits}`;
  return key.algorithm === 'unknown' ? `unknown (${key.algorithmOid})` : key.algorithm;
}
