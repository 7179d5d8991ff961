import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StorageInvalidLocationError } from './errors.js';

export type StorageLocation =
  | { readonly dialect: 'sqlite'; readonly path: string; readonly display: string }
  | { readonly dialect: 'postgres'; readonly url: URL; readonly display: string };

const POSTGRES_SCHEME = /^postgres(?:ql)?:\/\//i;
const ANY_URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Replaces the password of anything URL-shaped with `***`, even when the URL does not parse. Up to
 * the LAST `@`, because an unencoded `@` inside a password must not leave its tail visible.
 */
export function redactLocation(location: string): string {
  return location
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):.*@/is, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/**
 * `postgres://…` / `postgresql://…` selects PostgreSQL; `:memory:` or a file path selects SQLite.
 * Any other URL scheme is refused rather than being mistaken for a file name.
 */
export function parseLocation(location: string): StorageLocation {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new StorageInvalidLocationError(
      'No storage location given: pass a SQLite file path (e.g. ./.data/connectpay.sqlite), ":memory:", or a postgres://user@host:5432/db URL.',
    );
  }
  const display = redactLocation(location);
  if (POSTGRES_SCHEME.test(location)) return { dialect: 'postgres', url: parsePostgresUrl(location, display), display };
  if (ANY_URL_SCHEME.test(location)) {
    throw new StorageInvalidLocationError(
      `Unsupported storage location ${display}: only postgres:// or postgresql:// URLs (PostgreSQL) and file paths or ":memory:" (SQLite) are supported.`,
    );
  }
  if (location === ':memory:') return { dialect: 'sqlite', path: location, display };
  const path = resolve(location);
  const directory = dirname(path);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new StorageInvalidLocationError(
      `The directory of the SQLite file ${path} does not exist: create ${directory} first (mkdir -p) or choose another path.`,
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new StorageInvalidLocationError(
      `The SQLite location ${path} is a directory: give a file path inside it, e.g. ${path}/connectpay.sqlite.`,
    );
  }
  return { dialect: 'sqlite', path, display: path };
}

function parsePostgresUrl(location: string, display: string): URL {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new StorageInvalidLocationError(
      `The PostgreSQL URL ${display} cannot be parsed: expected postgres://user[:password]@host[:port]/database (percent-encode special characters in the password).`,
    );
  }
  if (url.hostname === '' && !url.searchParams.has('host')) {
    throw new StorageInvalidLocationError(
      `The PostgreSQL URL ${display} names no host: expected postgres://user@host:5432/database.`,
    );
  }
  if (url.pathname.replace(/^\//, '') === '') {
    throw new StorageInvalidLocationError(
      `The PostgreSQL URL ${display} names no database: add it as the path, e.g. postgres://user@host:5432/connectpay.`,
    );
  }
  return url;
}
