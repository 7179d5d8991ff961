import { GroupCommitter } from '../group-commit.js';
import { eventNotFound, leaseConflict, replayWhileProcessing } from '../inbox-errors.js';
import { batchResults, firstOfEachKey } from '../inbox-batch.js';
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
import type { SqliteConnection } from './connection.js';

// Each arm walks its own partial index and stops at @limit. One WHERE with an OR of the two arms
// made SQLite gather every due row and sort them all on each claim: 13 ms per claim at a
// 200k-event backlog, against 0.03 ms this way.
const DUE_IDS = `
  SELECT id FROM (
    SELECT id, available_at FROM (
      SELECT id, available_at FROM inbox_events
       WHERE state = 'pending' AND available_at <= @now ORDER BY available_at, id LIMIT @limit)
    UNION ALL
    SELECT id, available_at FROM (
      SELECT id, available_at FROM inbox_events
       WHERE state = 'processing' AND lease_expires_at <= @now ORDER BY lease_expires_at LIMIT @limit))
  ORDER BY available_at, id LIMIT @limit`;

export class SqliteInbox implements Inbox {
  private readonly appends: GroupCommitter<PreparedDelivery, AppendResult>;

  constructor(
    private readonly connection: SqliteConnection,
    groupCommit: GroupCommitOptions = {},
  ) {
    this.appends = new GroupCommitter((batch) => this.commitBatch(batch), groupCommit);
  }

  async append(delivery: InboxDelivery): Promise<AppendResult> {
    return this.appends.submit(prepareDelivery(delivery));
  }

  commitStats(): InboxCommitStats {
    return this.appends.snapshot();
  }

  /** Settles every append already submitted, then refuses new ones. */
  closeAppends(): Promise<void> {
    return this.appends.close();
  }

  private commitBatch(batch: readonly PreparedDelivery[]): AppendResult[] {
    return this.connection.runSync('store webhook deliveries', () => {
      const insert = this.connection.prepare(
        `INSERT INTO inbox_events (delivery_key, received_at, headers, body, event_type, resource_id, event_timestamp, state, last_error, available_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_key) DO NOTHING RETURNING id`,
      );
      const existing = this.connection.prepare('SELECT id FROM inbox_events WHERE delivery_key = ?');
      const stored = new Map<string, { id: string; inserted: boolean }>();
      // IMMEDIATE: take the write lock up front so the batch never fails half-way on a lock upgrade.
      this.connection.db
        .transaction(() => {
          const now = Date.now();
          for (const item of firstOfEachKey(batch)) {
            const received = item.receivedAt.getTime();
            const row = insert.get(
              item.deliveryKey,
              received,
              item.headersJson,
              item.body,
              item.eventType,
              item.resourceId,
              item.eventTimestamp?.getTime() ?? null,
              item.state,
              item.lastError,
              received,
              now,
            ) as { id: number } | undefined;
            if (row) stored.set(item.deliveryKey, { id: String(row.id), inserted: true });
            else
              stored.set(item.deliveryKey, {
                id: String((existing.get(item.deliveryKey) as { id: number }).id),
                inserted: false,
              });
          }
        })
        .immediate();
      return batchResults(batch, stored);
    });
  }

  async claim(options: ClaimOptions): Promise<InboxEvent[]> {
    const claim = prepareClaim(options);
    return this.connection.run('claim inbox events', () => {
      // One UPDATE: SQLite holds the write lock for the whole statement, so the selection and the
      // lease cannot be split by another claimer, in this process or another.
      const rows = this.connection
        .prepare(
          `UPDATE inbox_events
             SET state = 'processing', lease_owner = @worker, lease_expires_at = @leaseExpiresAt, claims = claims + 1, updated_at = @now
           WHERE id IN (${DUE_IDS})
           RETURNING *`,
        )
        .all({
          worker: claim.worker,
          leaseExpiresAt: claim.leaseExpiresAt.getTime(),
          now: claim.now.getTime(),
          limit: claim.limit,
        }) as InboxRow[];
      return rows.map(toInboxEvent).sort(byDueTime);
    });
  }

  async complete(id: string, worker: string): Promise<void> {
    const rowId = parseEventId(id);
    return this.connection.run('complete an inbox event', () => {
      const now = Date.now();
      const changed = this.connection
        .prepare(
          `UPDATE inbox_events SET state = 'done', completed_at = ?, updated_at = ?, lease_owner = NULL, lease_expires_at = NULL
           WHERE id = ? AND state = 'processing' AND lease_owner = ?`,
        )
        .run(now, now, rowId, worker).changes;
      if (changed === 0) throw this.leaseLost(id, worker);
    });
  }

