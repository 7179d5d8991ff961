import {
  KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPair as generateNodeKeyPair,
  type webcrypto,
} from 'node:crypto';
import { promisify } from 'node:util';
import { InvalidSpecError, UnsupportedKeyError } from './errors.js';

const generateNodeKeyPairAsync = promisify(generateNodeKeyPair);

export type RsaBits = 1024 | 2048 | 3072 | 4096;
export type EcCurve = 'P-256' | 'P-384' | 'P-521' | 'secp256k1';
export type KeySpec = { type: 'rsa'; bits?: RsaBits } | { type: 'ec'; curve?: EcCurve };
export type ResolvedKeySpec = { type: 'rsa'; bits: number } | { type: 'ec'; curve: EcCurve };

/** A key pair as node:crypto KeyObjects plus the encodings tests and servers read. */
export interface KeyPair {
  readonly spec: ResolvedKeySpec;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
  readonly privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM ("BEGIN PUBLIC KEY"). */
  readonly publicKeyPem: string;
  /** SubjectPublicKeyInfo DER, exactly as it goes into a certificate. */
  readonly spki: Uint8Array;
}

export const DEFAULT_KEY_SPEC: ResolvedKeySpec = { type: 'ec', curve: 'P-256' };

const RSA_BITS: readonly number[] = [1024, 2048, 3072, 4096];
const NODE_CURVE_BY_NAME: Readonly<Record<EcCurve, string>> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  secp256k1: 'secp256k1',
};
const CURVE_BY_NODE_NAME: Readonly<Record<string, EcCurve>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

export function resolveKeySpec(spec: KeySpec | undefined): ResolvedKeySpec {
  if (spec === undefined) return DEFAULT_KEY_SPEC;
  if (spec.type === 'rsa') {
    const bits = spec.bits ?? 2048;
    if (!RSA_BITS.includes(bits)) {
      throw new UnsupportedKeyError(
        `RSA key size ${String(bits)} is not supported: use one of ${RSA_BITS.join(', ')}.`,
      );
    }
    return { type: 'rsa', bits };
  }
  if (spec.type === 'ec') {
    const curve = spec.curve ?? 'P-256';
    if (!(curve in NODE_CURVE_BY_NAME)) {
      throw new UnsupportedKeyError(
        `EC curve "${String(curve)}" is not supported: use one of ${Object.keys(NODE_CURVE_BY_NAME).join(', ')}.`,
      );
    }
    return { type: 'ec', curve };
  }
  throw new UnsupportedKeyError(
    `Key type "${String((spec as { type?: unknown }).type)}" is not supported: use { type: 'ec' } or { type: 'rsa' }.`,
  );
}

export function describeKeySpec(spec: ResolvedKeySpec): string {
  return spec.type === 'rsa' ? `RSA ${spec.bits}` : `EC ${spec.curve}`;
}

/** Generates a new key pair every call; nothing is cached. */
export async function generateKeyPair(spec?: KeySpec): Promise<KeyPair> {
  return generateResolved(resolveKeySpec(spec));
}

async function generateResolved(resolved: ResolvedKeySpec): Promise<KeyPair> {
  const { privateKey } =
    resolved.type === 'rsa'
      ? await generateNodeKeyPairAsync('rsa', { modulusLength: resolved.bits, publicExponent: 0x10001 })
      : await generateNodeKeyPairAsync('ec', { namedCurve: NODE_CURVE_BY_NAME[resolved.curve] });
  return keyPairFromPrivateKey(privateKey);
}

/**
 * Wraps an existing private key (KeyObject, or PKCS#8 / PKCS#1 / SEC1 PEM) so it can be passed as
 * `key` or `signWith`. Only RSA and the EC curves of KeySpec are accepted.
 */
export function keyPairFromPrivateKey(privateKey: KeyObject | string): KeyPair {
  const keyObject = typeof privateKey === 'string' ? parsePrivateKeyPem(privateKey) : privateKey;
  if (keyObject.type !== 'private') {
    throw new InvalidSpecError(`Expected a private key, got a ${keyObject.type} key.`);
  }
  const spec = specOfKeyObject(keyObject);
  const publicKey = createPublicKey(keyObject);
  const spkiDer = publicKey.export({ type: 'spki', format: 'der' });
  return {
    spec,
    privateKey: keyObject,
    publicKey,
    privateKeyPem: keyObject.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    spki: new Uint8Array(spkiDer.buffer, spkiDer.byteOffset, spkiDer.byteLength),
  };
}

