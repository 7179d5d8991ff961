import { pino, type DestinationStream } from 'pino';

/** Where a batch goes: a synchronous writer, so a flush is on its way out when flush() returns. */
export interface LineSink {
  write(text: string): unknown;
}

/** Above this many buffered characters a batch is written at once, whatever the turn. */
const MAX_BATCH_CHARS = 64 * 1024;

const unflushed = new Set<TurnBatchedDestination>();
let exitHookInstalled = false;

/**
 * Log lines written during one event-loop turn go out together, in one write, when the turn ends
 * (setImmediate), or sooner once 64 KB are waiting; everything waiting is written synchronously on
 * `flush()` and when the process exits (process.exit, or an uncaught exception). Under load a
 * service writes an access line per request, and one write(2) per line was the largest single cost
 * of a proxied call that the gateway adds (about a tenth of its CPU); a turn holds several answers.
 * A line waits at most until the turn ends, so `tail -f` and log shippers see it as before; only a
 * SIGKILL in the middle of a turn loses that turn's lines, as it would lose the work behind them.
 */
export class TurnBatchedDestination implements DestinationStream {
  private lines: string[] = [];
  private chars = 0;
  private scheduled = false;
  private readonly flushAtTurnEnd = (): void => {
    this.scheduled = false;
    this.flush();
  };

  constructor(private readonly sink: LineSink) {}

  write(line: string): void {
    // Waiting lines are flushed at exit from the first one on, also when an earlier flush this turn
    // (at 64 KB, or the logger's) already wrote what came before.
    if (this.lines.push(line) === 1) {
      unflushed.add(this);
      installExitHook();
    }
    this.chars += line.length;
    if (this.chars >= MAX_BATCH_CHARS) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushAtTurnEnd);
    }
  }

  /** Writes every waiting line now; pino's `logger.flush(cb)` calls it. */
  flush(done?: (error?: Error) => void): void {
    unflushed.delete(this);
    if (this.lines.length > 0) {
      const text = this.lines.length === 1 ? (this.lines[0] as string) : this.lines.join('');
      this.lines = [];
      this.chars = 0;
      this.sink.write(text);
    }
    done?.();
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const destination of [...unflushed]) destination.flush();
  });
}

/**
 * The services' stdout: pino's synchronous destination (a batch is out when its write returns, so the
 * last lines before a shutdown or crash are not left in a buffer), written once per event-loop turn.
 * Create it once when several loggers share the process's stdout, so their lines stay in order.
 */
export function stdoutDestination(): DestinationStream {
  return new TurnBatchedDestination(pino.destination({ dest: 1, sync: true }));
}
