import { sign } from 'node:crypto';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { InvalidSpecError } from './errors.js';
import type { KeyPair, ResolvedKeySpec } from './keys.js';

/** MD5 exists only to produce the weak signatures a linter must reject; it is RSA-only. */
export type SignatureHash = 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-1' | 'MD5';

const RSA_SIGNATURE_OIDS: Readonly<Record<SignatureHash, string>> = {
  MD5: '1.2.840.113549.1.1.4',
  'SHA-1': '1.2.840.113549.1.1.5',
  'SHA-256': '1.2.840.113549.1.1.11',
  'SHA-384': '1.2.840.113549.1.1.12',
  'SHA-512': '1.2.840.113549.1.1.13',
};

const ECDSA_SIGNATURE_OIDS: Readonly<Partial<Record<SignatureHash, string>>> = {
  'SHA-1': '1.2.840.10045.4.1',
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

const NODE_HASH_NAMES: Readonly<Record<SignatureHash, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/** The hash a CA would pair with this key: SHA-256, except SHA-384 for P-384 and SHA-512 for P-521. */
export function defaultSignatureHash(spec: ResolvedKeySpec): SignatureHash {
  if (spec.type === 'ec' && spec.curve === 'P-384') return 'SHA-384';
  if (spec.type === 'ec' && spec.curve === 'P-521') return 'SHA-512';
  return 'SHA-256';
}

export interface Signer {
  readonly algorithm: AlgorithmIdentifier;
  sign(data: Uint8Array): Uint8Array;
}

export function createSigner(key: KeyPair, hash: SignatureHash = defaultSignatureHash(key.spec)): Signer {
  const oid = key.spec.type === 'rsa' ? RSA_SIGNATURE_OIDS[hash] : ECDSA_SIGNATURE_OIDS[hash];
  if (oid === undefined) {
    throw new InvalidSpecError(
      `Signature hash "${String(hash)}" cannot be used with an ${key.spec.type.toUpperCase()} key: ` +
        `use one of ${Object.keys(key.spec.type === 'rsa' ? RSA_SIGNATURE_OIDS : ECDSA_SIGNATURE_OIDS).join(', ')}.`,
    );
  }
  // RFC 4055 / RFC 5758: RSA signature AlgorithmIdentifiers carry an explicit NULL, ECDSA ones none.
  const algorithm = new AlgorithmIdentifier(
    key.spec.type === 'rsa' ? { algorithm: oid, parameters: null } : { algorithm: oid },
  );
  const nodeHash = NODE_HASH_NAMES[hash];
  return {
    algorithm,
    // node:crypto returns ECDSA signatures DER-encoded (r, s), which is what X.509 stores.
    sign: (data) => new Uint8Array(sign(nodeHash, data, key.privateKey)),
  };
}
