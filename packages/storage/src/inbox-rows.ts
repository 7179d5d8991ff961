import type { InboxEvent, InboxEventState } from './types.js';

/** An inbox row as either driver returns it: times as epoch ms (SQLite) or Date (PostgreSQL), JSON as text or parsed. */
export interface InboxRow {
  id: number | string;
  delivery_key: string;
  received_at: number | Date;
  headers: string | Record<string, string>;
  body: Uint8Array;
  event_type: string | null;
  resource_id: string | null;
  event_timestamp: number | Date | null;
  state: InboxEventState;
  attempts: number;
  claims: number;
  available_at: number | Date;
  lease_owner: string | null;
  lease_expires_at: number | Date | null;
  last_error: string | null;
  completed_at: number | Date | null;
  updated_at: number | Date;
}

export function toInboxEvent(row: InboxRow): InboxEvent {
  return {
    id: String(row.id),
    deliveryKey: row.delivery_key,
    receivedAt: toDate(row.received_at),
    headers: typeof row.headers === 'string' ? (JSON.parse(row.headers) as Record<string, string>) : row.headers,
    body: row.body,
    eventType: row.event_type ?? undefined,
    resourceId: row.resource_id ?? undefined,
    eventTimestamp: toOptionalDate(row.event_timestamp),
    state: row.state,
    attempts: Number(row.attempts),
    claims: Number(row.claims),
    availableAt: toDate(row.available_at),
    leaseOwner: row.lease_owner ?? undefined,
    leaseExpiresAt: toOptionalDate(row.lease_expires_at),
    lastError: row.last_error ?? undefined,
    completedAt: toOptionalDate(row.completed_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** Oldest first, as claim() promises; ids compare as numbers. */
export function byDueTime(a: InboxEvent, b: InboxEvent): number {
  return a.availableAt.getTime() - b.availableAt.getTime() || Number(a.id) - Number(b.id);
}

export function toDate(value: number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toOptionalDate(value: number | Date | null): Date | undefined {
  return value === null ? undefined : toDate(value);
}
