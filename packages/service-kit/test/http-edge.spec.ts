// The HTTP edge both services run on (service-kit/http), on a bare Fastify server with short limits:
// request ids, the access line, 413 before the body, no `100 Continue` over the limit, timeouts within
// half a second of their setting, and Node's own refusals in the one error shape with x-request-id.
import { connect } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type AccessLine,
  type Drain,
  type EdgeCodes,
  edgeRefusalOf,
  edgeServerOptions,
  EDGE_REFUSAL_STATUS,
  errorBody,
  markAccessLogged,
  refuseOversizedContinue,
  registerRequestContext,
  requestIdOf,
  sendErrorBody,
} from '../src/http/index.js';
import { messagePage } from '../src/http/html.js';
import { createServiceLogger } from '../src/logger.js';

const HEADERS_TIMEOUT_MS = 400;
const BODY_TIMEOUT_MS = 400;
const LIMIT = 1_000;

const CODES: EdgeCodes<string> = Object.fromEntries(
  Object.keys(EDGE_REFUSAL_STATUS).map((refusal) => [
    refusal,
    { code: `TEST_${refusal.toUpperCase()}`, message: `refused: ${refusal}` },
  ]),
) as EdgeCodes<string>;

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
  ) {
    super(`refused with ${code}`);
  }
}

interface Raw {
  readonly status: number;
  readonly interim: readonly number[];
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly ms: number;
}

/** Writes bytes as they are and reads until the server closes or `waitMs` passes. */
function raw(url: string, head: string, body?: string, waitMs = 3_000): Promise<Raw> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      if (body !== undefined) socket.write(body);
    });
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const interim = [...text.matchAll(/HTTP\/1\.1 (1\d\d) /g)].map((match) => Number(match[1]));
      const final = text.slice(text.search(/HTTP\/1\.1 [2-5]\d\d /));
      const [headText = '', rest = ''] = final.split('\r\n\r\n');
      const [statusLine = '', ...lines] = headText.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      resolve({
        status: Number(statusLine.split(' ')[1] ?? 0),
        interim,
        headers,
        body: rest,
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (
        /HTTP\/1\.1 [2-5]\d\d [\s\S]*\r\n\r\n[\s\S]*\}$/.test(text) ||
        /HTTP\/1\.1 200 [\s\S]*\r\n\r\nok$/.test(text)
      ) {
        finish();
      }
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
  });
}

