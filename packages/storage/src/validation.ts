import { StorageInvalidInputError, StorageNotFoundError } from './errors.js';

// PostgreSQL refuses NUL in text columns; refusing it up front keeps one bad value from failing a
// whole group commit (and both dialects behave the same).
const NUL = '\u0000';

export function requireText(value: unknown, what: string, maxLength = 1024): string {
  if (typeof value !== 'string' || value === '') {
    throw new StorageInvalidInputError(`${what} must be a non-empty string.`);
  }
  if (value.length > maxLength)
    throw new StorageInvalidInputError(`${what} is ${value.length} characters long; at most ${maxLength} are allowed.`);
  if (value.includes(NUL))
    throw new StorageInvalidInputError(`${what} contains a NUL character, which the database cannot store.`);
  return value;
}

export function optionalText(value: unknown, what: string, maxLength = 1024): string | null {
  return value === undefined || value === null ? null : requireText(value, what, maxLength);
}

export function requireDate(value: unknown, what: string): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new StorageInvalidInputError(`${what} must be a valid Date.`);
  return value;
}

export function optionalDate(value: unknown, what: string): Date | null {
  return value === undefined || value === null ? null : requireDate(value, what);
}

export function requireCount(value: unknown, what: string, { min, max }: { min: number; max: number }): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new StorageInvalidInputError(`${what} must be an integer from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

export function requireVersion(value: unknown): number {
  return requireCount(value, 'expectedVersion', { min: 0, max: Number.MAX_SAFE_INTEGER });
}

export function requireBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new StorageInvalidInputError(`${what} must be a Uint8Array (or Buffer).`);
  return value;
}

/** Buffer view over the caller's bytes (no copy): both drivers bind Buffers as blobs. */
export function toBuffer(value: Uint8Array | string, what: string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  return Buffer.from(requireBytes(value, what).buffer, value.byteOffset, value.byteLength);
}

// A `\u0000` escape that is not itself preceded by an escaping backslash (PostgreSQL jsonb refuses it).
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

export function encodeJson(value: unknown, what: string): string | null {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StorageInvalidInputError(`${what} cannot be stored as JSON: ${(error as Error).message}.`);
  }
  if (text === undefined)
    throw new StorageInvalidInputError(`${what} cannot be stored as JSON (functions and symbols cannot).`);
  if (ESCAPED_NUL.test(text))
    throw new StorageInvalidInputError(`${what} contains a NUL character, which the database cannot store.`);
  return text;
}

export function requireHeaders(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StorageInvalidInputError('headers must be an object of header name to string value.');
  }
  const headers: Record<string, string> = {};
  for (const [name, headerValue] of Object.entries(value)) {
    requireText(name, 'A header name', 256);
    if (typeof headerValue !== 'string')
      throw new StorageInvalidInputError(`Header ${name} must have a string value (join repeated headers with ", ").`);
    if (headerValue.includes(NUL))
      throw new StorageInvalidInputError(`Header ${name} contains a NUL character, which the database cannot store.`);
    headers[name] = headerValue;
  }
  return headers;
}

// Ids are decimal row numbers; anything else cannot name an event, so it is simply not found.
const EVENT_ID = /^[1-9][0-9]{0,15}$/;

export function parseEventId(id: unknown): number {
  if (typeof id !== 'string' || !EVENT_ID.test(id)) {
    throw new StorageNotFoundError(
      `No inbox event has the id ${JSON.stringify(id)}: ids are the decimal strings append() returned.`,
    );
  }
  return Number(id);
}

export function isEventId(id: unknown): id is string {
  return typeof id === 'string' && EVENT_ID.test(id);
}
