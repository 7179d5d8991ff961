import { StorageConflictError, type Inbox, type InboxEvent } from '@connectpay-kit/storage';
import type { Logger } from 'pino';
import { UnrecoverableEventError } from '../errors/webhook-error.js';
import { parseObject } from '../ingest/content.js';
import type { ProcessingOutcome, WebhookMetrics } from '../observability/metrics.js';
import { type RetryPolicy, retryDelayMs } from './backoff.js';
import type { EventHandler, ReceivedEvent } from './handler.js';
import type { HandlerRegistry } from './handler-registry.js';

export interface DispatcherOptions {
  readonly inbox: Inbox;
  readonly registry: HandlerRegistry;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  /** Events handled at the same time by this process; 0 turns processing off (an ingest-only replica). */
  readonly workers: number;
  /** Lease per claimed event: after it, another worker (or replica) may take the event over. */
  readonly leaseMs: number;
  /** How often an idle loop looks for due events (retries, other replicas' deliveries). */
  readonly pollMs: number;
  readonly retry: RetryPolicy;
  /** Unique per process: `${hostname}:${pid}:${random}`; the lease owner of every claim. */
  readonly workerName: string;
  /**
   * True while deliveries are arriving. Claims are then spaced so they hold the event loop at most
   * 1 % of the time: on SQLite a claim runs synchronously and sorts the due rows (15-20 ms with a
   * backlog of 50,000), and acknowledging deliveries comes before processing them. With a small
   * backlog, or on PostgreSQL, a claim holds the loop for well under a millisecond.
   */
  readonly receiving?: () => boolean;
}

/** While receiving, claims may use this share of the time (see DispatcherOptions.receiving). */
const CLAIM_SHARE_WHILE_RECEIVING = 0.01;
const MAX_CLAIM_SPACING_MS = 5_000;

/**
 * The in-process workers: one claimer leases due events (storage guarantees no event goes to two
 * claimers, across replicas too) and hands each to a slot; each slot runs the registered handler,
 * then marks the event done, schedules a retry with backoff, or dead-letters it.
 *
 * A handler gets at most half the lease: its AbortSignal fires first, so a slow upstream call is
 * abandoned before another worker could take the event over.
 */
