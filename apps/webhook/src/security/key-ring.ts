import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Shared secrets (the provider's webhook token, admin keys) kept only as SHA-256 digests. Several
 * entries are all accepted, so a secret can be rotated without a window in which requests fail. Every
 * known entry is compared in constant time, so neither timing nor an early exit tells a caller how
 * close it got.
 */
export class KeyRing {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((key) => key.length > 0).map(digest);
  }

  /** One entry per line; blank lines and `#` comments ignored. */
  static parseLines(text: string): string[] {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  get size(): number {
    return this.digests.length;
  }

  accepts(candidate: string | string[] | undefined): boolean {
    if (typeof candidate !== 'string' || candidate === '') return false;
    const offered = digest(candidate);
    let accepted = false;
    for (const known of this.digests) accepted = timingSafeEqual(known, offered) || accepted;
    return accepted;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
