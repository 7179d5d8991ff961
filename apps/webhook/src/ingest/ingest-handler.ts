import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyRing } from '@connectpay-kit/service-kit';
import type { Inbox } from '@connectpay-kit/storage';
import type { Logger } from 'pino';
import { errorBody } from '../errors/error-body.js';
import type { WebhookErrorCode } from '../errors/webhook-error.js';
import { requestIdOf, type WebhookRequest } from '../http/request-id.js';
import type { RejectReason, WebhookMetrics } from '../observability/metrics.js';
import type { SourcePolicy } from '../security/source-address.js';
import { CONTENT_PROBLEM_CODES, inspectContent, isJsonContentType } from './content.js';
import { type DeliveryKind, describeDelivery, describeUnreadable } from './describe-delivery.js';
import { BodyReadError, readBody } from './read-body.js';
import { headersToStore } from './stored-headers.js';

/** Subscribed webhooks (static token + source IP). */
export const SUBSCRIPTION_ROUTE = '/webhooks/connectpay';
/** Per-payment `notificationUrl` calls: unsigned hints, confirmed by fetching the payment. */
export const NOTIFICATION_ROUTE = '/notifications/payments';

export interface IngestOptions {
  readonly inbox: Pick<Inbox, 'append'>;
  readonly tokens: KeyRing;
  /** Lower-case header name that carries the token. */
  readonly tokenHeader: string;
  readonly sources: SourcePolicy;
  /** Whether notificationUrl calls must also come from the provider's addresses. */
  readonly checkNotificationSource: boolean;
  readonly bodyLimitBytes: number;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** Called after a new delivery committed: wakes the processing loop. */
  readonly onStored: () => void;
}

interface Rejection {
  readonly status: number;
  readonly code: WebhookErrorCode;
  readonly reason: RejectReason;
  readonly message: string;
  /** Close the connection after answering: the rest of the body cannot be framed (it ended early). */
  readonly close?: boolean;
}

const REJECTIONS = {
  source_ip: {
    status: 403,
    code: 'WEBHOOK_SOURCE_NOT_ALLOWED',
    reason: 'source_ip',
    message: "Deliveries are accepted only from ConnectPay's published source addresses for this environment.",
  },
  token: {
    status: 401,
    code: 'WEBHOOK_TOKEN_INVALID',
    reason: 'token',
    message: 'The webhook token header is missing or does not hold the token configured for this receiver.',
  },
  // The next three refuse only a notification call that no check vouches for: an authenticated
  // delivery with such content is stored as a dead letter and acknowledged instead.
  media_type: {
    status: 415,
    code: CONTENT_PROBLEM_CODES.media_type,
    reason: 'media_type',
    message: 'Deliveries must be JSON: send Content-Type: application/json. Nothing was stored.',
  },
  malformed_json: {
    status: 400,
    code: CONTENT_PROBLEM_CODES.malformed_json,
    reason: 'malformed_json',
    message: 'The body is not valid JSON; nothing was stored.',
  },
  not_an_event: {
    status: 400,
    code: CONTENT_PROBLEM_CODES.not_an_event,
    reason: 'not_an_event',
    message: 'The body must be a JSON object (an event or a payment); nothing was stored.',
  },
  incomplete_body: {
    status: 400,
    code: 'WEBHOOK_BODY_INCOMPLETE',
    reason: 'incomplete_body',
    message: 'The body ended before Content-Length bytes arrived; nothing was stored.',
    close: true,
  },
  storage_unavailable: {
    status: 503,
    code: 'WEBHOOK_STORAGE_UNAVAILABLE',
    reason: 'storage_unavailable',
    message: 'The delivery could not be stored durably right now, so it is not acknowledged: retry it.',
  },
} as const satisfies Record<Exclude<RejectReason, 'too_large'>, Rejection>;

/**
 * The hot path, outside Nest's router: authenticate, bound, parse, commit to the inbox, then answer
 * `OK`. Nothing is acknowledged before its group commit resolved. Only authentication, size and a
 * failed commit refuse a delivery (and store nothing); an authenticated one whose content is not an
 * event is stored as a dead letter with the reason and acknowledged like any other. Answers carry
 * `x-request-id`; logs carry the delivery key, never headers or the body.
 */
