import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per gateway instance, so tests and several apps in one process do not share counters. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'method' | 'status'>;
  readonly upstreamCalls: Counter<'api' | 'status'>;
  readonly upstreamLatency: Histogram<'api'>;
  readonly upstreamErrors: Counter<'api' | 'code'>;
  readonly certificateExpiry: Gauge<'environment' | 'fingerprint'>;
  readonly nextCertificateReady: Gauge<'environment'>;
  readonly nextCertificateExpiry: Gauge<'environment' | 'fingerprint'>;
  readonly abandonedCalls: Counter<'api'>;
  readonly shed: Counter<'reason'>;
  readonly invalidResponses: Counter<'api'>;
  private admissionState: (() => { inFlight: number; queued: number }) | undefined;
  // Counts not yet added to `requests` and `shed`, added at each scrape (see countRequest).
  private readonly pendingRequests = new Map<string, { route: string; method: string; status: string; n: number }>();
  private readonly pendingShed = { full: 0, 'queue-timeout': 0 };
  private readonly pendingUpstreamCalls = new Map<string, { api: string; status: string; n: number }>();

  /** Reads the admission gauges from `state` at each scrape. */
  watchAdmission(state: () => { inFlight: number; queued: number }): void {
    this.admissionState = state;
  }

  /**
   * Counts one answered request in gateway_http_requests_total, as `requests.inc()` does, for the
   * hot path: prom-client builds and checks a label key on every inc (about 1 µs), so the counts
   * are kept here by a key of their own and added to the counter when it is read (each scrape).
   */
  countRequest(route: string, method: string, status: number): void {
    const key = `${status} ${method} ${route}`;
    const pending = this.pendingRequests.get(key);
    if (pending) pending.n += 1;
    else this.pendingRequests.set(key, { route, method, status: String(status), n: 1 });
  }

  /** Counts one call to ConnectPay in connectpay_requests_total, added when it is read (as countRequest). */
  countUpstreamCall(api: string, status: number): void {
    const key = `${status} ${api}`;
    const pending = this.pendingUpstreamCalls.get(key);
    if (pending) pending.n += 1;
    else this.pendingUpstreamCalls.set(key, { api, status: String(status), n: 1 });
  }

  /** Counts one refusal in gateway_shed_requests_total, added when it is read (as countRequest). */
  countShed(reason: 'full' | 'queue-timeout'): void {
    this.pendingShed[reason] += 1;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
    const pendingRequests = this.pendingRequests;
    const pendingShed = this.pendingShed;
    const pendingUpstreamCalls = this.pendingUpstreamCalls;
    this.requests = new Counter({
      name: 'gateway_http_requests_total',
      help: 'Requests served by the gateway, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      registers: [this.registry],
      collect() {
        for (const pending of pendingRequests.values()) {
          if (pending.n === 0) continue;
          this.inc({ route: pending.route, method: pending.method, status: pending.status }, pending.n);
          pending.n = 0;
        }
      },
    });
    this.upstreamCalls = new Counter({
      name: 'connectpay_requests_total',
      help: 'Calls to ConnectPay by catalog API and HTTP status (0 when no answer came).',
      labelNames: ['api', 'status'],
      registers: [this.registry],
      collect() {
        for (const pending of pendingUpstreamCalls.values()) {
          if (pending.n === 0) continue;
          this.inc({ api: pending.api, status: pending.status }, pending.n);
          pending.n = 0;
        }
      },
    });
    this.upstreamLatency = new Histogram({
      name: 'connectpay_request_duration_seconds',
      help: 'Latency of calls to ConnectPay by catalog API, retries included.',
      labelNames: ['api'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    this.upstreamErrors = new Counter({
      name: 'connectpay_errors_total',
      help: 'Failed calls to ConnectPay by catalog API and transport error code.',
      labelNames: ['api', 'code'],
      registers: [this.registry],
    });
    this.abandonedCalls = new Counter({
      name: 'gateway_abandoned_calls_total',
      help: 'Upstream calls aborted because their caller closed the connection, by catalog API.',
      labelNames: ['api'],
      registers: [this.registry],
    });
    this.shed = new Counter({
      name: 'gateway_shed_requests_total',
      help: 'Requests refused with 503 GATEWAY_OVERLOADED: queue full, or waited its longest in it.',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        for (const reason of ['full', 'queue-timeout'] as const) {
          if (pendingShed[reason] === 0) continue;
          this.inc({ reason }, pendingShed[reason]);
          pendingShed[reason] = 0;
        }
      },
    });
    this.invalidResponses = new Counter({
      name: 'gateway_provider_invalid_responses_total',
      help: "2xx answers from ConnectPay that did not match the API's content type or schema, by catalog API.",
      labelNames: ['api'],
      registers: [this.registry],
    });
    const state = () => this.admissionState?.() ?? { inFlight: 0, queued: 0 };
    new Gauge({
      name: 'gateway_requests_in_flight',
      help: '/v1 requests being served now (at most GATEWAY_MAX_IN_FLIGHT).',
      registers: [this.registry],
      collect() {
        this.set(state().inFlight);
      },
    });
    new Gauge({
      name: 'gateway_requests_queued',
      help: '/v1 requests waiting for a slot now (at most GATEWAY_MAX_QUEUED).',
      registers: [this.registry],
      collect() {
        this.set(state().queued);
      },
    });
    this.certificateExpiry = new Gauge({
      name: 'connectpay_client_certificate_expiry_seconds',
      help: 'Seconds until the active client certificate (leaf) expires.',
      labelNames: ['environment', 'fingerprint'],
      registers: [this.registry],
    });
    this.nextCertificateReady = new Gauge({
      name: 'connectpay_next_client_certificate_ready',
      help: '1 when a next client certificate is staged, passes the rules and was accepted in a handshake probe (or is already in use); 0 otherwise.',
      labelNames: ['environment'],
      registers: [this.registry],
    });
    this.nextCertificateExpiry = new Gauge({
      name: 'connectpay_next_client_certificate_expiry_seconds',
      help: 'Seconds until the staged next client certificate (leaf) expires; absent when none is loaded.',
      labelNames: ['environment', 'fingerprint'],
      registers: [this.registry],
    });
  }
}
