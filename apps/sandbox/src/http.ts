import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export const MAX_BODY_BYTES = 1024 * 1024;

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'payload_too_large', 'The body is larger than 1 MiB.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpProblem(400, 'invalid_request', 'The body is not valid JSON.');
  }
}

/** The provider's error shape as this sandbox answers it: RFC 6749 style, with the request's trace id. */
export function sendError(response: ServerResponse, problem: HttpProblem, requestId: string | undefined): void {
  sendJson(response, problem.status, {
    error: problem.error,
    error_description: problem.message,
    ...(requestId ? { requestId } : {}),
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks `Authorization: Basic …` against the DevApp credentials. */
export function requireBasic(request: IncomingMessage, clientId: string, clientSecret: string): void {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!match) throw new HttpProblem(401, 'invalid_client', 'Basic client credentials are required.');
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const id = decoded.slice(0, separator);
  const secret = decoded.slice(separator + 1);
  if (separator < 0 || !constantTimeEqual(id, clientId) || !constantTimeEqual(secret, clientSecret)) {
    throw new HttpProblem(401, 'invalid_client', 'Client authentication failed.');
  }
}

export function requireBearer(request: IncomingMessage): string {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(request.headers.authorization ?? '');
  if (!match) throw new HttpProblem(401, 'invalid_token', 'A Bearer access token is required.');
  return match[1] as string;
}