  async fail(id: string, worker: string, options: FailOptions): Promise<void> {
    const rowId = parseEventId(id);
    const failure = prepareFailure(options);
    return this.connection.run('record a failed inbox event', () => {
      const now = Date.now();
      const changed = this.connection
        .prepare(
          `UPDATE inbox_events
             SET state = @state, attempts = attempts + 1, last_error = @error, available_at = coalesce(@retryAt, available_at),
                 lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
           WHERE id = @id AND state = 'processing' AND lease_owner = @worker`,
        )
        .run({
          state: failure.retryAt ? 'pending' : 'dead',
          error: failure.error,
          retryAt: failure.retryAt?.getTime() ?? null,
          now,
          id: rowId,
          worker,
        }).changes;
      if (changed === 0) throw this.leaseLost(id, worker);
    });
  }

  async deadLetters(options: { readonly limit?: number; readonly afterId?: string } = {}): Promise<InboxEvent[]> {
    const limit = requireLimit(options.limit, 100);
    const after = options.afterId === undefined ? 0 : parseEventId(options.afterId);
    return this.connection.run('list dead letters', () => {
      const rows = this.connection
        .prepare(`SELECT * FROM inbox_events WHERE state = 'dead' AND id > ? ORDER BY id LIMIT ?`)
        .all(after, limit) as InboxRow[];
      return rows.map(toInboxEvent);
    });
  }

  async replay(id: string, now: Date = new Date()): Promise<InboxEvent> {
    const rowId = parseEventId(id);
    requireDate(now, 'now');
    return this.connection.run('replay an inbox event', () => {
      const row = this.connection
        .prepare(
          `UPDATE inbox_events SET state = 'pending', attempts = 0, available_at = @now, completed_at = NULL, updated_at = @now
           WHERE id = @id AND state IN ('dead', 'done') RETURNING *`,
        )
        .get({ id: rowId, now: now.getTime() }) as InboxRow | undefined;
      if (row) return toInboxEvent(row);
      const current = this.connection.prepare('SELECT * FROM inbox_events WHERE id = ?').get(rowId) as
        InboxRow | undefined;
      if (!current) throw eventNotFound(id);
      if (current.state === 'processing') {
        throw replayWhileProcessing(id, current.lease_owner);
      }
      return toInboxEvent(current);
    });
  }

  async get(id: string): Promise<InboxEvent | undefined> {
    if (!isEventId(id)) return undefined;
    return this.connection.run('read an inbox event', () => {
      const row = this.connection.prepare('SELECT * FROM inbox_events WHERE id = ?').get(Number(id)) as
        InboxRow | undefined;
      return row && toInboxEvent(row);
    });
  }

  async stats(now: Date = new Date()): Promise<InboxStats> {
    requireDate(now, 'now');
    return this.connection.run('count inbox events', () => {
      const counts = { pending: 0, processing: 0, done: 0, dead: 0 };
      for (const row of this.connection
        .prepare('SELECT state, count(*) AS n FROM inbox_events GROUP BY state')
        .all() as { state: keyof typeof counts; n: number }[]) {
        counts[row.state] = row.n;
      }
      const oldest = this.connection
        .prepare(`SELECT min(received_at) AS at FROM inbox_events WHERE state IN ('pending', 'processing')`)
        .get() as {
        at: number | null;
      };
      return { ...counts, oldestPendingAgeMs: oldest.at === null ? 0 : Math.max(0, now.getTime() - oldest.at) };
    });
  }

  async purgeDone(options: { readonly before: Date }): Promise<number> {
    const before = requireDate(options?.before, 'before');
    return this.connection.run(
      'purge done inbox events',
      () =>
        this.connection
          .prepare(`DELETE FROM inbox_events WHERE state = 'done' AND completed_at < ?`)
          .run(before.getTime()).changes,
    );
  }

  private leaseLost(id: string, worker: string): Error {
    const row = this.connection.prepare('SELECT state, lease_owner FROM inbox_events WHERE id = ?').get(Number(id)) as
      { state: string; lease_owner: string | null } | undefined;
    if (!row) return eventNotFound(id);
    return leaseConflict(id, worker, row.state, row.lease_owner);
  }
}
