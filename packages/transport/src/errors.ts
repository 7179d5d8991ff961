/** Stable codes: callers, metrics and the gateway's error body match on these, never on messages. */
export const TRANSPORT_ERROR_CODES = [
  'TRANSPORT_CLIENT_CERT_REFUSED',
  'TRANSPORT_SERVER_CERT_UNTRUSTED',
  'TRANSPORT_TLS_FAILED',
  'TRANSPORT_CONNECTION_REFUSED',
  'TRANSPORT_CONNECTION_RESET',
  'TRANSPORT_TIMEOUT',
  'TRANSPORT_CANCELLED',
  'TRANSPORT_REQUEST_FAILED',
  'TRANSPORT_HTTP_ERROR',
  'TRANSPORT_INVALID_RESPONSE',
  'TRANSPORT_MISUSE',
  'TRANSPORT_CREDENTIALS_MISSING',
  'TRANSPORT_CREDENTIALS_REJECTED',
  'TRANSPORT_NEW_AUTH_CODE_REQUIRED',
  'TRANSPORT_TOKEN_STORE_FAILED',
  'TRANSPORT_CLOSED',
  'TRANSPORT_ROTATION_REFUSED',
] as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const TRANSPORT_ERROR_MEANING: Readonly<Record<TransportErrorCode, string>> = {
  TRANSPORT_CLIENT_CERT_REFUSED: 'The provider refused the client certificate during the TLS handshake.',
  TRANSPORT_SERVER_CERT_UNTRUSTED: "The provider's server certificate is not trusted.",
  TRANSPORT_TLS_FAILED: 'The TLS handshake failed for another reason.',
  TRANSPORT_CONNECTION_REFUSED: 'The provider host refused the connection.',
  TRANSPORT_CONNECTION_RESET: 'The connection was reset or closed mid-call.',
  TRANSPORT_TIMEOUT: 'The provider did not connect, answer or finish its answer in time.',
  TRANSPORT_CANCELLED: 'The caller cancelled the call (its AbortSignal fired).',
  TRANSPORT_REQUEST_FAILED: 'The request failed for a reason not covered by a more specific code.',
  TRANSPORT_HTTP_ERROR: 'The provider answered with a non-2xx status; its body is attached.',
  TRANSPORT_INVALID_RESPONSE: 'The provider answer cannot be read (not JSON, wrong shape).',
  TRANSPORT_MISUSE: 'The client was called with input it cannot send.',
  TRANSPORT_CREDENTIALS_MISSING: 'A credential the call needs is not configured.',
  TRANSPORT_CREDENTIALS_REJECTED: 'New credentials were refused before use (expired, wrong pair).',
  TRANSPORT_NEW_AUTH_CODE_REQUIRED: 'The refresh token was refused: a person must issue a new auth code.',
  TRANSPORT_TOKEN_STORE_FAILED: 'The token store could not be read or written.',
  TRANSPORT_CLOSED: 'The client was closed; no further call is made.',
  TRANSPORT_ROTATION_REFUSED:
    'A credential rotation step cannot happen now (nothing valid staged, or a switch already running).',
};

export interface TransportErrorContext {
  readonly api?: string;
  readonly requestId?: string;
  /** Where the failure happened, e.g. the upstream origin. Never a credential. */
  readonly origin?: string;
}

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  readonly api: string | undefined;
  readonly requestId: string | undefined;
  readonly origin: string | undefined;
  /** True when the failure happened before the request could reach the provider's application. */
  readonly connectionLevel: boolean;

  constructor(
    code: TransportErrorCode,
    message: string,
    context: TransportErrorContext = {},
    options: { cause?: unknown; connectionLevel?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.api = context.api;
    this.requestId = context.requestId;
    this.origin = context.origin;
    this.connectionLevel = options.connectionLevel ?? false;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, api: this.api, requestId: this.requestId };
  }
}

/** The provider (or the sandbox) refused our client certificate during the TLS handshake. */
export class ClientCertificateRefusedError extends TransportError {
  constructor(
    message: string,
    readonly probableCause: 'expired' | 'untrusted' | 'missing' | 'revoked' | 'unknown',
    context: TransportErrorContext,
    cause?: unknown,
  ) {
    super('TRANSPORT_CLIENT_CERT_REFUSED', message, context, { cause, connectionLevel: true });
  }
}

