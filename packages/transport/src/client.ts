import { randomUUID } from 'node:crypto';
import { type Dispatcher, getGlobalDispatcher } from 'undici';
import {
  type ApiName,
  type BaseUrls,
  type Environment,
  HostsError,
  type QueryValue,
  REQUEST_ID_PATTERN,
  resolve,
  type ResolvedApi,
  type SecurityScheme,
} from '@connectpay-kit/hosts';
import { type ClientCredentials, type CredentialCheck, loadCredentials } from './credentials.js';
import { HostKindDispatchers, type Timeouts } from './dispatchers.js';
import {
  CallCancelledError,
  CredentialsMissingError,
  CredentialsRejectedError,
  ProviderHttpError,
  TransportError,
  type TransportErrorContext,
  TransportMisuseError,
  TransportTimeoutError,
} from './errors.js';
import { Exchange } from './exchange.js';
import { OAuthTokenManager, type TokenEndpointResponse, type TokenPersistence } from './oauth/token-manager.js';
import { TokenCipher } from './oauth/token-crypto.js';
import { isRetryable, type RetryPolicy, DEFAULT_RETRY, retryDelayWithin } from './retry.js';
import type { SecretInput } from './secret.js';
import { type BasicCredentials, basicStrategy } from './strategies/basic.js';
import { bearerStrategy } from './strategies/bearer.js';
import { mtlsStrategy } from './strategies/mtls.js';
import { baasScaPartnerStrategy } from './strategies/baas-sca.js';
import { type MerchantCredentials, rsaSignatureStrategy } from './strategies/rsa-signature.js';
import type { AuthStrategy, OutgoingRequest } from './strategies/strategy.js';
import { mapConnectionError } from './tls-errors.js';

/** pino-compatible; transport logs ids, API names, statuses and codes, never headers or bodies. */
export interface TransportLogger {
  debug(object: Record<string, unknown>, message: string): void;
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

export interface CallEvent {
  readonly api: string;
  readonly requestId: string;
  readonly status: number | undefined;
  readonly errorCode: string | undefined;
  readonly durationMs: number;
  readonly attempts: number;
  /**
   * SHA-256 fingerprint of the client certificate the last attempt presented (mTLS host only), taken
   * when it was dispatched: a rotation tells a refusal of the new identity from one of the old.
   */
  readonly clientCertificate?: string;
  /** The error the call failed with, when it failed. */
  readonly error?: TransportError;
}

/** What a call reports to `observeCalls` listeners. */
export type CallListener = (event: CallEvent) => void;

export interface ConnectPayClientOptions {
  readonly environment: Environment;
  /** Base URLs per host kind; stage and prod default to the provider's, local has none. */
  readonly baseUrls?: Partial<BaseUrls>;
  readonly mtls?: ClientCredentials;
  /** Extra trust for the provider's server certificate (CONNECTPAY_<ENV>_CA_FILE). */
  readonly caPem?: string;
  readonly basic?: BasicCredentials;
  readonly merchant?: MerchantCredentials;
  readonly oauth?: {
    readonly store: TokenPersistence;
    readonly encryptionKey: SecretInput;
    readonly subject?: string;
    readonly refreshSkewMs?: number;
  };
  /** The pools' per-connection timeouts (connect 5 s; headers and body idle 30 s each): backstops. */
  readonly timeouts?: Partial<Timeouts>;
  /**
   * A call's whole budget in ms, default 30 s: connecting, every attempt and the waits between them,
   * headers and the whole body. A catalog entry's `timeoutMs` and a call's `timeoutMs` override it.
   */
  readonly callTimeoutMs?: number;
  /** The largest answer body accepted, default 10 MiB; a larger one fails the call as TRANSPORT_INVALID_RESPONSE. */
  readonly maxResponseBytes?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Run on every new identity given to reloadCredentials(); a non-empty answer refuses it. */
  readonly credentialCheck?: CredentialCheck;
  readonly logger?: TransportLogger;
  /** Called once per call() with its outcome: the gateway turns these into metrics. */
  readonly onCall?: (event: CallEvent) => void;
  readonly userAgent?: string;
  readonly now?: () => Date;
}

export interface CallInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, QueryValue | undefined>>;
  /** JSON APIs: an object (serialised) or a string (sent as is). Form APIs: a record of fields. */
  readonly body?: unknown;
  /** Extra headers; credentials, signature, host and request id cannot be set this way. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Taken as `X-Request-ID` when given (the caller's trace), else a new uuid v4. */
  readonly requestId?: string;
  /** Allows retries of a non-GET call the provider dedupes. Never set this for payment creation. */
  readonly idempotent?: boolean;
  /** This call's whole budget in ms; default the catalog entry's `timeoutMs`, else the client's `callTimeoutMs`. */
  readonly timeoutMs?: number;
  /** The caller's cancellation: aborts the attempt in flight (any phase) and starts no other. */
  readonly signal?: AbortSignal;
  /**
   * The same as `signal` without an AbortController: for a server that would otherwise create one
   * per request (an AbortController with one listener costs several µs, a few % of a proxied call).
   */
  readonly cancellation?: CallCancellation;
}

