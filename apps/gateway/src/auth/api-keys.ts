import { createHash, timingSafeEqual } from 'node:crypto';

/** The documented key `local` accepts, so a fresh clone can call the gateway with no set-up. */
export const LOCAL_DEV_API_KEY = 'local-dev-key';

/**
 * Internal callers' keys, kept only as SHA-256 digests. Checking compares digests in constant time
 * against every known key, so neither timing nor early exit tells a caller how close it got.
 */
export class ApiKeyRing {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((k) => k.length > 0).map(digest);
  }

  /** One key per line; blank lines and `#` comments ignored. */
  static parse(text: string): ApiKeyRing {
    return new ApiKeyRing(ApiKeyRing.parseLines(text));
  }

  static parseLines(text: string): string[] {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  get size(): number {
    return this.digests.length;
  }

  accepts(candidate: string | undefined): boolean {
    if (candidate === undefined || candidate === '') return false;
    const offered = digest(candidate);
    let accepted = false;
    for (const known of this.digests) accepted = timingSafeEqual(known, offered) || accepted;
    return accepted;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
