import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Nest's own messages (module wiring, route mapping) go through the service's pino logger, so the
 * process writes one JSON format; Nest's chatty `log` level becomes pino's `debug`. What app creation
 * threw (Nest's `ExceptionHandler`: an invalid profile from ConnectPayConfigModule, a provider that
 * failed) is `debug` too: the services create their app with `abortOnError: false`, so the error
 * reaches startService, which reports it once, as one message on stderr, not twice.
 */
/** The context Nest logs a failed app creation under, before it rethrows (abortOnError: false). */
const CREATION_FAILURE_CONTEXT = 'ExceptionHandler';

export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  // Nest passes (message, stack?, context?): the context is the last string.
  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? rest[rest.length - 1] : undefined;
    if (context === CREATION_FAILURE_CONTEXT) this.logger.debug({ context }, String(message));
    else this.logger.error({ context }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
