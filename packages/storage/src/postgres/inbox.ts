import { GroupCommitter } from '../group-commit.js';
import { batchResults, firstOfEachKey } from '../inbox-batch.js';
import { eventNotFound, leaseConflict, replayWhileProcessing } from '../inbox-errors.js';
import { prepareClaim, prepareDelivery, prepareFailure, requireLimit, type PreparedDelivery } from '../inbox-input.js';
import { byDueTime, toInboxEvent, type InboxRow } from '../inbox-rows.js';
import type {
  AppendResult,
  ClaimOptions,
  FailOptions,
  GroupCommitOptions,
  Inbox,
  InboxCommitStats,
  InboxDelivery,
  InboxEvent,
  InboxStats,
} from '../types.js';
import { isEventId, parseEventId, requireDate } from '../validation.js';
import type { PostgresConnection } from './connection.js';

const COLUMNS_PER_ROW = 10;

export class PostgresInbox implements Inbox {
  private readonly appends: GroupCommitter<PreparedDelivery, AppendResult>;

  constructor(
    private readonly connection: PostgresConnection,
    groupCommit: GroupCommitOptions = {},
  ) {
    // PostgreSQL allows 65535 bind parameters per statement.
    const maxBatch = Math.min(groupCommit.maxBatch ?? 256, Math.floor(65535 / COLUMNS_PER_ROW));
    this.appends = new GroupCommitter((batch) => this.commitBatch(batch), { ...groupCommit, maxBatch });
  }

  async append(delivery: InboxDelivery): Promise<AppendResult> {
    return this.appends.submit(prepareDelivery(delivery));
  }

  commitStats(): InboxCommitStats {
    return this.appends.snapshot();
  }

  closeAppends(): Promise<void> {
    return this.appends.close();
  }

  /**
   * The whole batch is ONE multi-row INSERT, i.e. one autocommit transaction and one WAL flush. A key
   * that another replica is inserting right now makes ours wait for its outcome, so a duplicate is
   * never reported before the original is committed.
   */
  private async commitBatch(batch: readonly PreparedDelivery[]): Promise<AppendResult[]> {
    const unique = firstOfEachKey(batch);
    const params: unknown[] = [];
    const tuples = unique.map((item) => {
      const first = params.length + 1;
      params.push(
        item.deliveryKey,
        item.receivedAt,
        item.headersJson,
        item.body,
        item.eventType,
        item.resourceId,
        item.eventTimestamp,
        item.state,
        item.lastError,
        item.receivedAt,
      );
      const placeholders = Array.from({ length: COLUMNS_PER_ROW }, (_, offset) => `$${first + offset}`);
      return `(${placeholders.join(', ')}, now())`;
    });
    const inserted = await this.connection.query<{ id: string; delivery_key: string }>(
      'store webhook deliveries',
      `INSERT INTO inbox_events (delivery_key, received_at, headers, body, event_type, resource_id, event_timestamp, state, last_error, available_at, updated_at)
       VALUES ${tuples.join(', ')} ON CONFLICT (delivery_key) DO NOTHING RETURNING id, delivery_key`,
      params,
    );
    const stored = new Map<string, { id: string; inserted: boolean }>();
    for (const row of inserted) stored.set(row.delivery_key, { id: row.id, inserted: true });
    const skipped = unique.filter((item) => !stored.has(item.deliveryKey)).map((item) => item.deliveryKey);
    if (skipped.length > 0) {
      const existing = await this.connection.query<{ id: string; delivery_key: string }>(
        'look up duplicate deliveries',
        'SELECT id, delivery_key FROM inbox_events WHERE delivery_key = ANY($1::text[])',
        [skipped],
      );
      for (const row of existing) stored.set(row.delivery_key, { id: row.id, inserted: false });
    }
    return batchResults(batch, stored);
  }

  async claim(options: ClaimOptions): Promise<InboxEvent[]> {
    const claim = prepareClaim(options);
    // SKIP LOCKED: a row another claimer is leasing right now is passed over instead of waited for;
    // a row it already leased is re-checked against its new lease and no longer qualifies.
    // Two arms, each on its own partial index and stopping at the limit, instead of one OR that
    // collects and sorts the whole backlog per claim. PostgreSQL refuses FOR UPDATE on a UNION,
    // so each arm locks its own rows; the few an arm locks beyond the final limit are released
    // when this one-statement transaction ends.
    const rows = await this.connection.query<InboxRow>(
      'claim inbox events',
      `WITH pending AS (
         SELECT id, available_at FROM inbox_events
         WHERE state = 'pending' AND available_at <= $3
         ORDER BY available_at, id LIMIT $4
         FOR UPDATE SKIP LOCKED
       ), expired AS (
         SELECT id, available_at FROM inbox_events
         WHERE state = 'processing' AND lease_expires_at <= $3
         ORDER BY lease_expires_at LIMIT $4
         FOR UPDATE SKIP LOCKED
       ), due AS (
         SELECT id FROM (SELECT id, available_at FROM pending UNION ALL SELECT id, available_at FROM expired) candidates
         ORDER BY available_at, id LIMIT $4
       )
       UPDATE inbox_events e
         SET state = 'processing', lease_owner = $1, lease_expires_at = $2, claims = e.claims + 1, updated_at = now()
       FROM due
       WHERE e.id = due.id
       RETURNING e.*`,
      [claim.worker, claim.leaseExpiresAt, claim.now, claim.limit],
    );
    return rows.map(toInboxEvent).sort(byDueTime);
  }

