import type { Logger } from 'pino';
import { reasonOf } from './errors.js';

/** Anything a runtime closes at the end: a client's pools, storage. */
export interface Closable {
  close(): Promise<unknown>;
}

/**
 * Closes `resources` one after the other, in the given order (the client before the storage its
 * token store uses). One that fails is logged as "closing <name> failed" and the rest still close;
 * then `stopped` is logged and the logger flushed, so the line is out before the process exits.
 */
export async function closeInOrder(
  logger: Pick<Logger, 'warn' | 'info' | 'flush'>,
  resources: Readonly<Record<string, Closable>>,
  stopped: string,
): Promise<void> {
  for (const [name, resource] of Object.entries(resources)) {
    await resource.close().catch((error: unknown) => logger.warn({ err: reasonOf(error) }, `closing ${name} failed`));
  }
  logger.info(stopped);
  logger.flush();
}

/**
 * Builds a service from what its start already opened (`made`: storage, then what its runtime makes):
 * when building fails, `made` is closed before the error goes on, so a failed start leaves no pool,
 * watcher or database handle open. `made.close()` must not reject (ClientParts never does).
 */
export async function closeIfBuildFails<Built>(made: Closable, build: () => Promise<Built>): Promise<Built> {
  try {
    return await build();
  } catch (error) {
    await made.close();
    throw error;
  }
}
