import type { Logger } from 'pino';
import { describeStartupFailure } from './errors.js';
import type { ServiceDescriptor } from './service.js';

/** What `startService` needs of a built service. */
export interface StartableService {
  /** Starts serving; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains requests in flight, then closes what the service holds. */
  close(): Promise<void>;
  /** The line logged once the service listens at `url`: where, and how to call it. */
  startupLine(url: string): StartupLine;
  readonly runtime: {
    readonly logger: Logger;
    /** The whole shutdown budget: from SIGTERM/SIGINT to exit, whatever is still running. */
    readonly settings: { readonly shutdownTimeoutMs: number };
  };
}

export interface StartupLine {
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/**
 * The process entry of a service (`nx serve`, `node dist/main.js`): builds it with `create`, listens,
 * logs its startup line, and turns a failed start into one readable message on stderr and an exit
 * code (78 for configuration, 1 otherwise; `describeStartupFailure`), never a stack trace.
 *
 * Shutdown rule, the same for every service: `create` wires SIGTERM/SIGINT to a graceful close (Nest's
 * `enableShutdownHooks`); the signal also arms a deadline of `shutdownTimeoutMs`, counted from the
 * signal, that the HTTP drain and everything closed after it share. When it passes, the process logs
 * `shutdown did not finish in time; exiting` and exits with 1.
 */
export async function startService<S extends StartableService>(
  service: Pick<ServiceDescriptor, 'displayName' | 'portVariable' | 'hostVariable'>,
  create: () => Promise<S>,
): Promise<S | undefined> {
  let started: S | undefined;
  try {
    started = await create();
    const url = await started.listen();
    const { fields, message } = started.startupLine(url);
    started.runtime.logger.info(fields, message);
    armShutdownDeadline(started.runtime.logger, started.runtime.settings.shutdownTimeoutMs);
    return started;
  } catch (error) {
    await started?.close().catch(() => undefined);
    const { exitCode, message } = describeStartupFailure(service, error);
    process.stderr.write(`${message}\n`);
    process.exitCode = exitCode;
    return undefined;
  }
}

function armShutdownDeadline(logger: Logger, shutdownTimeoutMs: number): void {
  const arm = (signal: NodeJS.Signals) => {
    logger.info({ signal, shutdownTimeoutMs }, 'shutting down: no new connections, finishing requests in flight');
    setTimeout(() => {
      logger.error({ shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
      logger.flush();
      process.exit(1);
    }, shutdownTimeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
