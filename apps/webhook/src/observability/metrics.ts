import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InboxCommitStats, InboxStats } from '@connectpay-kit/storage';

/**
 * Why a delivery was refused; one label value each, so a dashboard can alert on any of them.
 * `media_type`, `malformed_json` and `not_an_event` refuse only a notification call no check vouches
 * for: an authenticated delivery with such content is stored as a dead letter instead (DeadLetterReason).
 */
export type RejectReason =
  | 'token'
  | 'source_ip'
  | 'too_large'
  | 'media_type'
  | 'malformed_json'
  | 'not_an_event'
  | 'incomplete_body'
  | 'storage_unavailable';

/** Why an authenticated delivery was stored straight into the dead letters. */
export type DeadLetterReason = 'media_type' | 'malformed_json' | 'not_an_event';

/** What happened to one claimed event. */
export type ProcessingOutcome = 'done' | 'retry' | 'dead' | 'unhandled' | 'lease_lost' | 'deferred';

/** How a call to ConnectPay that confirms a notification hint ended. */
export type ConfirmationOutcome = 'confirmed' | 'unknown_payment' | 'malformed' | 'failed';

/** One registry per receiver instance, so tests and several apps in one process never share counters. */
export class WebhookMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly received: Counter<'route'>;
  readonly duplicates: Counter<'route'>;
  readonly rejected: Counter<'route' | 'reason'>;
  readonly deadLettered: Counter<'route' | 'reason'>;
  readonly ackDuration: Histogram<'route'>;
  readonly processed: Counter<'handler' | 'outcome'>;
  readonly processingLag: Histogram<'handler'>;
  readonly handlerDuration: Histogram<'handler'>;
  readonly resourceUpdates: Counter<'resource_type' | 'result'>;
  readonly nextCertificateReady: Gauge<'environment'>;
  readonly dispatcherErrors: Counter<'operation'>;
  readonly confirmations: Counter<'outcome' | 'code'>;
  readonly confirmationDuration: Histogram<'outcome'>;
  readonly inboxEvents: Gauge<'state'>;
  readonly deadLetters: Gauge;
  readonly oldestPending: Gauge;
  readonly commits: Counter;
  readonly committedDeliveries: Counter;
  readonly failedCommits: Counter;
  private lastCommitStats: InboxCommitStats = { commits: 0, failedCommits: 0, deliveries: 0, largestBatch: 0 };

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'webhook_' });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'webhook_http_requests_total',
      help: 'Requests served, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.received = new Counter({
      name: 'webhook_deliveries_received_total',
      help: 'Deliveries stored durably and acknowledged with OK (first time seen).',
      labelNames: ['route'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'webhook_deliveries_duplicate_total',
      help: 'Redeliveries of an already stored delivery key: acknowledged, not stored or processed again.',
      labelNames: ['route'],
      registers,
    });
    this.rejected = new Counter({
      name: 'webhook_deliveries_rejected_total',
      help: 'Deliveries refused (nothing stored), by reason (token, source_ip, too_large, incomplete_body, storage_unavailable; media_type, malformed_json, not_an_event only for notification calls no check vouches for).',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'webhook_deliveries_dead_lettered_total',
      help: 'Authenticated deliveries stored and acknowledged with OK but straight into the dead letters, because their content cannot be processed (media_type, malformed_json, not_an_event). Also counted in received_total.',
      labelNames: ['route', 'reason'],
      registers,
    });
    this.ackDuration = new Histogram({
      name: 'webhook_ack_duration_seconds',
      help: 'From the request arriving to OK being sent: includes the durable commit. ConnectPay allows 10 s.',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.processed = new Counter({
      name: 'webhook_events_processed_total',
      help: 'Claimed events by handler and outcome (done, retry, dead, unhandled, lease_lost; deferred: claimed but not started in time, runs after its lease).',
      labelNames: ['handler', 'outcome'],
      registers,
    });
    this.processingLag = new Histogram({
      name: 'webhook_processing_lag_seconds',
      help: 'From an event being received to its processing completing.',
      labelNames: ['handler'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'webhook_handler_duration_seconds',
      help: 'Time spent in a handler per attempt, failures included.',
      labelNames: ['handler'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.resourceUpdates = new Counter({
      name: 'webhook_resource_updates_total',
      help: 'Resource state writes: applied, or stale (an older status that must not overwrite a newer one).',
      labelNames: ['resource_type', 'result'],
      registers,
    });
    this.confirmations = new Counter({
      name: 'webhook_upstream_confirmations_total',
      help: 'Calls to ConnectPay that confirm a notification hint, by outcome and error code (none when confirmed).',
      labelNames: ['outcome', 'code'],
      registers,
    });
    this.confirmationDuration = new Histogram({
      name: 'webhook_upstream_confirmation_duration_seconds',
      help: 'Time of the GET /merchant/payments/{id} call that confirms a notification hint.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.dispatcherErrors = new Counter({
      name: 'webhook_dispatcher_errors_total',
      help: 'Storage failures of the processing loop (claim, complete, fail).',
      labelNames: ['operation'],
      registers,
    });
    this.inboxEvents = new Gauge({
      name: 'webhook_inbox_events',
      help: 'Inbox events by state, read at scrape time.',
      labelNames: ['state'],
      registers,
    });
    this.deadLetters = new Gauge({
      name: 'webhook_dead_letters',
      help: 'Events that used up their attempts, could not be read, or arrived with content that is not an event: see GET /admin/dead-letters.',
      registers,
    });
    this.nextCertificateReady = new Gauge({
      name: 'connectpay_next_client_certificate_ready',
      help: "1 when the receiver's staged next client certificate passes the rules and was accepted in a handshake probe (or is already in use); 0 otherwise.",
      labelNames: ['environment'],
      registers,
    });
    this.oldestPending = new Gauge({
      name: 'webhook_inbox_oldest_pending_seconds',
      help: 'Age of the oldest event not yet processed: the processing backlog in time.',
      registers,
    });
    this.commits = new Counter({
      name: 'webhook_inbox_commits_total',
      help: 'Group commits of this process: deliveries_total / commits_total is the average batch.',
      registers,
    });
    this.committedDeliveries = new Counter({
      name: 'webhook_inbox_committed_deliveries_total',
      help: 'Appends settled by those commits, duplicates included.',
      registers,
    });
    this.failedCommits = new Counter({
      name: 'webhook_inbox_failed_commits_total',
      help: 'Group commits that failed: every delivery in them was answered 503.',
      registers,
    });
  }

  /** Copies the inbox's state counts into the gauges (called on every scrape). */
  observeInbox(stats: InboxStats): void {
    for (const state of ['pending', 'processing', 'done', 'dead'] as const)
      this.inboxEvents.set({ state }, stats[state]);
    this.deadLetters.set(stats.dead);
    this.oldestPending.set(stats.oldestPendingAgeMs / 1000);
  }

  /** Turns the inbox's cumulative commit statistics into counter increments. */
  observeCommits(stats: InboxCommitStats): void {
    const last = this.lastCommitStats;
    this.commits.inc(Math.max(0, stats.commits - last.commits));
    this.committedDeliveries.inc(Math.max(0, stats.deliveries - last.deliveries));
    this.failedCommits.inc(Math.max(0, stats.failedCommits - last.failedCommits));
    this.lastCommitStats = stats;
  }
}
