import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { NestApplicationOptions } from '@nestjs/common';

/** Answers a request itself and returns true, or returns false to let the Nest app route it. */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * Nest's Express adapter with one change: deliveries are answered by a plain node handler before
 * Express sees them. Measured on the 2-core development machine, Express 5 alone tops out near
 * 3,000 req/s, below the 5,000 durable acks/s the receiver is built for; everything else (admin,
 * auth, health, metrics) stays on Nest. Nest still owns the server, so listen, graceful close and
 * shutdown hooks work as for any Nest app.
 */
export class WebhookHttpAdapter extends ExpressAdapter {
  constructor(
    private readonly fastPath: FastPath,
    /** With `Expect: 100-continue`, a Content-Length over this gets its 413 without `100 Continue`. */
    private readonly bodyLimitBytes = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    const server = this.getHttpServer() as Server;
    const express = this.getInstance() as (request: IncomingMessage, response: ServerResponse) => void;
    applyEdgeLimits(server, { ...EDGE_LIMITS, bodyLimitBytes: this.bodyLimitBytes });
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!this.fastPath(request, response)) express(request, response);
    });
  }
}

export interface EdgeLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly bodyLimitBytes: number;
}

/**
 * A public endpoint: a request must arrive whole within 30 s (ConnectPay itself gives up after 10 s),
 * so slow clients cannot hold sockets. Keep-alive outlasts the usual 60 s idle timeout of cloud load
 * balancers, which would otherwise reuse a socket node just closed and answer 502.
 */
export const EDGE_LIMITS = { headersTimeoutMs: 20_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 } as const;

/** Sets the receiver's timeouts and `Expect: 100-continue` rule on a node server before it listens. */
export function applyEdgeLimits(server: Server, limits: EdgeLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  // Node enforces both timeouts on a sweep every 30 s by default, so "30 s" meant 30 to 60 s (39-54 s
  // measured). A sweep every second (read when the server starts listening) keeps them within 1 s.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1_000;
  // Node answers `Expect: 100-continue` itself unless told otherwise: a sender of an oversized body
  // would be invited to send it, only to get 413 for it.
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers['content-length']) > limits.bodyLimitBytes)) response.writeContinue();
    server.emit('request', request, response);
  });
}
