import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** How the fault upstream misbehaves; chosen per request by the last path segment or the merchantReference. */
export type Fault =
  | 'ok'
  | 'reset'
  | 'silent'
  | 'drip'
  | 'status-500'
  | 'status-503'
  | 'html'
  | 'not-an-object'
  | 'close-mid-body'
  | 'slow-ok';

export const FAULTS: readonly Fault[] = [
  'ok',
  'reset',
  'silent',
  'drip',
  'status-500',
  'status-503',
  'html',
  'not-an-object',
  'close-mid-body',
  'slow-ok',
];

export interface FaultUpstream {
  readonly url: string;
  /** Requests received by X-Request-ID: the gateway's attempts for one caller request. */
  attempts(requestId: string): number;
  /** Requests whose connection closed before this server finished its answer (the gateway aborted them). */
  abortedByClient(requestId: string): number;
  close(): Promise<void>;
}

/**
 * A real TLS server on 127.0.0.1 that answers the way a failing provider, or a proxy in front of it,
 * does. It presents the given certificate and, with `clientCaPem`, requires a client certificate.
 */
export async function startFaultUpstream(options: {
  certPem: string;
  keyPem: string;
  clientCaPem?: string;
  slowMs?: number;
}): Promise<FaultUpstream> {
  const attempts = new Map<string, number>();
  const aborted = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const bump = (map: Map<string, number>, id: string) => map.set(id, (map.get(id) ?? 0) + 1);

  const handle = (request: IncomingMessage, body: string, response: ServerResponse): void => {
    const id = String(request.headers['x-request-id'] ?? '');
    bump(attempts, id);
    response.on('close', () => {
      if (!response.writableFinished) bump(aborted, id);
    });
    const fault = faultOf(request.url ?? '', body);
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    switch (fault) {
      case 'reset':
        request.socket.destroy();
        return;
      case 'silent':
        return;
      case 'drip': {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"payment":');
        const timer = setInterval(() => response.write(' '), 100);
        timers.add(timer);
        response.on('close', () => clearInterval(timer));
        return;
      }
      case 'status-500':
        return json(500, { error: 'internal', message: 'provider failed' });
      case 'status-503':
        return json(503, { error: 'unavailable' });
      case 'html':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end('<html><body><h1>Down for maintenance</h1></body></html>');
        return;
      case 'not-an-object':
        return json(200, 'maintenance');
      case 'close-mid-body':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        response.write('{"payment":{"paymentId":"p-');
        setImmediate(() => request.socket.destroy());
        return;
      case 'slow-ok': {
        const timer = setTimeout(
          () => json(200, { payment: { paymentId: 'slow', status: 'Created' } }),
          options.slowMs ?? 300,
        );
        timers.add(timer);
        return;
      }
      case 'ok':
        if (request.method === 'POST') {
          return json(201, {
            payment: { paymentId: 'p-1', redirectUrl: 'https://127.0.0.1/pay/p-1', status: 'Created' },
          });
        }
        return json(200, { payment: { paymentId: 'p-1', status: 'Created' } });
    }
  };

  const server: Server = createServer(
    {
      cert: options.certPem,
      key: options.keyPem,
      ...(options.clientCaPem ? { ca: options.clientCaPem, requestCert: true, rejectUnauthorized: true } : {}),
    },
    (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response));
    },
  );
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    attempts: (id) => attempts.get(id) ?? 0,
    abortedByClient: (id) => aborted.get(id) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function faultOf(url: string, body: string): Fault {
  const segment = url.split('?')[0]?.split('/').pop() ?? '';
  if ((FAULTS as readonly string[]).includes(segment)) return segment as Fault;
  const reference = /"merchantReference":"([a-z0-9-]+)"/.exec(body)?.[1] ?? '';
  if ((FAULTS as readonly string[]).includes(reference)) return reference as Fault;
  return 'ok';
}