/** A caller's cancellation, in the least a call needs of it. */
export interface CallCancellation {
  /** True once the caller gave up. */
  readonly cancelled: boolean;
  /** Calls `listener` once, when the caller gives up; the returned function unregisters it. */
  subscribe(listener: () => void): () => void;
}

export interface ProviderResponse<T = unknown> {
  readonly api: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: T;
  readonly requestId: string;
  readonly attempts: number;
}

const PROTECTED_HEADERS = new Set([
  'authorization',
  'x-signature',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'x-request-id',
  'proxy-authorization',
  'cookie',
  'x-connectpay-api-key',
]);
const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, headersMs: 30_000, bodyMs: 30_000 };
const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * The one way platform code talks to ConnectPay. Every call goes through the catalog (packages/hosts):
 * the API name picks the host, the host kind picks the connection pool, and the scheme picks the
 * credentials, so no caller can send a credential to the wrong host.
 */
export class ConnectPayClient {
  readonly environment: Environment;
  /** Present when `oauth` options were given: exchange codes, read token status. */
  readonly oauth: OAuthTokenManager | undefined;
  private readonly dispatchers: HostKindDispatchers;
  private readonly retry: RetryPolicy;
  private readonly callTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly basic: BasicCredentials | undefined;
  private readonly strategyCache = new Map<SecurityScheme, AuthStrategy[]>();
  /** `origin|leaf fingerprint` pairs that completed a call: proof the provider accepts that identity. */
  private readonly acceptedIdentities = new Set<string>();
  private readonly callListeners = new Set<CallListener>();

  constructor(private readonly options: ConnectPayClientOptions) {
    this.environment = options.environment;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.basic = options.basic;
    this.dispatchers = new HostKindDispatchers({
      timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      ...(options.caPem ? { caPem: options.caPem } : {}),
    });
    if (options.mtls) void this.dispatchers.useIdentity(loadCredentials(options.mtls));
    this.oauth = options.oauth
      ? new OAuthTokenManager({
          store: options.oauth.store,
          cipher: new TokenCipher(options.oauth.encryptionKey),
          endpoint: (form) => this.tokenEndpoint(form),
          ...(options.oauth.subject ? { subject: options.oauth.subject } : {}),
          ...(options.oauth.refreshSkewMs !== undefined ? { refreshSkewMs: options.oauth.refreshSkewMs } : {}),
          ...(options.now ? { now: options.now } : {}),
        })
      : undefined;
  }

  /** The active client identity: leaf fingerprint and expiry (for health pages and metrics). */
  get identity(): { leafFingerprint: string; notAfter: Date } | undefined {
    const identity = this.dispatchers.identity;
    return identity ? { leafFingerprint: identity.leafFingerprint, notAfter: identity.notAfter } : undefined;
  }