export class IngestHandler {
  private draining = false;
  private inFlight = 0;
  private lastFinished = 0;

  constructor(private readonly options: IngestOptions) {}

  /** Answers the request when it is a delivery; false lets the Nest app route it. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST') return false;
    const kind = routeKind(request.url);
    if (kind === undefined) return false;
    this.inFlight += 1;
    this.ingest(kind, request as WebhookRequest, response)
      .finally(() => {
        this.inFlight -= 1;
        this.lastFinished = performance.now();
      })
      .catch((error: unknown) => {
        // A bug, not a refusal: answer 500 (ConnectPay retries it) and keep the stack in the log.
        this.options.logger.error(
          {
            requestId: requestIdOf(request as WebhookRequest),
            err: error instanceof Error ? error.stack : String(error),
          },
          'unexpected error while receiving a delivery',
        );
        if (!response.headersSent) {
          response.writeHead(500, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
          response.end(
            JSON.stringify(
              errorBody(
                'WEBHOOK_INTERNAL',
                'The receiver failed on this delivery; nothing was acknowledged. The details are logged under its request id.',
                requestIdOf(request as WebhookRequest),
              ),
            ),
          );
        } else response.destroy();
      });
    return true;
  }

  /** Deliveries are being received right now (or were within the last 50 ms). */
  get receiving(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastFinished < 50;
  }

  /** From now on every answer asks the client to reconnect elsewhere (a replica still serving). */
  startDraining(): void {
    this.draining = true;
  }

  private async ingest(kind: DeliveryKind, request: WebhookRequest, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const route = kind === 'subscription' ? SUBSCRIPTION_ROUTE : NOTIFICATION_ROUTE;
    const requestId = requestIdOf(request);
    const { options } = this;

    if (kind === 'subscription' || options.checkNotificationSource) {
      const client = options.sources.clientAddress(request.socket.remoteAddress, request.headers['x-forwarded-for']);
      if (!options.sources.allows(client)) {
        return this.reject(request, response, route, started, REJECTIONS.source_ip, {
          source: client ?? 'unparseable',
        });
      }
    }
    if (kind === 'subscription' && !options.tokens.accepts(request.headers[options.tokenHeader])) {
      return this.reject(request, response, route, started, REJECTIONS.token);
    }
    // From here on the sender is ConnectPay (its token and addresses): whatever it sent is stored and
    // acknowledged, and content nobody can process becomes a dead letter, because a refusal counts
    // toward the provider switching the subscription off and the event would be lost. A notification
    // call that no check vouches for (WEBHOOK_CHECK_NOTIFICATION_SOURCE=false) is still refused, so
    // anyone on the internet cannot fill the dead letters.
    const authenticated = kind === 'subscription' || options.checkNotificationSource;
    const contentType = request.headers['content-type'];
    if (!authenticated && !isJsonContentType(contentType)) {
      return this.reject(request, response, route, started, REJECTIONS.media_type);
    }
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > options.bodyLimitBytes) return this.refuseTooLarge(request, response, route, started);

    let body: Buffer;
    try {
      body = await readBody(request, options.bodyLimitBytes);
    } catch (error) {
      if (error instanceof BodyReadError && error.reason === 'too_large') {
        return this.refuseTooLarge(request, response, route, started);
      }
      return this.reject(request, response, route, started, REJECTIONS.incomplete_body);
    }

    const content = inspectContent(contentType, body);
    if (content.problem !== undefined && !authenticated) {
      return this.reject(request, response, route, started, REJECTIONS[content.problem]);
    }

