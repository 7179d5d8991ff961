export type Dialect = 'sqlite' | 'postgres';

export interface OpenStorageOptions {
  /**
   * PostgreSQL only: keep every table in this schema (created when missing) by putting it first on
   * the connection's search_path. Lets several deployments or test runs share one database.
   */
  readonly schema?: string;
  /**
   * How long a write waits for another writer's lock before failing with StorageUnavailableError
   * (SQLite busy_timeout, PostgreSQL lock_timeout). Default 5000 ms.
   */
  readonly lockTimeoutMs?: number;
  /** PostgreSQL only: connections in the pool. Default 10. */
  readonly poolSize?: number;
  /** PostgreSQL only: how long to wait for a connection before StorageUnavailableError. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  readonly groupCommit?: GroupCommitOptions;
}

export interface GroupCommitOptions {
  /** Most deliveries committed in one transaction. Default 256. */
  readonly maxBatch?: number;
  /** How long the first delivery of a batch waits for company. Default 0: until the next event-loop turn. */
  readonly windowMs?: number;
}

/** One database: the stores the platform persists, sharing its connection(s). */
export interface Storage {
  readonly dialect: Dialect;
  /** Where it lives, safe to log: a PostgreSQL password is replaced by `***`. */
  readonly location: string;
  /** The schema version after migrations ran at open. */
  readonly schemaVersion: number;
  readonly tokens: TokenStore;
  readonly authStates: AuthStateStore;
  readonly inbox: Inbox;
  readonly resources: ResourceStateStore;
  /** Health check: resolves when the database answers, throws StorageUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Commits the deliveries already handed to the inbox, then closes. Safe to call twice. */
  close(): Promise<void>;
}

export interface StoredToken {
  /** The caller's ciphertext, byte for byte. */
  readonly value: Uint8Array;
  /** Starts at 1 and grows by one on every put. */
  readonly version: number;
  readonly updatedAt: Date;
}

export interface TokenPutOptions {
  /** The version the caller read; 0 means "must not exist yet". */
  readonly expectedVersion: number;
}

/**
 * Opaque OAuth token blobs with compare-and-swap versions. A resolved put is committed durably, so a
 * rotated refresh token is never lost once put returns; a lost race throws StorageConflictError.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  /** Returns the new version; throws StorageConflictError when the stored version is not `expectedVersion`. */
  put(key: string, value: Uint8Array, options: TokenPutOptions): Promise<number>;
  /**
   * Removes the token; nothing to do when there is none. With `expectedVersion`, removes only that
   * version and throws StorageConflictError when another version (or none) is stored.
   */
  delete(key: string, options?: { readonly expectedVersion?: number }): Promise<void>;
}

export interface AuthStateInput {
  readonly nonce: string;
  /** Anything JSON can hold (scope, return path…); stored as JSON. */
  readonly data?: unknown;
  readonly expiresAt: Date;
  /** When it was created; default now. */
  readonly createdAt?: Date;
}