  async complete(id: string, worker: string): Promise<void> {
    const rowId = parseEventId(id);
    const rows = await this.connection.query(
      'complete an inbox event',
      `UPDATE inbox_events SET state = 'done', completed_at = now(), updated_at = now(), lease_owner = NULL, lease_expires_at = NULL
       WHERE id = $1 AND state = 'processing' AND lease_owner = $2 RETURNING id`,
      [rowId, worker],
    );
    if (rows.length === 0) throw await this.leaseLost(id, rowId, worker);
  }

  async fail(id: string, worker: string, options: FailOptions): Promise<void> {
    const rowId = parseEventId(id);
    const failure = prepareFailure(options);
    const rows = await this.connection.query(
      'record a failed inbox event',
      `UPDATE inbox_events
         SET state = $3, attempts = attempts + 1, last_error = $4, available_at = coalesce($5::timestamptz, available_at),
             lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE id = $1 AND state = 'processing' AND lease_owner = $2 RETURNING id`,
      [rowId, worker, failure.retryAt ? 'pending' : 'dead', failure.error, failure.retryAt],
    );
    if (rows.length === 0) throw await this.leaseLost(id, rowId, worker);
  }

  async deadLetters(options: { readonly limit?: number; readonly afterId?: string } = {}): Promise<InboxEvent[]> {
    const limit = requireLimit(options.limit, 100);
    const after = options.afterId === undefined ? 0 : parseEventId(options.afterId);
    const rows = await this.connection.query<InboxRow>(
      'list dead letters',
      `SELECT * FROM inbox_events WHERE state = 'dead' AND id > $1 ORDER BY id LIMIT $2`,
      [after, limit],
    );
    return rows.map(toInboxEvent);
  }

  async replay(id: string, now: Date = new Date()): Promise<InboxEvent> {
    const rowId = parseEventId(id);
    requireDate(now, 'now');
    const [row] = await this.connection.query<InboxRow>(
      'replay an inbox event',
      `UPDATE inbox_events SET state = 'pending', attempts = 0, available_at = $2, completed_at = NULL, updated_at = now()
       WHERE id = $1 AND state IN ('dead', 'done') RETURNING *`,
      [rowId, now],
    );
    if (row) return toInboxEvent(row);
    const [current] = await this.connection.query<InboxRow>(
      'read an inbox event',
      'SELECT * FROM inbox_events WHERE id = $1',
      [rowId],
    );
    if (!current) throw eventNotFound(id);
    if (current.state === 'processing') throw replayWhileProcessing(id, current.lease_owner);
    return toInboxEvent(current);
  }

  async get(id: string): Promise<InboxEvent | undefined> {
    if (!isEventId(id)) return undefined;
    const [row] = await this.connection.query<InboxRow>(
      'read an inbox event',
      'SELECT * FROM inbox_events WHERE id = $1',
      [Number(id)],
    );
    return row && toInboxEvent(row);
  }

  async stats(now: Date = new Date()): Promise<InboxStats> {
    requireDate(now, 'now');
    const [row] = await this.connection.query<{
      pending: number;
      processing: number;
      done: number;
      dead: number;
      oldest: Date | null;
    }>(
      'count inbox events',
      `SELECT count(*) FILTER (WHERE state = 'pending')::int AS pending,
              count(*) FILTER (WHERE state = 'processing')::int AS processing,
              count(*) FILTER (WHERE state = 'done')::int AS done,
              count(*) FILTER (WHERE state = 'dead')::int AS dead,
              min(received_at) FILTER (WHERE state IN ('pending', 'processing')) AS oldest
         FROM inbox_events`,
    );
    const counts = row ?? { pending: 0, processing: 0, done: 0, dead: 0, oldest: null };
    return {
      pending: counts.pending,
      processing: counts.processing,
      done: counts.done,
      dead: counts.dead,
      oldestPendingAgeMs: counts.oldest === null ? 0 : Math.max(0, now.getTime() - counts.oldest.getTime()),
    };
  }

  async purgeDone(options: { readonly before: Date }): Promise<number> {
    const before = requireDate(options?.before, 'before');
    const rows = await this.connection.query(
      'purge done inbox events',
      `DELETE FROM inbox_events WHERE state = 'done' AND completed_at < $1 RETURNING id`,
      [before],
    );
    return rows.length;
  }

  private async leaseLost(id: string, rowId: number, worker: string): Promise<Error> {
    const [row] = await this.connection.query<{ state: string; lease_owner: string | null }>(
      'read an inbox event',
      'SELECT state, lease_owner FROM inbox_events WHERE id = $1',
      [rowId],
    );
    return row ? leaseConflict(id, worker, row.state, row.lease_owner) : eventNotFound(id);
  }
}
