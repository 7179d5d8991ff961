import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TokenStoreError } from '../errors.js';
import { revealSecret, type SecretInput } from '../secret.js';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for tokens at rest. The key comes from a `_FILE` variable: 32 bytes, as base64, hex
 * or raw. The store key is bound as associated data, so a ciphertext copied to another subject's
 * row does not decrypt.
 */
export class TokenCipher {
  private readonly key: Buffer;

  constructor(secret: SecretInput) {
    this.key = parseKey(revealSecret(secret));
  }

  /** Whether `secret` is a key this cipher takes (32 bytes as base64, hex or raw), without throwing. */
  static accepts(secret: SecretInput): boolean {
    try {
      parseKey(revealSecret(secret));
      return true;
    } catch {
      return false;
    }
  }

  encrypt(plaintext: string, subject: string): Uint8Array {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(subject, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Uint8Array, subject: string): string {
    const data = Buffer.from(sealed);
    if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== FORMAT_VERSION) {
      throw new TokenStoreError('The stored token record is not in a format this version can read.');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(1, 1 + IV_BYTES));
      decipher.setAAD(Buffer.from(subject, 'utf8'));
      decipher.setAuthTag(data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new TokenStoreError(
        'The stored tokens cannot be decrypted: the token encryption key changed or the record is corrupt. ' +
          'Restore the previous key, or issue a new auth code.',
      );
    }
  }
}

function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  const candidates = [
    /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined,
    /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined,
    Buffer.byteLength(text, 'latin1') === 32 ? Buffer.from(text, 'latin1') : undefined,
  ];
  const key = candidates.find((c) => c?.length === 32);
  if (!key) {
    throw new TokenStoreError(
      'The token encryption key must be 32 bytes (base64, hex, or raw): generate one with `openssl rand -base64 32`.',
    );
  }
  return key;
}
