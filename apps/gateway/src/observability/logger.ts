import { createServiceLogger, stdoutDestination } from '@connectpay-kit/service-kit';
import type { AccessLine, AccessLogger } from '@connectpay-kit/service-kit/http';
import type { DestinationStream, Logger } from 'pino';
import { GATEWAY_SERVICE } from '../bootstrap/service.js';

export interface GatewayLoggers {
  /**
   * Everything but the per-request line: redacted by path (service-kit's SECRET_LOG_PATHS), as a
   * second line of defence: the gateway never logs headers or bodies in the first place.
   */
  readonly logger: Logger;
  /**
   * The one line per answered request. It is built only from requestId, method, route template,
   * status and duration, none of which can hold a secret, so it needs no redaction pass; and as its
   * fields are fixed, it is written as the line pino would write, without pino's generic
   * serialisation (about 5 µs of a proxied call; test/access-log.spec.ts keeps the two identical).
   */
  readonly accessLogger: AccessLogger;
}

// The access line's fields and its writer's interface are the HTTP edge's (service-kit/http).
export type { AccessLine, AccessLogger };

export function createLoggers(options: { level?: string; destination?: DestinationStream } = {}): GatewayLoggers {
  // Both write to one stream, so the two kinds of line stay in the order they happened.
  const destination = options.destination ?? stdoutDestination();
  const common = { service: GATEWAY_SERVICE, destination, level: options.level };
  const logger = createServiceLogger(common);
  return { logger, accessLogger: new AccessLineWriter(logger, destination) };
}

// pino's numeric levels of the two access lines.
const INFO = 30;
const ERROR = 50;

/**
 * Writes `{"level","time","service",requestId,method,route,status,durationMs,"msg"}` lines, byte for
 * byte as pino does with the service logger's options (ISO time, `service` as the only base field),
 * to the same destination, honouring the logger's level.
 */
class AccessLineWriter implements AccessLogger {
  private readonly prefix: string;
  // The last line's time, reused by the lines of the same millisecond (several under load).
  private lastMs = -1;
  private lastTime = '';

  constructor(
    private readonly logger: Logger,
    private readonly destination: DestinationStream,
  ) {
    this.prefix = `,"service":${JSON.stringify(GATEWAY_SERVICE.name)},"requestId":`;
  }

  info(line: AccessLine, message: 'request'): void {
    if (this.logger.levelVal <= INFO) this.write(INFO, line, message);
  }

  error(line: AccessLine, message: 'request failed'): void {
    if (this.logger.levelVal <= ERROR) this.write(ERROR, line, message);
  }

  private time(): string {
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastTime = new Date(now).toISOString();
    }
    return this.lastTime;
  }

  private write(level: number, line: AccessLine, message: string): void {
    this.destination.write(
      `{"level":${level},"time":"${this.time()}"${this.prefix}${JSON.stringify(line.requestId)},"method":${JSON.stringify(line.method)},"route":${JSON.stringify(line.route)},"status":${line.status},"durationMs":${line.durationMs},"msg":"${message}"}\n`,
    );
  }
}