  /**
   * Registers a listener told of every call's outcome (after `onCall`), e.g. a credential rotation
   * watching the first calls after a switch. Returns the function that unregisters it.
   */
  observeCalls(listener: CallListener): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  async call<T = unknown>(api: ApiName | string, input: CallInput = {}): Promise<ProviderResponse<T>> {
    const started = performance.now();
    const requestId =
      input.requestId !== undefined && REQUEST_ID_PATTERN.test(input.requestId) ? input.requestId : randomUUID();
    let attempts = 0;
    const presented: PresentedLeaf = { fingerprint: undefined };
    try {
      const resolved = this.resolveCall(api, input, requestId);
      const prepared = this.prepare(resolved, input, requestId);
      const strategies = this.strategiesFor(resolved);
      const idempotent = resolved.method === 'GET' || input.idempotent === true || resolved.definition.idempotent;
      const budgetMs = input.timeoutMs ?? resolved.definition.timeoutMs ?? this.callTimeoutMs;
      const deadline = started + budgetMs;
      const cancel = cancellationOf(input);
      if (cancel?.cancelled) throw new CallCancelledError('connect', { api, requestId }, input.signal?.reason);
      for (;;) {
        attempts += 1;
        try {
          const response = await this.attempt<T>(
            resolved,
            prepared,
            strategies,
            requestId,
            deadline,
            budgetMs,
            cancel,
            presented,
          );
          this.report(api, requestId, response.status, undefined, started, attempts, presented.fingerprint);
          return { ...response, attempts };
        } catch (error) {
          const typed =
            error instanceof TransportError ? error : mapConnectionError(error, resolved.hostKind, { api, requestId });
          const delay =
            attempts < this.retry.maxAttempts && isRetryable(typed, idempotent) && cancel?.cancelled !== true
              ? retryDelayWithin(this.retry, attempts, deadline - performance.now())
              : undefined;
          if (delay === undefined) throw typed;
          this.options.logger?.warn(
            { api, requestId, attempt: attempts, code: typed.code },
            'connectpay call failed, retrying',
          );
          if (!(await sleep(delay, cancel)))
            throw new CallCancelledError('backoff', { api, requestId }, input.signal?.reason);
        }
      }
    } catch (error) {
      const typed = error instanceof TransportError ? error : mapConnectionError(error, 'oneway', { api, requestId });
      this.report(
        api,
        requestId,
        typed instanceof ProviderHttpError ? typed.status : undefined,
        typed.code,
        started,
        attempts,
        presented.fingerprint,
        typed,
      );
      throw typed;
    }
  }

  /**
   * Swaps the mTLS identity without a restart: new connections present the new chain, calls already
   * in flight finish on the old connections, which then close. Refuses (and keeps the old identity)
   * when the key does not match or the configured check finds errors. `check: false` skips the
   * configured check for a pair that passed it before (a rollback to the previous identity): the swap
   * then happens before this returns its promise, so no call dispatched after it presents the old one.
   */
  async reloadCredentials(
    credentials: ClientCredentials,
    options: { readonly check?: boolean } = {},
  ): Promise<{ leafFingerprint: string; notAfter: Date }> {
    const loaded = loadCredentials(credentials);
    const problems =
      this.options.credentialCheck && options.check !== false ? await this.options.credentialCheck(credentials) : [];
    if (problems.length > 0) {
      throw new CredentialsRejectedError(
        `The new client certificate was refused and the current one kept: ${problems.join('; ')}`,
        problems,
      );
    }
    // The check is asynchronous: the client may have closed meanwhile, and a closed client must not
    // open a new pool for an identity nobody will use.
    if (this.dispatchers.isClosed) {
      throw new TransportError(
        'TRANSPORT_CLOSED',
        'The ConnectPay client is closed: the new client certificate was not loaded.',
      );
    }
    const drained = this.dispatchers.useIdentity(loaded);
    drained.catch((error: unknown) =>
      this.options.logger?.warn({ error: String(error) }, 'closing the previous mTLS pool failed'),
    );
    this.options.logger?.info({ leafFingerprint: loaded.leafFingerprint }, 'client certificate reloaded');
    return { leafFingerprint: loaded.leafFingerprint, notAfter: loaded.notAfter };
  }