export class Dispatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private queue: InboxEvent[] = [];
  private wakeUp: (() => void) | undefined;
  private wakePending = false;
  private readonly stopping = new AbortController();
  private lastClaimError = 0;
  private lastClaimAt = 0;
  private lastClaimMs = 0;
  /** Moving average of handler run times, for the claim batch size. */
  private averageHandlerMs = 0;

  constructor(private readonly options: DispatcherOptions) {}

  get workerName(): string {
    return this.options.workerName;
  }

  /** How many events are being handled right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.running || this.options.workers === 0) return;
    this.running = true;
    this.loop = this.run();
  }

  /** A delivery was just stored: look for work now rather than at the next poll. */
  wake(): void {
    this.wakePending = true;
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  /**
   * Stops claiming, lets handlers in flight finish for up to `timeoutMs`, then aborts them. An
   * aborted event keeps its lease and is taken over once the lease expires, so nothing is lost.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.running = false;
    this.wake();
    let timer: NodeJS.Timeout | undefined;
    const finished = (this.loop ?? Promise.resolve()).then(() => Promise.allSettled([...this.inFlight]));
    const inTime = await Promise.race([
      finished.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!inTime) {
      this.options.logger.warn(
        { inFlight: this.inFlight.size, queued: this.queue.length },
        'aborting handlers still running at shutdown; their events run again once their leases expire',
      );
      this.stopping.abort(new Error('the receiver is shutting down'));
      this.queue = [];
      await finished;
    }
  }

  private async run(): Promise<void> {
    const { workers, leaseMs } = this.options;
    // After stop(), the events already claimed still run (until the shutdown deadline aborts them).
    while (this.running || (this.queue.length > 0 && !this.stopping.signal.aborted)) {
      if (this.queue.length === 0) {
        if (!this.running) break;
        const spacing = Math.min(MAX_CLAIM_SPACING_MS, this.lastClaimMs / CLAIM_SHARE_WHILE_RECEIVING);
        const sinceClaim = performance.now() - this.lastClaimAt;
        if (sinceClaim < spacing && this.options.receiving?.()) {
          await sleep(Math.min(spacing - sinceClaim, 100));
          continue;
        }
        this.wakePending = false;
        this.lastClaimAt = performance.now();
        try {
          const claiming = this.options.inbox.claim({
            worker: this.options.workerName,
            limit: this.batchSize(),
            leaseMs,
          });
          // The synchronous part only: what the event loop was held for (all of it on SQLite, next
          // to nothing on PostgreSQL, whose claim waits on the network without blocking anything).
          this.lastClaimMs = performance.now() - this.lastClaimAt;
          this.queue = await claiming;
        } catch (error) {
          this.storageFailure('claim', error);
          await this.idle(Math.max(this.options.pollMs, 1000));
          continue;
        }
        if (this.queue.length === 0) {
          await this.idle(this.options.pollMs);
          continue;
        }
      }
      if (this.inFlight.size >= workers) {
        await Promise.race(this.inFlight);
        continue;
      }
      const event = this.queue.shift() as InboxEvent;
      // Start an event only while at least half its lease is left (the handler's time budget), so its
      // lease cannot run out mid-run; a skipped event is claimable again once the lease expires.
      if ((event.leaseExpiresAt?.getTime() ?? 0) - Date.now() < leaseMs / 2) {
        this.options.metrics.processed.inc({ handler: 'none', outcome: 'deferred' });
        continue;
      }
      this.track(this.process(event));
      // One event per event-loop turn: acknowledging deliveries (the HTTP side) always gets a turn in between.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Several events per claim: on SQLite a claim is a write (an fsync) and sorts the due rows, so its
   * cost is shared by the batch. Queued events must start within half their lease, so the batch
   * shrinks when handlers are slow (ConnectPay timing out): what the slots can start in that time.
   */
  private batchSize(): number {
    const { workers, leaseMs } = this.options;
    const perSlot = Math.floor(leaseMs / 2 / Math.max(1, this.averageHandlerMs));
    return Math.min(1000, workers * Math.max(1, Math.min(32, perSlot)));
  }

  private idle(ms: number): Promise<void> {
    if (this.wakePending || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async process(event: InboxEvent): Promise<void> {
    const { registry, metrics } = this.options;
    const handler = registry.resolve(event.eventType);
    const label = handler?.name ?? 'none';
    const logger = this.options.logger.child({ inboxId: event.id, deliveryKey: event.deliveryKey, handler: label });
    const started = performance.now();

    // A delivery stored as a dead letter for its content and then replayed: a body that is not a
    // JSON object can never be processed, so it goes back to the dead letters rather than being
    // marked done as if it were an event type without a handler.
    const parsed = parseObject(event.body);
    if (!parsed.ok) {
      await this.failed(event, label, new UnrecoverableEventError(parsed.detail, 'WEBHOOK_EVENT_INVALID'), logger);
      return;
    }

    if (handler === undefined) {
      // Kept (done, replayable) rather than dead-lettered: a type nobody handles yet is not a failure,
      // and a handler added later can be run over it with the admin replay.
      await this.complete(event, label, 'unhandled', logger);
      logger.warn({ eventType: event.eventType }, 'no handler for this event type; stored and marked done');
      return;
    }

    const attempt = new AbortController();
    const timer = setTimeout(
      () => attempt.abort(new Error(`the handler took longer than ${Math.round(this.options.leaseMs / 2)} ms`)),
      Math.max(1, Math.floor(this.options.leaseMs / 2)),
    );
    const signal = AbortSignal.any([attempt.signal, this.stopping.signal]);
    try {
      await this.runHandler(handler, event, signal, logger);
    } catch (error) {
      clearTimeout(timer);
      this.handlerFinished(label, started);
      await this.failed(event, label, error, logger);
      return;
    }
    clearTimeout(timer);
    this.handlerFinished(label, started);
    if (await this.complete(event, label, 'done', logger)) {
      metrics.processingLag.observe({ handler: label }, (Date.now() - event.receivedAt.getTime()) / 1000);
      logger.debug({ eventType: event.eventType, claims: event.claims }, 'event processed');
    }
  }

  private handlerFinished(label: string, started: number): void {
    const elapsed = performance.now() - started;
    this.averageHandlerMs = this.averageHandlerMs * 0.8 + elapsed * 0.2;
    this.options.metrics.handlerDuration.observe({ handler: label }, elapsed / 1000);
  }

  private async runHandler(
    handler: EventHandler,
    event: InboxEvent,
    signal: AbortSignal,
    logger: Logger,
  ): Promise<void> {
    const body = parseObject(event.body);
    if (!body.ok) throw new UnrecoverableEventError(body.detail, 'WEBHOOK_EVENT_INVALID');
    const parsed = handler.schema.safeParse(body.payload);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
        .join('; ');
      throw new UnrecoverableEventError(
        `The payload does not have the shape ${handler.name} needs: ${problems}.`,
        'WEBHOOK_EVENT_INVALID',
      );
    }
    const received: ReceivedEvent = {
      id: event.id,
      deliveryKey: event.deliveryKey,
      type: event.eventType ?? '',
      resourceId: event.resourceId,
      timestamp: event.eventTimestamp ?? event.receivedAt,
      hasProviderTimestamp: event.eventTimestamp !== undefined,
      receivedAt: event.receivedAt,
      attempts: event.attempts,
      claims: event.claims,
      headers: event.headers,
    };
    await handler.handle(parsed.data, received, {
      signal,
      logger,
      requestId: `webhook-${event.id}-${event.claims}`,
    });
  }

  /** Marks the event done; false when the lease was lost (another worker took over after it expired). */
  private async complete(
    event: InboxEvent,
    label: string,
    outcome: ProcessingOutcome,
    logger: Logger,
  ): Promise<boolean> {
    try {
      await this.options.inbox.complete(event.id, this.options.workerName);
      this.options.metrics.processed.inc({ handler: label, outcome });
      return true;
    } catch (error) {
      if (error instanceof StorageConflictError) {
        this.options.metrics.processed.inc({ handler: label, outcome: 'lease_lost' });
        logger.warn('the lease expired before the event was marked done; the worker that took it over finishes it');
      } else {
        // Stays `processing` until the lease expires, then runs again: handlers are idempotent.
        this.storageFailure('complete', error);
      }
      return false;
    }
  }

  private async failed(event: InboxEvent, label: string, error: unknown, logger: Logger): Promise<void> {
    const { retry, inbox, metrics, workerName } = this.options;
    const attempt = event.attempts + 1;
    const unrecoverable = error instanceof UnrecoverableEventError;
    const deadLetter = unrecoverable || attempt >= retry.maxAttempts;
    const reason = describeFailure(error);
    try {
      if (deadLetter) await inbox.fail(event.id, workerName, { error: reason, deadLetter: true });
      else {
        const delay = retryDelayMs(retry, attempt);
        await inbox.fail(event.id, workerName, { error: reason, retryAt: new Date(Date.now() + delay) });
      }
    } catch (failure) {
      if (failure instanceof StorageConflictError) {
        metrics.processed.inc({ handler: label, outcome: 'lease_lost' });
        return;
      }
      this.storageFailure('fail', failure);
      return;
    }
    metrics.processed.inc({ handler: label, outcome: deadLetter ? 'dead' : 'retry' });
    const fields = { eventType: event.eventType, attempt, maxAttempts: retry.maxAttempts, error: reason };
    if (deadLetter) {
      logger.error(
        fields,
        unrecoverable
          ? 'event cannot be processed; moved to the dead letters'
          : 'event failed its last attempt; moved to the dead letters',
      );
    } else logger.warn(fields, 'event failed; retrying with backoff');
  }

  private storageFailure(operation: 'claim' | 'complete' | 'fail', error: unknown): void {
    this.options.metrics.dispatcherErrors.inc({ operation });
    const now = Date.now();
    // Storage down means one failure per poll: log the first, then at most one every 30 s.
    if (operation === 'claim' && now - this.lastClaimError < 30_000) return;
    if (operation === 'claim') this.lastClaimError = now;
    this.options.logger.error(
      { operation, err: describeFailure(error) },
      'the processing loop could not reach storage',
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : `${error.name}: ${error.message}`;
  }
  return String(error);
}
