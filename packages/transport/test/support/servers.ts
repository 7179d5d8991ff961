import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface TestServer {
  readonly url: string;
  readonly requests: {
    method: string;
    url: string;
    headers: IncomingMessage['headers'];
    body: string;
    clientCertFingerprint?: string;
  }[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void | Promise<void>;

/** A real TLS server on 127.0.0.1; with `clientCaPem` it requires and verifies a client certificate. */
export async function startTlsServer(options: {
  certPem: string;
  keyPem: string;
  clientCaPem?: string;
  handler: Handler;
}): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      ...(options.clientCaPem ? { ca: options.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const socket = request.socket as TLSSocket;
        const peer = options.clientCaPem ? socket.getPeerCertificate() : undefined;
        requests.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
          ...(peer?.fingerprint256 ? { clientCertFingerprint: peer.fingerprint256 } : {}),
        });
        void Promise.resolve()
          .then(() => options.handler(request, body, response))
          .catch(() => {
            response.statusCode = 500;
            response.end();
          });
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(text);
}
