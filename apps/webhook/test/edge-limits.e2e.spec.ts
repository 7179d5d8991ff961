// The receiver's HTTP edge: an oversized upload gets its 413 (not a reset, and no `100 Continue`
// first), and what Node refuses before a route runs leaves in the error shape. The timeouts are
// service-kit's (packages/service-kit/test/http-edge.spec.ts, with short settings).
import { connect } from 'node:net';
import { startReceiver, tempDevPki, type Receiver } from './support/harness.js';

interface RawAnswer {
  readonly status: number;
  readonly interim: readonly number[];
  /** A socket error, or `closed` when the receiver closed the connection right after answering. */
  readonly error: string | undefined;
  readonly ms: number;
}

/** Writes the head (and a body, all of it) on a raw socket; reads the final answer; listens `lingerMs` more. */
function raw(url: string, head: string, body?: Buffer, lingerMs = 300, timeoutMs = 10_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const interim: number[] = [];
    let text = '';
    let status = 0;
    let written = body === undefined;
    let error: string | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, interim, error, ms: performance.now() - started });
    };
    const timer = setTimeout(finish, timeoutMs);
    const settle = () => {
      if (status >= 200 && written) setTimeout(finish, lingerMs);
    };
    socket.on('connect', () => {
      socket.write(head);
      if (body) {
        socket.write(body, () => {
          written = true;
          settle();
        });
      }
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => (error ??= cause.code ?? cause.message));
    socket.on('close', () => {
      if (status >= 200) error ??= 'closed';
      finish();
    });
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      for (const match of text.matchAll(/HTTP\/1\.1 (\d{3})/g)) {
        const code = Number(match[1]);
        if (code < 200) {
          if (!interim.includes(code)) interim.push(code);
        } else if (status === 0) {
          status = code;
          settle();
        }
      }
    });
  });
}

describe('the receiver under oversized uploads', () => {
  let pki: Awaited<ReturnType<typeof tempDevPki>>;
  let receiver: Receiver;

  beforeAll(async () => {
    pki = await tempDevPki();
    receiver = await startReceiver(pki.dir);
  });

  afterAll(async () => {
    await receiver?.close();
    pki?.remove();
  });

  const head = (length: number, extra = '') =>
    `POST /webhooks/connectpay HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
    `x-connectpay-webhook-token: ${pki.token}\r\ncontent-length: ${length}\r\n${extra}\r\n`;

  it('answers a 10 MB authenticated upload with 413, and does not reset it', async () => {
    const size = 10 * 1024 * 1024;
    const answer = await raw(receiver.url, head(size), Buffer.alloc(size, 0x20));
    expect({ status: answer.status, error: answer.error }).toEqual({ status: 413, error: undefined });
  });

  it('does not send 100 Continue for a Content-Length over the limit', async () => {
    const answer = await raw(receiver.url, head(10 * 1024 * 1024, 'expect: 100-continue\r\n'));
    expect(answer.status).toBe(413);
    expect(answer.interim).toEqual([]);
  });

  it('answers headers over 16 KiB with 431 in the error shape, with x-request-id', async () => {
    const { hostname, port } = new URL(receiver.url);
    const text = await new Promise<string>((resolve) => {
      let received = '';
      const socket = connect(Number(port), hostname, () =>
        socket.write(`GET /health/live HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`),
      );
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      socket.on('close', () => resolve(received));
      socket.on('error', () => undefined);
    });
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    const requestId = /x-request-id: (\S+)/.exec(text)?.[1];
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { error: { code: string; requestId: string } };
    expect(body.error).toMatchObject({ code: 'WEBHOOK_HEADERS_TOO_LARGE', requestId });
  });

  it('still sends 100 Continue for a body within the limit', async () => {
    const body = Buffer.from('{"eventId":"evt-continue","eventType":"test"}');
    const answer = await raw(receiver.url, head(body.length, 'expect: 100-continue\r\n'), body);
    expect(answer.interim).toEqual([100]);
    expect(answer.status).toBe(200);
  });
});
