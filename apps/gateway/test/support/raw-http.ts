import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Status lines of 1xx answers that came before the final one (e.g. `100 Continue`). */
  readonly interim: readonly number[];
  /** The socket error seen before the answer was complete (e.g. ECONNRESET), if any. */
  readonly error: string | undefined;
  readonly ms: number;
}

/**
 * Writes bytes to a server as they are, without any client library's checks, and reads the first
 * final answer. `then` is written after the head when given (a body, possibly large). Ends after
 * `timeoutMs` at the latest.
 */
export function rawRequest(
  url: string,
  head: string | Buffer,
  options: { then?: Buffer; timeoutMs?: number; lingerMs?: number } = {},
): Promise<RawResponse> {
  const { port, hostname } = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    let error: string | undefined;
    let closedEarly = false;
    const interim: number[] = [];
    // With a body to send, the exchange ends only once all of it was written: a server that answers
    // early and then resets the connection shows up as a write error, as it would for any client.
    let written = options.then === undefined;
    let answer: Omit<RawResponse, 'interim' | 'error' | 'ms'> | undefined;
    const settle = () => {
      if (!answer || !written) return;
      const parsed = answer;
      // Keep listening a little: a reset right after the answer is what a client on a real network
      // would see instead of the answer.
      if (options.lingerMs) setTimeout(() => finish(parsed), options.lingerMs);
      else finish(parsed);
    };
    let done = false;
    const finish = (parsed?: Omit<RawResponse, 'interim' | 'error' | 'ms'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        ...(parsed ?? { status: 0, headers: {}, body: received.toString('latin1') }),
        interim,
        error: error ?? (closedEarly && options.lingerMs ? 'closed' : undefined),
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(), options.timeoutMs ?? 10_000);
    socket.on('connect', () => {
      socket.write(head);
      if (options.then) {
        socket.write(options.then, () => {
          written = true;
          settle();
        });
      }
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause.code ?? cause.message;
    });
    socket.on('close', () => {
      closedEarly = answer !== undefined && written;
      if (!options.lingerMs || !answer) finish(answer ?? parse(received, interim) ?? undefined);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      answer ??= parse(received, interim);
      settle();
    });
  });
}

function parse(buffer: Buffer, interim: number[]): Omit<RawResponse, 'interim' | 'error' | 'ms'> | undefined {
  let text = buffer.toString('latin1');
  for (;;) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    if (status >= 100 && status < 200) {
      if (!interim.includes(status)) interim.push(status);
      text = text.slice(end + 4);
      continue;
    }
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const body = text.slice(end + 4);
    const length = Number(headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && body.length < length) return undefined;
    return { status, headers, body: Number.isFinite(length) ? body.slice(0, length) : body };
  }
}