/** A key to sign with: a KeyPair, a private node:crypto KeyObject, or a private WebCrypto CryptoKey. */
export type SigningKeyInput = KeyPair | KeyObject | webcrypto.CryptoKey;

export function toSigningKeyPair(input: SigningKeyInput): KeyPair {
  if (input instanceof KeyObject) return keyPairFromPrivateKey(input);
  if ('privateKeyPem' in input) return input;
  return keyPairFromPrivateKey(KeyObject.from(input));
}

function parsePrivateKeyPem(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    // The PEM itself is secret, so the message names only what was expected.
    throw new InvalidSpecError(
      `The private key given is not a readable unencrypted PEM key (${error instanceof Error ? error.message : 'unknown error'}).`,
    );
  }
}

export function specOfKeyObject(key: KeyObject): ResolvedKeySpec {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    return { type: 'rsa', bits: details.modulusLength ?? 0 };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVE_BY_NODE_NAME[details.namedCurve ?? ''];
    if (curve) return { type: 'ec', curve };
    throw new UnsupportedKeyError(
      `EC curve "${details.namedCurve ?? 'unknown'}" is not supported: use P-256, P-384, P-521 or secp256k1.`,
    );
  }
  throw new UnsupportedKeyError(
    `Key type "${key.asymmetricKeyType ?? 'unknown'}" is not supported: certificates here are signed with RSA (PKCS#1 v1.5) or ECDSA keys.`,
  );
}

// Key generation dominates test time (RSA 2048 takes 50-200 ms), so a process keeps a small pool per
// KeySpec and hands its keys out round-robin. Callers that need distinct keys (one chain) pass the
// keys already in use; the pool grows instead of handing one of those out. EC keys cost ~1 ms, so
// their pool is larger and unrelated certificates rarely share a key by accident.
function poolSize(spec: ResolvedKeySpec): number {
  return spec.type === 'ec' ? 32 : 8;
}

interface PoolSlot {
  readonly promise: Promise<KeyPair>;
  value?: KeyPair;
}

interface Pool {
  readonly slots: PoolSlot[];
  cursor: number;
}

const pools = new Map<string, Pool>();

function poolFor(spec: ResolvedKeySpec): Pool {
  const id = describeKeySpec(spec);
  let pool = pools.get(id);
  if (!pool) {
    pool = { slots: [], cursor: 0 };
    pools.set(id, pool);
  }
  return pool;
}

function slotAt(pool: Pool, spec: ResolvedKeySpec, index: number): PoolSlot {
  const existing = pool.slots[index];
  if (existing) return existing;
  const slot: PoolSlot = {
    promise: generateResolved(spec).then(
      (pair) => {
        slot.value = pair;
        return pair;
      },
      (error: unknown) => {
        // A failed generation must not poison the index for the rest of the process.
        if (pool.slots[index] === slot) delete pool.slots[index];
        throw error;
      },
    ),
  };
  pool.slots[index] = slot;
  return slot;
}

/** The key at `index` of this process's pool for `spec`: the same (spec, index) returns the same key. */
export function cachedKeyPair(spec?: KeySpec, index = 0): Promise<KeyPair> {
  if (!Number.isInteger(index) || index < 0) {
    throw new InvalidSpecError(`Key pool index must be a non-negative integer, got ${String(index)}.`);
  }
  const resolved = resolveKeySpec(spec);
  return slotAt(poolFor(resolved), resolved, index).promise;
}

/** Next pooled key for `spec` that is not in `avoid`. */
export function pooledKeyPair(spec: KeySpec | undefined, avoid: ReadonlySet<KeyPair>): Promise<KeyPair> {
  const resolved = resolveKeySpec(spec);
  const pool = poolFor(resolved);
  const size = poolSize(resolved);
  for (let step = 0; step < size; step += 1) {
    const index = (pool.cursor + step) % size;
    const slot = slotAt(pool, resolved, index);
    // A slot still generating belongs to no finished certificate, so it cannot be one to avoid.
    if (slot.value === undefined || !avoid.has(slot.value)) {
      pool.cursor = (index + 1) % size;
      return slot.promise;
    }
  }
  for (let index = size; ; index += 1) {
    const slot = slotAt(pool, resolved, index);
    if (slot.value === undefined || !avoid.has(slot.value)) return slot.promise;
  }
}

/** Forgets every pooled key (the next request generates anew). */
export function clearKeyCache(): void {
  pools.clear();
}
