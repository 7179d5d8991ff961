import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { KeyRing } from '@connectpay-kit/service-kit';
import { errorBody, markAccessLogged, requestIdOf } from '@connectpay-kit/service-kit/http';
import type { Inbox } from '@connectpay-kit/storage';
import type { Logger } from 'pino';
import { WebhookRequestError, type WebhookErrorCode } from '../errors/webhook-error.js';
import type { RejectReason, WebhookMetrics } from '../observability/metrics.js';
import type { SourcePolicy } from '../security/source-address.js';
import { CONTENT_PROBLEM_CODES, inspectContent, isJsonContentType } from './content.js';
import { type DeliveryKind, describeDelivery, describeUnreadable } from './describe-delivery.js';
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
  /** The `webhook_deliveries_rejected_total` reason; none for a bug (500). */
  readonly reason: RejectReason | undefined;
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
  internal: {
    status: 500,
    code: 'WEBHOOK_INTERNAL',
    reason: undefined,
    message:
      'The receiver failed on this delivery; nothing was acknowledged. The details are logged under its request id.',
    close: true,
  },
} as const satisfies Record<Exclude<RejectReason, 'too_large'> | 'internal', Rejection>;

/**
 * The hot path, as plain Fastify routes beside the Nest app (as the gateway's catalog call): Nest's
 * per-request pipeline is not needed for a route that only checks, stores and answers `OK`. In order:
 * the edge's hooks (request id, 413 by Content-Length), `admit` (source address, token: nothing is
 * read from an unauthenticated sender), the raw body as a Buffer (bounded, in this scope only), then
 * `store`, which answers only after the group commit. Only authentication, size and a failed commit
 * refuse a delivery (and store nothing); an authenticated one whose content is not an event is stored
 * as a dead letter with the reason and acknowledged like any other. Logs carry the delivery key,
 * never headers or the body.
 */
export class IngestHandler {
  private inFlight = 0;
  private lastFinished = 0;

  constructor(private readonly options: IngestOptions) {}

  /** Registers POST /webhooks/connectpay and POST /notifications/payments (with or without a trailing slash). */
  register(fastify: FastifyInstance): void {
    const { bodyLimitBytes } = this.options;
    void fastify.register(async (scope) => {
      // The body as received, whatever its type: it is stored before any parse (the parse may fail).
      scope.decorateRequest(ARRIVAL, null);
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(BODY_TYPE, { parseAs: 'buffer', bodyLimit: bodyLimitBytes }, (request, body, done) => {
        restoreContentType(request);
        done(null, body);
      });
      for (const [url, kind] of ROUTES) {
        scope.route({
          method: 'POST',
          url,
          bodyLimit: bodyLimitBytes,
          onRequest: (request, reply, done) => this.admit(kind, request, reply, done),
          errorHandler: (error, request, reply) => this.refuse(kind, error, request, reply),
          handler: (request, reply) => this.store(kind, request, reply),
        });
      }
    });
  }

  /** Deliveries are being received right now (or were within the last 50 ms). */
  get receiving(): boolean {
    return this.inFlight > 0 || performance.now() - this.lastFinished < 50;
  }

  /** Source address and token, before a byte of the body is read. */
  private admit(kind: DeliveryKind, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    markAccessLogged(request);
    const headers = request.raw.headers;
    (request as DeliveryRequest)[ARRIVAL] = { started: performance.now(), contentType: headers['content-type'] };
    this.inFlight += 1;
    reply.raw.once('close', () => {
      this.inFlight -= 1;
      this.lastFinished = performance.now();
    });
    const { options } = this;
    const route = ROUTE_OF[kind];
    if (kind === 'subscription' || options.checkNotificationSource) {
      const client = options.sources.clientAddress(request.raw.socket.remoteAddress, headers['x-forwarded-for']);
      if (!options.sources.allows(client)) {
        return this.reject(request, reply, route, REJECTIONS.source_ip, { source: client ?? 'unparseable' });
      }
    }
    if (kind === 'subscription' && !options.tokens.accepts(headers[options.tokenHeader])) {
      return this.reject(request, reply, route, REJECTIONS.token);
    }
    // From here on the sender is ConnectPay (its token and addresses): whatever it sent is stored and
    // acknowledged, and content nobody can process becomes a dead letter, because a refusal counts
    // toward the provider switching the subscription off and the event would be lost. A notification
    // call that no check vouches for (WEBHOOK_CHECK_NOTIFICATION_SOURCE=false) is still refused, so
    // anyone on the internet cannot fill the dead letters.
    if (!authenticated(kind, options) && !isJsonContentType(headers['content-type'])) {
      return this.reject(request, reply, route, REJECTIONS.media_type);
    }
    // Fastify would judge the content type (415 for one it cannot parse) before the body is read;
    // the delivery is read as it came instead, and its own content type restored once read.
    headers['content-type'] = BODY_TYPE;
    done();
  }

  /** What refused the body: over the limit (413), or cut short (400); anything else is a bug (500). */
  private refuse(kind: DeliveryKind, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    markAccessLogged(request);
    const route = ROUTE_OF[kind];
    if (isTooLarge(error)) {
      // Not closed: closing while the sender is still uploading resets the connection, and the sender
      // would see a reset instead of this 413. Node reads and drops the rest of the body instead,
      // within the request timeout.
      return this.reject(request, reply, route, this.tooLarge());
    }
    if (error.code?.startsWith('FST_ERR_CTP_') === true || (error as { code?: string }).code === 'ECONNRESET') {
      return this.reject(request, reply, route, REJECTIONS.incomplete_body);
    }
    // A bug, not a refusal: answer 500 (ConnectPay retries it) and keep the stack in the log.
    const requestId = requestIdOf(request);
    this.options.logger.error(
      { requestId, err: error.stack ?? String(error) },
      'unexpected error while receiving a delivery',
    );
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    this.reject(request, reply, route, REJECTIONS.internal);
  }