export interface AuthState {
  readonly state: string;
  readonly nonce: string;
  /** The parsed JSON stored with it; undefined when none was given. */
  readonly data: unknown;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** PSD2 redirect `state` values: created before the redirect, consumed exactly once by the callback. */
export interface AuthStateStore {
  /** Throws StorageConflictError when the state already exists. */
  create(state: string, input: AuthStateInput): Promise<void>;
  /**
   * Atomically removes the state and returns it; undefined when it is unknown, already consumed or
   * expired (expiresAt <= now). Of two concurrent calls, at most one gets it.
   */
  consume(state: string, now?: Date): Promise<AuthState | undefined>;
  /** Removes states that expired at or before `now`; returns how many. */
  purgeExpired(now?: Date): Promise<number>;
}

export interface InboxDelivery {
  /** Unique per provider event: a second append with the same key is acknowledged, not stored. */
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw request body; a string is stored as its UTF-8 bytes. */
  readonly body: Uint8Array | string;
  readonly eventType?: string;
  readonly resourceId?: string;
  /** The provider's event time (x-connectpay-timestamp), for ordering. */
  readonly eventTimestamp?: Date;
  /**
   * Store it straight into the dead letters with this reason as its `lastError`, in the same commit:
   * for a delivery that must be kept and acknowledged although it cannot be processed (its content is
   * not an event). It is never claimed; `deadLetters()` lists it and `replay()` works as for any other.
   */
  readonly deadLetterReason?: string;
}

export interface AppendResult {
  readonly id: string;
  /** True when the deliveryKey was already stored: `id` is the stored event's. */
  readonly duplicate: boolean;
}

export type InboxEventState = 'pending' | 'processing' | 'done' | 'dead';

export interface InboxEvent {
  readonly id: string;
  readonly deliveryKey: string;
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly eventType: string | undefined;
  readonly resourceId: string | undefined;
  readonly eventTimestamp: Date | undefined;
  readonly state: InboxEventState;
  /** Failed processing attempts (fail() calls) since it was stored or last replayed. */
  readonly attempts: number;
  /** Times it was handed out by claim(); far above `attempts` means workers die while processing it. */
  readonly claims: number;
  /** When it is due (pending) or was due (others). */
  readonly availableAt: Date;
  readonly leaseOwner: string | undefined;
  readonly leaseExpiresAt: Date | undefined;
  readonly lastError: string | undefined;
  readonly completedAt: Date | undefined;
  readonly updatedAt: Date;
}

export interface ClaimOptions {
  /** Who holds the lease: unique per worker and process (e.g. `${hostname}:${pid}:${n}`). */
  readonly worker: string;
  readonly limit: number;
  /** How long the lease lasts; after it, another worker may claim the event again. */
  readonly leaseMs: number;
  readonly now?: Date;
}

export type FailOptions =
  { readonly error: string; readonly retryAt: Date } | { readonly error: string; readonly deadLetter: true };

export interface InboxStats {
  readonly pending: number;
  readonly processing: number;
  readonly done: number;
  readonly dead: number;
  /** How long the oldest event not yet done (pending or processing) has waited since it was received; 0 when none. */
  readonly oldestPendingAgeMs: number;
}

/** How well appends are being batched: `deliveries / commits` is the average batch size. */
export interface InboxCommitStats {
  /** Transactions that committed appended deliveries. */
  readonly commits: number;
  /** Transactions that failed; every append in them was rejected. */
  readonly failedCommits: number;
  /** Appends resolved by those commits, duplicates included. */
  readonly deliveries: number;
  readonly largestBatch: number;
}

/**
 * The webhook receiver's durable inbox. append() resolves only once the delivery is committed (and on
 * SQLite fsynced), sharing one commit among concurrent callers; workers then claim, complete or fail.
 */
export interface Inbox {
  append(delivery: InboxDelivery): Promise<AppendResult>;
  /**
   * Leases up to `limit` events that are pending and due, or whose lease expired, oldest first. Two
   * concurrent claimers, in this or another process, never receive the same event.
   */
  claim(options: ClaimOptions): Promise<InboxEvent[]>;
  /** Marks a claimed event done; StorageConflictError when the lease is not (any more) this worker's. */
  complete(id: string, worker: string): Promise<void>;
  /** Counts a failed attempt and schedules a retry at `retryAt` or moves the event to the dead letters. */
  fail(id: string, worker: string, options: FailOptions): Promise<void>;
  deadLetters(options?: { readonly limit?: number; readonly afterId?: string }): Promise<InboxEvent[]>;
  /** Puts a dead (or done) event back to pending, due now, with its attempts reset. */
  replay(id: string, now?: Date): Promise<InboxEvent>;
  get(id: string): Promise<InboxEvent | undefined>;
  stats(now?: Date): Promise<InboxStats>;
  /** Deletes done events completed before `before`. Keep them longer than the provider retries (> 24 h) so redeliveries stay deduplicated. */
  purgeDone(options: { readonly before: Date }): Promise<number>;
  commitStats(): InboxCommitStats;
}

export interface ResourceStateInput {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly status: string;
  /** The provider's event time; compared at millisecond precision. */
  readonly timestamp: Date;
  readonly data?: unknown;
}

export interface ResourceState {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly status: string;
  readonly timestamp: Date;
  readonly data: unknown;
  readonly updatedAt: Date;
}

/** Latest known state per resource, so out-of-order deliveries never move a resource backwards. */
export interface ResourceStateStore {
  /**
   * Stores the state when the resource is unknown or `timestamp` is strictly newer than the stored
   * one; returns whether it was applied. Atomic against concurrent writers.
   */
  applyIfNewer(input: ResourceStateInput): Promise<boolean>;
  get(resourceType: string, resourceId: string): Promise<ResourceState | undefined>;
}
