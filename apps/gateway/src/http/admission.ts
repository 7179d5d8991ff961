import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallCancellation } from '@connectpay-kit/transport';
import { acceptRequestId } from '@connectpay-kit/service-kit/http';
import type { Logger } from 'pino';
import { OverloadedError } from '../errors/gateway-error.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/**
 * A request being served on a /v1 route: when it started, and its cancellation, which fires when its
 * caller hangs up. A CallCancellation rather than an AbortController: one of those per request, with
 * its listener, cost a few % of a proxied call.
 */
export class Caller implements CallCancellation {
  private listeners: (() => void)[] | undefined;
  private hungUp = false;

  constructor(
    readonly startedAt: number,
    private readonly response: ServerResponse,
  ) {}

  /** The connection closed before the whole answer was written. */
  get cancelled(): boolean {
    return this.hungUp || (this.response.destroyed && !this.response.writableFinished);
  }

  subscribe(listener: () => void): () => void {
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners?.splice(index, 1);
    };
  }

  /** Called once the response closed, answered or not. */
  closed(): void {
    if (this.response.writableFinished) return;
    this.hungUp = true;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}

/**
 * The requests in flight by request id, so the one door upstream (which controllers hand only an id)
 * finds the caller's start time and hang-up signal. Two requests in flight with the same caller-chosen
 * id are ambiguous: neither is found, and their calls get the whole budget and no hang-up signal.
 */
export class CallerRegistry {
  private readonly byId = new Map<string, Caller | Caller[]>();

  get size(): number {
    return this.byId.size;
  }

  find(requestId: string): Caller | undefined {
    const entry = this.byId.get(requestId);
    return entry instanceof Caller ? entry : undefined;
  }

  add(requestId: string, caller: Caller): void {
    const entry = this.byId.get(requestId);
    if (entry === undefined) this.byId.set(requestId, caller);
    else this.byId.set(requestId, entry instanceof Caller ? [entry, caller] : [...entry, caller]);
  }

  remove(requestId: string, caller: Caller): void {
    const entry = this.byId.get(requestId);
    if (entry === caller) this.byId.delete(requestId);
    else if (Array.isArray(entry)) {
      const rest = entry.filter((other) => other !== caller);
      if (rest.length === 1) this.byId.set(requestId, rest[0] as Caller);
      else if (rest.length === 0) this.byId.delete(requestId);
      else this.byId.set(requestId, rest);
    }
  }
}

export interface AdmissionLimits {
  readonly maxInFlight: number;
  readonly maxQueued: number;
  readonly queueTimeoutMs: number;
}

interface Waiter {
  readonly admit: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Bounded work: at most `maxInFlight` requests on /v1 routes are served at once, at most `maxQueued`
 * wait (FIFO, each at most `queueTimeoutMs`), and the rest get 503 GATEWAY_OVERLOADED at once, before
 * their body is read. Without it, twice the capacity grew an unbounded queue in memory (1.6 GB) and
 * every caller waited. Health, metrics, docs and status are not counted and never wait.
 */
export class AdmissionControl {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];

  private shedSinceLog = 0;
  private lastLog = 0;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly metrics: GatewayMetrics,
    private readonly logger?: Logger,
  ) {}

  get active(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Every slot taken and the queue full: a new request can only be refused. */
  get full(): boolean {
    return this.inFlight >= this.limits.maxInFlight && this.queue.length >= this.limits.maxQueued;
  }

  /** Counts a request refused before Fastify saw it (shedAtTheDoor). */
  countShed(): void {
    this.shed('full');
  }

  /**
   * Calls `admit` now or once a slot frees, and the admitted request must call release() when its
   * response closes; calls `refuse` with the 503 when there is no room or the wait ran out.
   */
  enter(admit: () => void, refuse: (error: OverloadedError) => void, response: ServerResponse): void {
    if (this.inFlight < this.limits.maxInFlight) {
      this.take();
      admit();
      return;
    }
    if (this.queue.length >= this.limits.maxQueued) {
      this.shed('full');
      refuse(new OverloadedError('full'));
      return;
    }
    const waiter: Waiter = {
      admit: () => {
        clearTimeout(waiter.timer);
        response.off('close', leave);
        this.take();
        admit();
      },
      timer: setTimeout(() => {
        this.drop(waiter);
        response.off('close', leave);
        this.shed('queue-timeout');
        refuse(new OverloadedError('queue-timeout'));
      }, this.limits.queueTimeoutMs),
    };
    // A caller that hangs up while queued leaves the queue: nobody would read its answer.
    const leave = (): void => {
      clearTimeout(waiter.timer);
      this.drop(waiter);
    };
    response.once('close', leave);
    this.queue.push(waiter);
  }

  private take(): void {
    this.inFlight += 1;
  }

  /** Frees the slot of an admitted request (once its response closed) for the next one in the queue. */
  release(): void {
    this.inFlight -= 1;
    const next = this.queue.shift();
    if (next) next.admit();
  }

  /**
   * Counts a refusal. Under overload a log line per refused request would cost as much CPU as the
   * refusal itself: one warning sums them up at most every 5 s instead.
   */
  private shed(reason: 'full' | 'queue-timeout'): void {
    this.metrics.countShed(reason);
    this.shedSinceLog += 1;
    const now = performance.now();
    if (now - this.lastLog >= 5_000) {
      this.logger?.warn(
        { shed: this.shedSinceLog, inFlight: this.inFlight, queued: this.queue.length, ...this.limits },
        'overloaded: refusing requests with 503 GATEWAY_OVERLOADED',
      );
      this.shedSinceLog = 0;
      this.lastLog = now;
    }
  }

  private drop(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index >= 0) this.queue.splice(index, 1);
  }
}

