import { StorageUnavailableError } from './errors.js';
import type { GroupCommitOptions, InboxCommitStats } from './types.js';

/** Commits a batch in ONE transaction and returns one result per item, in order; throws to fail them all. */
export type CommitBatch<Item, Result> = (items: readonly Item[]) => Result[] | Promise<Result[]>;

interface Waiter<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: an fsync costs about as much for one row as for hundreds, so concurrent submitters
 * are collected (until the next event-loop turn, a time window, or maxBatch) and committed together.
 * Every submitter's promise settles only after its batch's commit: resolved when it committed,
 * rejected when it did not, so nobody is told "stored" for a row that is not.
 */
export class GroupCommitter<Item, Result> {
  private readonly maxBatch: number;
  private readonly windowMs: number;
  private queue: Waiter<Item, Result>[] = [];
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private stats = { commits: 0, failedCommits: 0, deliveries: 0, largestBatch: 0 };

  constructor(
    private readonly commitBatch: CommitBatch<Item, Result>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.windowMs = options.windowMs ?? 0;
  }

  submit(item: Item): Promise<Result> {
    if (this.closed)
      return Promise.reject(new StorageUnavailableError('The storage is closed: it accepts no more deliveries.'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(true);
      else this.flushSoon(false);
    });
  }

  snapshot(): InboxCommitStats {
    return { ...this.stats };
  }

  /** Refuses new items and waits until everything already submitted has settled. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelScheduled();
    while (this.flushing || this.queue.length > 0) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private flushSoon(full: boolean): void {
    if (this.flushing) return; // the running flush picks the queue up when it finishes
    if (full) {
      this.cancelScheduled();
      this.scheduled = setImmediate(() => void this.flush());
      return;
    }
    if (this.scheduled) return;
    this.scheduled =
      this.windowMs > 0 ? setTimeout(() => void this.flush(), this.windowMs) : setImmediate(() => void this.flush());
  }

  private cancelScheduled(): void {
    if (this.scheduled === undefined) return;
    clearTimeout(this.scheduled as NodeJS.Timeout);
    clearImmediate(this.scheduled as NodeJS.Immediate);
    this.scheduled = undefined;
  }

  private flush(): Promise<void> {
    this.cancelScheduled();
    if (this.flushing) return this.flushing;
    const run = async (): Promise<void> => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.commit(batch);
      }
    };
    this.flushing = run().finally(() => {
      this.flushing = undefined;
      // Items submitted after the loop's last look at the queue but before this point wait for a flush.
      if (this.queue.length > 0) this.flushSoon(this.queue.length >= this.maxBatch);
    });
    return this.flushing;
  }

  private async commit(batch: Waiter<Item, Result>[]): Promise<void> {
    let results: Result[];
    try {
      results = await this.commitBatch(batch.map((waiter) => waiter.item));
    } catch (error) {
      this.stats.failedCommits += 1;
      for (const waiter of batch) waiter.reject(error);
      return;
    }
    this.stats.commits += 1;
    this.stats.deliveries += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((waiter, index) => waiter.resolve(results[index] as Result));
  }
}
