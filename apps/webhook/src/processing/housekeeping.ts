import type { AuthStateStore, Inbox } from '@connectpay-kit/storage';
import type { Logger } from 'pino';

export interface HousekeepingOptions {
  readonly inbox: Pick<Inbox, 'purgeDone'>;
  readonly authStates: Pick<AuthStateStore, 'purgeExpired'>;
  readonly logger: Logger;
  /** Done events older than this are deleted. Must exceed the provider's retry horizon (24 h). */
  readonly retentionMs: number;
  readonly intervalMs?: number;
}

/**
 * Keeps the tables bounded: expired auth states, and done inbox events past the retention (kept
 * longer than ConnectPay retries, so a late redelivery is still recognised as a duplicate). Every
 * replica may run it; the deletes are idempotent.
 */
export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: HousekeepingOptions) {}

  start(): void {
    const interval = this.options.intervalMs ?? 10 * 60_000;
    // Not at startup: a restart after a crash should first catch up with the backlog.
    this.timer = setInterval(() => void this.runOnce(), interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  runOnce(now = new Date()): Promise<void> {
    this.running ??= (async () => {
      try {
        const states = await this.options.authStates.purgeExpired(now);
        const events = await this.options.inbox.purgeDone({
          before: new Date(now.getTime() - this.options.retentionMs),
        });
        if (states > 0 || events > 0) {
          this.options.logger.info({ authStates: states, doneEvents: events }, 'housekeeping removed expired rows');
        }
      } catch (error) {
        this.options.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'housekeeping failed; retried at the next interval',
        );
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
