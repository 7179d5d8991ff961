import { createHash, timingSafeEqual } from 'node:crypto';
import type { SettingsIssue } from './errors.js';
import { readText } from './settings.js';

/**
 * Shared secrets (internal callers' API keys, the provider's webhook token, admin keys) kept only as
 * SHA-256 digests. Several entries are all accepted, so a secret can be rotated without a window in
 * which requests fail. Every known entry is compared in constant time, so neither timing nor an
 * early exit tells a caller how close it got.
 */
export class KeyRing {
  private readonly digests: Buffer[];

  constructor(keys: Iterable<string>) {
    this.digests = [...keys].filter((key) => key.length > 0).map(digest);
  }

  /** A ring of the file's entries: one per line, blank lines and `#` comments ignored. */
  static parse(text: string): KeyRing {
    return new KeyRing(KeyRing.parseLines(text));
  }

  /** One entry per line, trimmed; blank lines and `#` comments ignored. */
  static parseLines(text: string): string[] {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  get size(): number {
    return this.digests.length;
  }

  /** A header value as Node gives it: a repeated header (an array) or an empty one is refused. */
  accepts(candidate: string | readonly string[] | undefined): boolean {
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

export interface KeyFileOptions {
  /** The variable that names the file; issues are reported under it. */
  readonly variable: string;
  /** The documented key `local` accepts with no set-up: accepted too in local, refused in the file elsewhere. */
  readonly localKey: string;
  readonly local: boolean;
}

/**
 * A file of keys, one per line, as a ring. Issues (under `options.variable`, naming the path, never
 * a key): the file cannot be read, holds no key, or, outside local, holds the public local key.
 */
export function readKeyFile(file: string, options: KeyFileOptions, issues: SettingsIssue[]): KeyRing {
  const localKeys = options.local ? [options.localKey] : [];
  const text = readText(file, options.variable, issues);
  if (text === undefined) return new KeyRing(localKeys);
  const keys = KeyRing.parseLines(text);
  if (keys.length === 0) {
    issues.push({ variable: options.variable, message: `${file} holds no key (one per line; # starts a comment).` });
  }
  if (!options.local && keys.includes(options.localKey)) {
    issues.push({
      variable: options.variable,
      message: `${file} contains the public local development key; generate real keys (e.g. \`openssl rand -hex 32\`).`,
    });
  }
  return new KeyRing([...keys, ...localKeys]);
}