  private async store(kind: DeliveryKind, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { options } = this;
    const route = ROUTE_OF[kind];
    const arrival = (request as DeliveryRequest)[ARRIVAL];
    const started = arrival?.started ?? performance.now();
    const requestId = requestIdOf(request);
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    const headers = request.raw.headers;
    const contentType = headers['content-type'];

    const content = inspectContent(contentType, body);
    if (content.problem !== undefined && !authenticated(kind, options)) {
      return this.reject(request, reply, route, REJECTIONS[content.problem]);
    }

    const timestamp =
      typeof headers['x-connectpay-timestamp'] === 'string' ? headers['x-connectpay-timestamp'] : undefined;
    const described = content.payload
      ? describeDelivery(kind, content.payload, body, timestamp)
      : describeUnreadable(kind, body, timestamp);
    let stored: { id: string; duplicate: boolean };
    try {
      stored = await options.inbox.append({
        ...described,
        receivedAt: new Date(),
        headers: headersToStore(headers, options.tokenHeader),
        body,
        ...(content.reason === undefined ? {} : { deadLetterReason: content.reason }),
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      options.logger.error(
        { requestId, route, deliveryKey: described.deliveryKey, err: { code, message: messageOf(error) } },
        'delivery could not be stored; answering 503 so ConnectPay retries',
      );
      return this.reject(request, reply, route, REJECTIONS.storage_unavailable);
    }

    if (stored.duplicate) options.metrics.duplicates.inc({ route });
    else {
      options.metrics.received.inc({ route });
      if (content.problem === undefined) options.onStored();
      else options.metrics.deadLettered.inc({ route, reason: content.problem });
    }
    reply.code(200).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store').send('OK');
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

  private tooLarge(): Rejection {
    return {
      status: 413,
      code: 'WEBHOOK_PAYLOAD_TOO_LARGE',
      reason: 'too_large',
      message: `The body exceeds ${this.options.bodyLimitBytes} bytes (WEBHOOK_BODY_LIMIT_BYTES); nothing was stored.`,
    };
  }

  private reject(
    request: FastifyRequest,
    reply: FastifyReply,
    route: string,
    rejection: Rejection,
    context: Record<string, unknown> = {},
  ): void {
    const requestId = requestIdOf(request);
    if (!reply.sent && !reply.raw.destroyed) {
      reply
        .code(rejection.status)
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store');
      if (rejection.close) reply.header('connection', 'close');
      if (rejection.status === 503) reply.header('retry-after', '5');
      reply.send(JSON.stringify(errorBody(rejection.code, rejection.message, requestId)));
    }
    const { metrics, logger } = this.options;
    const started = (request as DeliveryRequest)[ARRIVAL]?.started;
    if (rejection.reason !== undefined) metrics.rejected.inc({ route, reason: rejection.reason });
    metrics.requests.inc({ route, method: 'POST', status: String(rejection.status) });
    const fields = {
      requestId,
      route,
      status: rejection.status,
      reason: rejection.reason,
      durationMs: started === undefined ? 0 : Math.round((performance.now() - started) * 10) / 10,
      ...context,
    };
    if (rejection.status >= 500) logger.error(fields, 'delivery refused');
    else logger.warn(fields, 'delivery refused');
  }
}

// The media type every delivery is read as (see `admit`); its own is restored once the body is read.
const BODY_TYPE = 'application/octet-stream';
const EMPTY = Buffer.alloc(0);
const ARRIVAL = Symbol('webhook.arrival');

interface Arrival {
  readonly started: number;
  /** The Content-Type the sender gave, restored once the body is read. */
  readonly contentType: string | undefined;
}

type DeliveryRequest = FastifyRequest & { [ARRIVAL]?: Arrival | null };

function restoreContentType(request: FastifyRequest): void {
  const arrival = (request as DeliveryRequest)[ARRIVAL];
  if (arrival?.contentType === undefined) delete request.raw.headers['content-type'];
  else request.raw.headers['content-type'] = arrival.contentType;
}

const ROUTE_OF: Readonly<Record<DeliveryKind, string>> = {
  subscription: SUBSCRIPTION_ROUTE,
  notification: NOTIFICATION_ROUTE,
};

const ROUTES: readonly (readonly [string, DeliveryKind])[] = [
  [SUBSCRIPTION_ROUTE, 'subscription'],
  [`${SUBSCRIPTION_ROUTE}/`, 'subscription'],
  [NOTIFICATION_ROUTE, 'notification'],
  [`${NOTIFICATION_ROUTE}/`, 'notification'],
];

function authenticated(kind: DeliveryKind, options: IngestOptions): boolean {
  return kind === 'subscription' || options.checkNotificationSource;
}

/** The edge's 413 by Content-Length, or Fastify's once a streamed body passed the limit. */
function isTooLarge(error: FastifyError): boolean {
  return (
    error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    (error instanceof WebhookRequestError && error.code === 'WEBHOOK_PAYLOAD_TOO_LARGE')
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
