import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The provider error codes this sandbox answers with, in ConnectPay's own (RFC 6749 style) spelling,
 * so they are lower case, unlike the kit's codes.
 */
export const SANDBOX_PROBLEM_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_token',
  'invalid_signature',
  'invalid_grant',
  'invalid_scope',
  'invalid_state',
  'unsupported_grant_type',
  'unsupported_response_type',
  'validation_error',
  'wrong_host',
  'no_subscription',
  'not_found',
  'payload_too_large',
  'server_error',
] as const;
export type SandboxProblemCode = (typeof SANDBOX_PROBLEM_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const SANDBOX_PROBLEM_MEANING: Readonly<Record<SandboxProblemCode, string>> = {
  invalid_request: 'The request lacks a parameter, has a wrong one, or its body is not valid JSON (400).',
  invalid_client: 'The client credentials are missing or wrong (401, or 400 at the token endpoint).',
  invalid_token: 'The Bearer access token is missing, unknown or expired (401).',
  invalid_signature: 'The merchant request signature does not verify (401).',
  invalid_grant: 'The auth code or refresh token is unknown, used or expired (400).',
  invalid_scope: 'The requested scope is not one the DevApp has (400).',
  invalid_state: 'The payment or consent is not in a state that allows the call (400 or 409).',
  unsupported_grant_type: 'The token endpoint does not know the grant type (400).',
  unsupported_response_type: 'The authorize endpoint does not know the response type (400).',
  validation_error: 'The body does not fit the API contract (400).',
  wrong_host: 'An mTLS API was called on the one-way host, or the reverse.',
  no_subscription: 'The webhook subscription named does not exist.',
  not_found: 'No such route or resource (404).',
  payload_too_large: 'The body is larger than 1 MiB (413).',
  server_error: 'A scripted or unexpected failure of the sandbox (500).',
};

/** An answer in the provider's error shape; `error` is one of SANDBOX_PROBLEM_CODES. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly error: SandboxProblemCode,
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

export function isHttpProblem(value: unknown): value is HttpProblem {
  return value instanceof HttpProblem;
}
