import { createServiceLogger, stdoutDestination } from '@connectpay-kit/service-kit';
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
   * status and duration, none of which can hold a secret, so it skips the redaction pass that
   * costs about 5% of the gateway's CPU at full load (tools/bench/gateway with --cpu-prof).
   */
  readonly accessLogger: AccessLogger;
}

/** The fields of an access log line, and nothing else: the type keeps secrets out by construction. */
export interface AccessLine {
  readonly requestId: string;
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
}

export interface AccessLogger {
  info(line: AccessLine, message: 'request'): void;
  error(line: AccessLine, message: 'request failed'): void;
}

export function createLoggers(options: { level?: string; destination?: DestinationStream } = {}): GatewayLoggers {
  // Both write to one stream, so the two kinds of line stay in the order they happened.
  const common = {
    service: GATEWAY_SERVICE,
    destination: options.destination ?? stdoutDestination(),
    level: options.level,
  };
  return {
    logger: createServiceLogger(common),
    accessLogger: createServiceLogger({ ...common, redactPaths: [] }),
  };
}