/** Routes that do work on behalf of a caller: every /v1 route. */
export function isAdmittedRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return typeof url === 'string' && url.startsWith('/v1/');
}

/**
 * The onRequest step for /v1 routes: admission first (a refused request costs no body read), then
 * the caller is registered under its id until its response closes.
 */
export function registerAdmission(
  fastify: FastifyInstance,
  admission: AdmissionControl,
  callers: CallerRegistry,
  requestIdOf: (request: FastifyRequest) => string,
): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!isAdmittedRoute(request)) {
      done();
      return;
    }
    const response = reply.raw;
    const arrived = performance.now();
    admission.enter(
      () => {
        admitCaller(admission, callers, requestIdOf(request), arrived, response);
        done();
      },
      (error) => refuseQuickly(reply, requestIdOf(request), error),
      response,
    );
  });
}

/**
 * Registers an admitted request's caller under its id until its response closes; then the slot is
 * released, the caller removed and its hang-up signal fired (when the answer was not written in
 * full). `onClose` runs after that, for the direct path's access line.
 */
export function admitCaller(
  admission: AdmissionControl,
  callers: CallerRegistry,
  requestId: string,
  arrived: number,
  response: ServerResponse,
  onClose?: () => void,
): Caller {
  const caller = new Caller(arrived, response);
  callers.add(requestId, caller);
  response.once('close', () => {
    admission.release();
    callers.remove(requestId, caller);
    caller.closed();
    onClose?.();
  });
  return caller;
}

const OVERLOADED_MESSAGES = new Map<string, string>();

/**
 * Refuses /v1 requests at the server's door while admission is full, before Fastify builds a request
 * and reply, runs its hooks and writes an access line: under twice the capacity that work, done for
 * every refused request, took the CPU the admitted calls needed (a refusal cost about a third of a
 * served call; at the door it costs the HTTP parse and one write). Everything else goes to Fastify.
 */
export function shedAtTheDoor(server: Server, admission: AdmissionControl): void {
  // One error for every refusal at the door: only its code and message are written, and an Error
  // per refusal would capture a stack each time.
  let fullError: OverloadedError | undefined;
  const handlers = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (admission.full && request.url?.startsWith('/v1/') === true) {
      admission.countShed();
      const requestId = acceptRequestId(request.headers['x-request-id']);
      writeOverloaded(response, requestId, (fullError ??= new OverloadedError('full')));
      return;
    }
    for (const handler of handlers) handler.call(server, request, response);
  });
}

/**
 * The 503, written straight to the socket: Fastify's error path, the access line and the request
 * metrics would make a refusal cost a good part of a served call, and under overload that CPU is
 * what the admitted calls need. gateway_shed_requests_total counts these instead.
 */
function refuseQuickly(reply: FastifyReply, requestId: string, error: OverloadedError): void {
  reply.hijack();
  writeOverloaded(reply.raw, requestId, error);
}

/** The 503 GATEWAY_OVERLOADED answer with Retry-After, written on the Node response. */
export function writeOverloaded(response: ServerResponse, requestId: string, error: OverloadedError): void {
  let message = OVERLOADED_MESSAGES.get(error.message);
  if (message === undefined) {
    message = JSON.stringify(error.message);
    OVERLOADED_MESSAGES.set(error.message, message);
  }
  // requestId is [A-Za-z0-9._:-] or a uuid: safe inside a JSON string as it is.
  const text = `{"error":{"code":"${error.code}","message":${message},"requestId":"${requestId}"}}`;
  if (response.destroyed) return;
  response.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
    'retry-after': String(error.retryAfterSeconds),
  });
  response.end(text);
}