    const timestamp =
      typeof request.headers['x-connectpay-timestamp'] === 'string'
        ? request.headers['x-connectpay-timestamp']
        : undefined;
    const described = content.payload
      ? describeDelivery(kind, content.payload, body, timestamp)
      : describeUnreadable(kind, body, timestamp);
    let stored: { id: string; duplicate: boolean };
    try {
      stored = await options.inbox.append({
        ...described,
        receivedAt: new Date(),
        headers: headersToStore(request.headers, options.tokenHeader),
        body,
        ...(content.reason === undefined ? {} : { deadLetterReason: content.reason }),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      options.logger.error(
        { requestId, route, deliveryKey: described.deliveryKey, err: { code, message: messageOf(error) } },
        'delivery could not be stored; answering 503 so ConnectPay retries',
      );
      return this.reject(request, response, route, started, REJECTIONS.storage_unavailable);
    }

    if (stored.duplicate) options.metrics.duplicates.inc({ route });
    else {
      options.metrics.received.inc({ route });
      if (content.problem === undefined) options.onStored();
      else options.metrics.deadLettered.inc({ route, reason: content.problem });
    }
    response.writeHead(200, this.headers(requestId, 'text/plain; charset=utf-8', 2));
    response.end('OK');
    const durationMs = performance.now() - started;
    options.metrics.ackDuration.observe({ route }, durationMs / 1000);
    options.metrics.requests.inc({ route, method: 'POST', status: '200' });
    const fields = {
      requestId,
      route,
      status: 200,
      durationMs: Math.round(durationMs * 10) / 10,
      deliveryKey: described.deliveryKey,
      eventType: described.eventType,
      inboxId: stored.id,
      duplicate: stored.duplicate,
    };
    // The reason label only: the full reason is in the dead letter, and the body never reaches the logs.
    const problem = content.problem === undefined ? {} : { reason: content.problem };
    if (stored.duplicate) options.logger.info({ ...fields, ...problem }, 'duplicate delivery acknowledged');
    else if (content.problem === undefined) options.logger.info(fields, 'delivery stored');
    else
      options.logger.warn(
        { ...fields, ...problem },
        'delivery stored as a dead letter: its content cannot be processed',
      );
  }

  /**
   * 413 on a connection that stays open: the rest of the body is read and dropped (readBody paused
   * it), so a sender still uploading sees the 413 instead of a reset. The 30 s request timeout bounds
   * how long that reading may take.
   */
  private refuseTooLarge(request: WebhookRequest, response: ServerResponse, route: string, started: number): void {
    this.reject(request, response, route, started, this.tooLarge());
    request.resume();
  }

  private tooLarge(): Rejection {
    return {
      status: 413,
      code: 'WEBHOOK_PAYLOAD_TOO_LARGE',
      reason: 'too_large',
      message: `The body exceeds ${this.options.bodyLimitBytes} bytes (WEBHOOK_BODY_LIMIT_BYTES); nothing was stored.`,
      // Not closed: closing while the sender is still uploading resets the connection, and the sender
      // sees a reset instead of this 413. Node reads and drops the rest of the body instead, within
      // the 30 s request timeout.
    };
  }

  private reject(
    request: WebhookRequest,
    response: ServerResponse,
    route: string,
    started: number,
    rejection: Rejection,
    context: Record<string, unknown> = {},
  ): void {
    const requestId = requestIdOf(request);
    const text = JSON.stringify(errorBody(rejection.code, rejection.message, requestId));
    const headers = this.headers(requestId, 'application/json; charset=utf-8', Buffer.byteLength(text));
    if (rejection.close) headers['connection'] = 'close';
    if (!response.headersSent && !response.destroyed) {
      if (rejection.status === 503) headers['retry-after'] = '5';
      response.writeHead(rejection.status, headers);
      response.end(text);
    }
    const { metrics, logger } = this.options;
    metrics.rejected.inc({ route, reason: rejection.reason });
    metrics.requests.inc({ route, method: 'POST', status: String(rejection.status) });
    const fields = {
      requestId,
      route,
      status: rejection.status,
      reason: rejection.reason,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...context,
    };
    if (rejection.status >= 500) logger.error(fields, 'delivery refused');
    else logger.warn(fields, 'delivery refused');
  }

  private headers(requestId: string, contentType: string, length: number): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': contentType,
      'content-length': String(length),
      'x-request-id': requestId,
      'cache-control': 'no-store',
    };
    if (this.draining) headers['connection'] = 'close';
    return headers;
  }
}

function routeKind(url: string | undefined): DeliveryKind | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf('?');
  let path = query >= 0 ? url.slice(0, query) : url;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === SUBSCRIPTION_ROUTE) return 'subscription';
  if (path === NOTIFICATION_ROUTE) return 'notification';
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