  /** Stops accepting calls and closes both pools once in-flight calls finish. */
  async close(): Promise<void> {
    await this.dispatchers.close();
  }

  private resolveCall(api: string, input: CallInput, requestId: string): ResolvedApi {
    try {
      const resolved = resolve(api, this.environment, {
        ...(this.options.baseUrls ? { baseUrls: this.options.baseUrls } : {}),
        ...(input.params ? { params: input.params } : {}),
        ...(input.query ? { query: input.query } : {}),
      });
      if (resolved.scheme === 'browser') {
        throw new TransportMisuseError(
          `API "${api}" is a page a person's browser is sent to; it cannot be called server-side.`,
          { api, requestId },
        );
      }
      return resolved;
    } catch (error) {
      if (error instanceof HostsError) throw new TransportMisuseError(error.message, { api, requestId }, error);
      throw error;
    }
  }

  private prepare(
    resolved: ResolvedApi,
    input: CallInput,
    requestId: string,
  ): Omit<OutgoingRequest, 'headers'> & {
    headers: Readonly<Record<string, string>>;
  } {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      const lower = name.toLowerCase();
      if (PROTECTED_HEADERS.has(lower)) {
        throw new TransportMisuseError(`Header "${name}" is set by the transport and cannot be passed in.`, {
          api: resolved.api,
          requestId,
        });
      }
      headers[lower] = value;
    }
    headers['x-request-id'] = requestId;
    headers['accept'] = resolved.definition.accept ?? headers['accept'] ?? 'application/json';
    headers['user-agent'] = this.options.userAgent ?? 'connectpay-kit-transport';
    const body = encodeBody(resolved, input.body, requestId);
    if (body !== undefined) {
      headers['content-type'] =
        resolved.definition.requestBody === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    return { api: resolved.api, method: resolved.method, url: resolved.url, body, headers };
  }

  private strategiesFor(resolved: ResolvedApi): AuthStrategy[] {
    const cached = this.strategyCache.get(resolved.scheme);
    if (cached) return cached;
    const env = this.environment.toUpperCase();
    const context: TransportErrorContext = { api: resolved.api };
    const needBasic = (): BasicCredentials => {
      if (!this.basic) {
        throw new CredentialsMissingError(
          `API "${resolved.api}" needs the DevApp credentials: set CONNECTPAY_${env}_CLIENT_ID and CONNECTPAY_${env}_CLIENT_SECRET_FILE.`,
          context,
        );
      }
      return this.basic;
    };
    const mtls = mtlsStrategy(() => this.dispatchers.identity !== undefined, this.environment);
    let strategies: AuthStrategy[];
    switch (resolved.scheme) {
      case 'mtls':
        strategies = [mtls];
        break;
      case 'mtls+basic':
        strategies = [mtls, basicStrategy(needBasic())];
        break;
      case 'mtls+bearer': {
        const oauth = this.oauth;
        if (!oauth) {
          throw new CredentialsMissingError(
            `API "${resolved.api}" needs OAuth tokens: give the client a token store and encryption key.`,
            context,
          );
        }
        strategies = [mtls, bearerStrategy(() => oauth.getAccessToken())];
        break;
      }
      case 'basic+rsa-signature': {
        if (!this.options.merchant) {
          throw new CredentialsMissingError(
            `API "${resolved.api}" is a merchant API: set CONNECTPAY_${env}_MERCHANT_KEY_FILE to the RSA key registered with ConnectPay.`,
            context,
          );
        }
        strategies = [rsaSignatureStrategy(needBasic(), this.options.merchant)];
        break;
      }
      case 'baas-sca-partner':
        strategies = [baasScaPartnerStrategy(needBasic())];
        break;
      case 'baas-sca-user':
        // The credential is a BaaS-SCA user's own 5-minute token plus that user's IP, per call; this
        // client holds only the DevApp's credentials.
        throw new TransportMisuseError(
          `API "${resolved.api}" is a BaaS-SCA client path: it needs the user's own Bearer token and IP, which this client does not carry yet.`,
          context,
        );
      case 'browser':
        throw new TransportMisuseError(`API "${resolved.api}" cannot be called server-side.`, context);
    }
    this.strategyCache.set(resolved.scheme, strategies);
    return strategies;
  }