export class ServerCertificateUntrustedError extends TransportError {
  constructor(message: string, context: TransportErrorContext, cause?: unknown) {
    super('TRANSPORT_SERVER_CERT_UNTRUSTED', message, context, { cause, connectionLevel: true });
  }
}

export type TimeoutPhase = 'connect' | 'headers' | 'body';

const WAITED_FOR: Readonly<Record<TimeoutPhase, string>> = {
  connect: 'accept the connection',
  headers: 'answer',
  body: 'finish its answer',
};

/**
 * A call that ran out of time. `phase` is what it was waiting for when the time ran out; `budgetMs`
 * is set when the call's whole budget (every attempt included) ran out, and unset when one of the
 * pool's per-connection timeouts fired first.
 */
export class TransportTimeoutError extends TransportError {
  constructor(
    readonly phase: TimeoutPhase,
    context: TransportErrorContext,
    cause?: unknown,
    readonly budgetMs?: number,
  ) {
    super(
      'TRANSPORT_TIMEOUT',
      budgetMs === undefined
        ? `ConnectPay did not ${WAITED_FOR[phase]} in time (${phase} timeout).`
        : `ConnectPay did not ${WAITED_FOR[phase]} within the call's budget of ${budgetMs} ms (${phase} phase).`,
      context,
      { cause, connectionLevel: phase === 'connect' },
    );
  }
}

/** The caller gave up (its AbortSignal fired): the attempt in flight was aborted and no other starts. */
export class CallCancelledError extends TransportError {
  constructor(
    readonly phase: TimeoutPhase | 'backoff',
    context: TransportErrorContext,
    cause?: unknown,
  ) {
    super(
      'TRANSPORT_CANCELLED',
      `The caller cancelled the call while it was waiting for ${phase === 'backoff' ? 'a retry' : `the ${phase} phase`}; no further attempt was made.`,
      context,
      { cause },
    );
  }
}

/** A non-2xx answer. `body` is the provider's error body, passed through for the caller. */
export class ProviderHttpError extends TransportError {
  constructor(
    readonly status: number,
    readonly body: unknown,
    context: TransportErrorContext,
  ) {
    super('TRANSPORT_HTTP_ERROR', `ConnectPay answered HTTP ${status}${describeBody(body)}.`, context);
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status, body: this.body };
  }
}

export class TransportMisuseError extends TransportError {
  constructor(message: string, context: TransportErrorContext, cause?: unknown) {
    super('TRANSPORT_MISUSE', message, context, { cause });
  }
}

export class CredentialsMissingError extends TransportError {
  constructor(message: string, context: TransportErrorContext = {}) {
    super('TRANSPORT_CREDENTIALS_MISSING', message, context);
  }
}

export class CredentialsRejectedError extends TransportError {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super('TRANSPORT_CREDENTIALS_REJECTED', message);
  }
}

/** A credential rotation step that cannot happen now: no valid next pair staged, or a switch already running. */
export class RotationRefusedError extends TransportError {
  constructor(message: string) {
    super('TRANSPORT_ROTATION_REFUSED', message);
  }
}

/** The refresh token was refused (expired, rotated elsewhere, revoked): a person must issue a new auth code. */
export class NewAuthCodeRequiredError extends TransportError {
  constructor(message: string, context: TransportErrorContext = {}) {
    super('TRANSPORT_NEW_AUTH_CODE_REQUIRED', message, context);
  }
}

export class TokenStoreError extends TransportError {
  constructor(message: string, cause?: unknown) {
    super('TRANSPORT_TOKEN_STORE_FAILED', message, {}, { cause });
  }
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const detail = record['error_description'] ?? record['message'] ?? record['error'] ?? record['title'];
    if (typeof detail === 'string') return `: ${detail.slice(0, 200)}`;
  }
  return '';
}

/**
 * True for any error of this package. Matches by code as well as by class, so an error from another
 * copy of the package or another realm (node:vm, a worker) is recognised too.
 */
export function isTransportError(value: unknown): value is TransportError {
  if (value instanceof TransportError) return true;
  const code = (value as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && (TRANSPORT_ERROR_CODES as readonly string[]).includes(code);
}