function expectShaped(answer: Raw, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as { error: { code: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toBe(answer.headers['x-request-id']);
}

describe('the HTTP edge', () => {
  let fastify: FastifyInstance;
  let url: string;
  let drain: Drain;
  const lines: AccessLine[] = [];
  const counted: string[] = [];

  beforeAll(async () => {
    const logger = createServiceLogger({
      service: { name: 'test' },
      level: 'silent',
      destination: { write: () => undefined },
    });
    const answer = (
      error: unknown,
      request: Parameters<typeof requestIdOf>[0],
      reply: Parameters<typeof sendErrorBody>[0],
    ) => {
      const refusal = edgeRefusalOf(error);
      const [status, code] =
        error instanceof Refused
          ? [error.status, error.code]
          : refusal
            ? [EDGE_REFUSAL_STATUS[refusal], CODES[refusal].code]
            : [500, 'TEST_INTERNAL'];
      sendErrorBody(reply, status, errorBody(code, 'refused', requestIdOf(request)));
    };
    fastify = Fastify(
      edgeServerOptions({
        limits: { bodyLimitBytes: LIMIT, headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: BODY_TIMEOUT_MS },
        codes: CODES,
        logger,
        frameworkErrors: answer,
      }),
    );
    refuseOversizedContinue(fastify.server, LIMIT, CODES.payload_too_large, logger);
    drain = registerRequestContext(fastify, {
      accessLogger: { info: (line) => void lines.push(line), error: (line) => void lines.push(line) },
      countRequest: (route, method, status) => void counted.push(`${method} ${route} ${status}`),
      bodyLimitBytes: LIMIT,
      payloadTooLarge: () => new Refused(413, CODES.payload_too_large.code),
    });
    fastify.setErrorHandler(answer);
    fastify.post('/echo/:id', async (request) => ({ id: requestIdOf(request), body: request.body }));
    fastify.get('/own-line', async (request) => {
      markAccessLogged(request);
      return 'ok';
    });
    fastify.get('/page', async (_request, reply) => reply.type('text/html').send(messagePage('T <1>', ['a & b'])));
    url = await fastify.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await fastify?.close();
  });

  it('echoes a valid x-request-id and replaces one that does not fit the pattern', async () => {
    const kept = await fetch(`${url}/echo/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-1.2:3' },
      body: '{}',
    });
    expect(kept.headers.get('x-request-id')).toBe('trace-1.2:3');
    expect(((await kept.json()) as { id: string }).id).toBe('trace-1.2:3');
    const replaced = await fetch(`${url}/echo/1`, { method: 'POST', headers: { 'x-request-id': 'a b<script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one access line per request, with the route template and never the raw path', async () => {
    lines.length = 0;
    await fetch(`${url}/echo/secret-id`, { method: 'POST' });
    await fetch(`${url}/nowhere`);
    await fetch(`${url}/own-line`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.map((line) => [line.method, line.route, line.status])).toEqual([
      ['POST', '/echo/:id', 200],
      ['GET', '(unmatched)', 404],
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-id');
    expect(counted).toContain('POST /echo/:id 200');
  });

  it('refuses a body over the limit by its Content-Length before reading it, without 100 Continue', async () => {
    const head = (length: number, extra = '') =>
      `POST /echo/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n`;
    expectShaped(await raw(url, head(LIMIT + 1), ' '.repeat(LIMIT + 1)), 413, 'TEST_PAYLOAD_TOO_LARGE');
    const continued = await raw(url, head(LIMIT + 1, 'expect: 100-continue\r\n'));
    expectShaped(continued, 413, 'TEST_PAYLOAD_TOO_LARGE');
    expect(continued.interim).toEqual([]);
    const within = await raw(url, head(2, 'expect: 100-continue\r\n'), '{}');
    expect(within.interim).toEqual([100]);
    expect(within.status).toBe(200);
  });

  it.each([
    ['a bare LF in a header', 'GET /page HTTP/1.1\r\nhost: x\r\nx-test: a\nb\r\n\r\n', 400, 'TEST_BAD_REQUEST'],
    [
      'headers over 16 KiB',
      `GET /page HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`,
      431,
      'TEST_HEADERS_TOO_LARGE',
    ],
    ['a bad percent-encoding', 'GET /echo/%zz HTTP/1.1\r\nhost: x\r\n\r\n', 400, 'TEST_BAD_URL'],
    [
      'a path parameter over 100 characters',
      `POST /echo/${'a'.repeat(200)} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n`,
      414,
      'TEST_URI_TOO_LONG',
    ],
  ])('answers %s in the error shape', async (_what, head, status, code) => {
    expectShaped(await raw(url, head), status, code);
  });

  it('cuts headers that never finish within half a second of the headers timeout', async () => {
    const answer = await raw(url, 'GET /page HTTP/1.1\r\nhost: x\r\nx-slow: ');
    expectShaped(answer, 408, 'TEST_REQUEST_TIMEOUT');
    expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 1_000);
  });

  it('cuts a body that stalls within the headers + body timeouts', async () => {
    const answer = await raw(
      url,
      'POST /echo/1 HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n',
      '{"half":',
    );
    expectShaped(answer, 408, 'TEST_REQUEST_TIMEOUT');
    expect(answer.ms).toBeLessThan(HEADERS_TIMEOUT_MS + BODY_TIMEOUT_MS + 1_000);
  });

  it('frames pages with escaped text and no script', async () => {
    const page = await (await fetch(`${url}/page`)).text();
    expect(page).toContain('<title>T &lt;1&gt;</title>');
    expect(page).toContain('<p>a &amp; b</p>');
    expect(page).not.toContain('<script');
  });

  it('answers with Connection: close once draining', async () => {
    drain.startDraining();
    expect(drain.draining).toBe(true);
    const answer = await raw(url, 'GET /own-line HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.headers['connection']).toBe('close');
  });
});