  private async attempt<T>(
    resolved: ResolvedApi,
    prepared: ReturnType<ConnectPayClient['prepare']>,
    strategies: readonly AuthStrategy[],
    requestId: string,
    deadline: number,
    budgetMs: number,
    cancel: CallCancellation | undefined,
    presented: PresentedLeaf,
  ): Promise<Omit<ProviderResponse<T>, 'attempts'>> {
    const outgoing: OutgoingRequest = { ...prepared, headers: { ...prepared.headers } };
    for (const strategy of strategies) {
      // Only the bearer and signature strategies are asynchronous; awaiting a synchronous one would
      // add a microtask turn to every Basic and mTLS call.
      const applying = strategy.apply(outgoing);
      if (applying) await applying;
    }
    const context: TransportErrorContext = { api: resolved.api, requestId, origin: resolved.origin };
    if (this.dispatchers.isClosed)
      throw new TransportError('TRANSPORT_CLOSED', 'The ConnectPay client is closed.', context);
    const exchange = new Exchange(
      this.maxResponseBytes,
      () =>
        new TransportError(
          'TRANSPORT_INVALID_RESPONSE',
          `ConnectPay's answer is larger than ${this.maxResponseBytes} bytes; it was not read.`,
          context,
        ),
    );
    const timer = setTimeout(
      () => exchange.cancel(new TransportTimeoutError(exchange.phase, context, undefined, budgetMs)),
      Math.max(0, deadline - performance.now()),
    );
    const unsubscribe = cancel?.subscribe(() => exchange.cancel(new CallCancelledError(exchange.phase, context)));
    // Take the dispatcher right before dispatching, after every await: a credential swap in between
    // must not hand this call a pool that is already closing.
    const dispatcher: Dispatcher = this.dispatchers.get(resolved.hostKind) ?? getGlobalDispatcher();
    // The identity this attempt presents is the one of the pool it is dispatched on, even when a
    // rotation swaps the identity while it is in flight.
    const identity = resolved.hostKind === 'mtls' ? this.dispatchers.identity : undefined;
    presented.fingerprint = identity?.leafFingerprint;
    let answer: { status: number; headers: Record<string, string>; text: string };
    try {
      dispatcher.dispatch(
        {
          origin: resolved.origin,
          path: resolved.url.slice(resolved.origin.length) || '/',
          method: resolved.method,
          headers: outgoing.headers,
          ...(outgoing.body !== undefined ? { body: outgoing.body } : {}),
        },
        exchange,
      );
      answer = await exchange.done;
    } catch (error) {
      if (error instanceof TransportError) throw error;
      const shown = resolved.hostKind === 'mtls' ? (identity ?? null) : undefined;
      const accepted = shown ? this.acceptedIdentities.has(`${context.origin}|${shown.leafFingerprint}`) : false;
      throw mapConnectionError(error, resolved.hostKind, context, shown, new Date(), accepted);
    } finally {
      clearTimeout(timer);
      unsubscribe?.();
    }
    if (identity) this.acceptedIdentities.add(`${context.origin}|${identity.leafFingerprint}`);
    const { headers } = answer;
    const body = parseBody(answer.text, headers['content-type'], context);
    if (answer.status >= 400) throw new ProviderHttpError(answer.status, body, context);
    return { api: resolved.api, status: answer.status, headers, body: body as T, requestId };
  }

