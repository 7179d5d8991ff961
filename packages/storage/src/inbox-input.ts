import { StorageInvalidInputError } from './errors.js';
import type { ClaimOptions, FailOptions, InboxDelivery } from './types.js';
import {
  encodeJson,
  optionalDate,
  optionalText,
  requireCount,
  requireDate,
  requireHeaders,
  requireText,
  toBuffer,
} from './validation.js';

/** A delivery checked and encoded for either dialect; validation happens before it joins a batch. */
export interface PreparedDelivery {
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly headersJson: string;
  readonly body: Buffer;
  readonly eventType: string | null;
  readonly resourceId: string | null;
  readonly eventTimestamp: Date | null;
  /** 'dead' when the caller stores it straight into the dead letters. */
  readonly state: 'pending' | 'dead';
  readonly lastError: string | null;
}

export function prepareDelivery(delivery: InboxDelivery): PreparedDelivery {
  return {
    deliveryKey: requireText(delivery.deliveryKey, 'deliveryKey', 512),
    receivedAt: requireDate(delivery.receivedAt, 'receivedAt'),
    headersJson: encodeJson(requireHeaders(delivery.headers), 'headers') ?? '{}',
    body: toBuffer(delivery.body, 'body'),
    eventType: optionalText(delivery.eventType, 'eventType', 256),
    resourceId: optionalText(delivery.resourceId, 'resourceId', 256),
    eventTimestamp: optionalDate(delivery.eventTimestamp, 'eventTimestamp'),
    ...deadOnArrival(delivery.deadLetterReason),
  };
}

function deadOnArrival(reason: unknown): Pick<PreparedDelivery, 'state' | 'lastError'> {
  if (reason === undefined) return { state: 'pending', lastError: null };
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new StorageInvalidInputError(
      'deadLetterReason must be a non-empty string (what an operator reads in the dead letters), or left out.',
    );
  }
  return { state: 'dead', lastError: describeFailure(reason) };
}

export interface PreparedClaim {
  readonly worker: string;
  readonly limit: number;
  readonly now: Date;
  readonly leaseExpiresAt: Date;
}

export function prepareClaim(options: ClaimOptions): PreparedClaim {
  const worker = requireText(options.worker, 'worker', 256);
  const limit = requireCount(options.limit, 'limit', { min: 1, max: 1000 });
  const leaseMs = requireCount(options.leaseMs, 'leaseMs', { min: 1, max: 7 * 24 * 3600 * 1000 });
  const now = options.now === undefined ? new Date() : requireDate(options.now, 'now');
  return { worker, limit, now, leaseExpiresAt: new Date(now.getTime() + leaseMs) };
}

export interface PreparedFailure {
  readonly error: string;
  /** null: dead-letter it. */
  readonly retryAt: Date | null;
}

export function prepareFailure(options: FailOptions): PreparedFailure {
  if (typeof options !== 'object' || options === null) {
    throw new StorageInvalidInputError('fail() needs { error, retryAt } or { error, deadLetter: true }.');
  }
  const error = describeFailure(options.error);
  if ('deadLetter' in options && options.deadLetter === true) return { error, retryAt: null };
  if ('retryAt' in options) return { error, retryAt: requireDate(options.retryAt, 'retryAt') };
  throw new StorageInvalidInputError('fail() needs either retryAt (a Date) or deadLetter: true.');
}

export function requireLimit(limit: number | undefined, fallback: number): number {
  return limit === undefined ? fallback : requireCount(limit, 'limit', { min: 1, max: 1000 });
}

// Long stack traces or provider bodies would bloat every row; the head is what an operator reads.
const MAX_ERROR_LENGTH = 4000;

function describeFailure(error: unknown): string {
  const text = typeof error === 'string' && error !== '' ? error.replaceAll('\u0000', '\uFFFD') : 'unspecified error';
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}… (truncated)` : text;
}
