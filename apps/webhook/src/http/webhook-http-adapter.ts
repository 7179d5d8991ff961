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
  constructor(private readonly fastPath: FastPath) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    const server = this.getHttpServer() as Server;
    const express = this.getInstance() as (request: IncomingMessage, response: ServerResponse) => void;
    // A public endpoint: a request must arrive whole within 30 s (ConnectPay itself gives up after
    // 10 s), so slow clients cannot hold sockets. Keep-alive outlasts the usual 60 s idle timeout of
    // cloud load balancers, which would otherwise reuse a socket node just closed and answer 502.
    server.headersTimeout = 20_000;
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 65_000;
    server.removeAllListeners('request');
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!this.fastPath(request, response)) express(request, response);
    });
  }
}