  private async tokenEndpoint(form: Record<string, string>): Promise<TokenEndpointResponse> {
    const response = await this.call<TokenEndpointResponse>('oauth.token', { body: form });
    return response.body;
  }

  private report(
    api: string,
    requestId: string,
    status: number | undefined,
    errorCode: string | undefined,
    started: number,
    attempts: number,
    clientCertificate: string | undefined,
    error?: TransportError,
  ): void {
    const durationMs = performance.now() - started;
    if (this.options.onCall || this.callListeners.size > 0) {
      const event: CallEvent = {
        api,
        requestId,
        status,
        errorCode,
        durationMs,
        attempts,
        ...(clientCertificate ? { clientCertificate } : {}),
        ...(error ? { error } : {}),
      };
      this.options.onCall?.(event);
      for (const listener of this.callListeners) {
        // An observer's bug must not turn a call that succeeded into a failure.
        try {
          listener(event);
        } catch (listenerError) {
          this.options.logger?.warn({ api, requestId, error: String(listenerError) }, 'a call listener threw');
        }
      }
    }
    const fields = { api, requestId, status, code: errorCode, attempts, durationMs: Math.round(durationMs) };
    if (errorCode) this.options.logger?.warn(fields, 'connectpay call failed');
    else this.options.logger?.debug(fields, 'connectpay call');
  }
}

/** Filled by the attempt that dispatches: the leaf it presented. */
interface PresentedLeaf {
  fingerprint: string | undefined;
}

export function createConnectPayClient(options: ConnectPayClientOptions): ConnectPayClient {
  return new ConnectPayClient(options);
}

function encodeBody(resolved: ResolvedApi, body: unknown, requestId: string): string | undefined {
  if (body === undefined || body === null) return undefined;
  const context = { api: resolved.api, requestId };
  if (resolved.method === 'GET')
    throw new TransportMisuseError(`API "${resolved.api}" is a GET and takes no body.`, context);
  if (resolved.definition.requestBody === 'form') {
    if (typeof body !== 'object')
      throw new TransportMisuseError(`API "${resolved.api}" takes form fields as an object.`, context);
    return new URLSearchParams(
      Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, String(v)] as [string, string]),
    ).toString();
  }
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function parseBody(text: string, contentType: string | undefined, context: TransportErrorContext): unknown {
  if (text === '') return undefined;
  if (contentType && /\bjson\b/i.test(contentType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new TransportError('TRANSPORT_INVALID_RESPONSE', 'ConnectPay answered with malformed JSON.', context);
    }
  }
  return text;
}

/** Resolves true after `ms`, or false as soon as the call is cancelled. */
function sleep(ms: number, cancel: CallCancellation | undefined): Promise<boolean> {
  return new Promise((resolveSleep) => {
    if (cancel?.cancelled) {
      resolveSleep(false);
      return;
    }
    const unsubscribe = cancel?.subscribe(() => {
      clearTimeout(timer);
      resolveSleep(false);
    });
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolveSleep(true);
    }, ms);
  });
}

/** The call's `signal` and `cancellation` as one: either cancels it. */
function cancellationOf(input: CallInput): CallCancellation | undefined {
  const { signal, cancellation } = input;
  if (!signal) return cancellation;
  const fromSignal: CallCancellation = {
    get cancelled() {
      return signal.aborted;
    },
    subscribe(listener) {
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
  if (!cancellation) return fromSignal;
  return {
    get cancelled() {
      return signal.aborted || cancellation.cancelled;
    },
    subscribe(listener) {
      let fired = false;
      const once = (): void => {
        if (fired) return;
        fired = true;
        listener();
      };
      const stops = [fromSignal.subscribe(once), cancellation.subscribe(once)];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
