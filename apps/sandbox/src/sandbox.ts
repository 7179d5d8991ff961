import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SANDBOX_DEFAULT_PORTS } from '@connectpay-kit/config';
import type { HostKind } from '@connectpay-kit/hosts';
import { type MerchantSignatureOptions, verifyMerchantSignature } from '@connectpay-kit/transport';
import { HttpProblem, parseJson, readBody, requireBasic, requireBearer, sendError, sendJson } from './http.js';
import { type CallbackDisorder, createFamilies, type Families, familyList, type Handler } from './families/index.js';
import { matchApi, type RouteMatch } from './routes.js';
import { SandboxState, type TokenLifetimes } from './state.js';
import { WebhookSender, type WebhookTarget } from './webhooks.js';

export interface ServerIdentity {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface SandboxOptions {
  readonly host?: string;
  /** Default: `SANDBOX_DEFAULT_PORTS` of @connectpay-kit/config. 0 picks a free port (tests). */
  readonly mtlsPort?: number;
  readonly onewayPort?: number;
  /** Trust anchor for client certificates: only chains from this CA pass the mTLS handshake. */
  readonly clientCaPem: string;
  /** CA the webhook receiver's https certificate chains to, when it uses https. */
  readonly webhookCaPem?: string;
  readonly mtlsServer: ServerIdentity;
  readonly onewayServer: ServerIdentity;
  readonly merchantPublicKeyPem: string;
  /**
   * How X-Signature is verified: must match what the gateway signs with. main.ts fills it from
   * CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_*; default transport's DEFAULT_MERCHANT_SIGNATURE.
   */
  readonly merchantSignature?: MerchantSignatureOptions;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly webhook?: WebhookTarget;
  readonly webhookRetryDelaysMs?: readonly number[];
  readonly tokenLifetimes?: Partial<TokenLifetimes>;
  /**
   * The one-way host's address as browsers and callers reach it, for payment redirect URLs. Default:
   * the listen address, which is wrong when the sandbox listens on 0.0.0.0 in a container.
   */
  readonly publicOnewayUrl?: string;
  /**
   * Moves each merchant payment one step (PendingMerchant -> InProgress -> Processing -> PendingProvider
   * -> outcome) on this cadence, as stage does while the payer goes through the widget; off by default.
   */
  readonly autoAdvanceMs?: number;
  /** Sends each payment callback duplicated and out of order (families/merchant-payments.ts); off by default. */
  readonly callbackDisorder?: CallbackDisorder;
  readonly log?: (line: Record<string, unknown>) => void;
}

export interface RunningSandbox {
  readonly mtlsUrl: string;
  readonly onewayUrl: string;
  readonly state: SandboxState;
  readonly webhooks: WebhookSender;
  /** Merchant payments: their state (`payments.state`), progression and callbacks. */
  readonly payments: Families['merchantPayments'];
  close(): Promise<void>;
}

const HOST_NAMES: Record<HostKind, string> = { mtls: 'two-way (mTLS)', oneway: 'one-way TLS' };

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const state = new SandboxState({
    accessSeconds: options.tokenLifetimes?.accessSeconds ?? 3600,
    refreshSeconds: options.tokenLifetimes?.refreshSeconds ?? 30 * 24 * 3600,
  });
  const webhooks = new WebhookSender(
    options.webhook,
    options.webhookCaPem ?? options.clientCaPem,
    options.webhookRetryDelaysMs,
  );
  const merchantKey: KeyObject = createPublicKey(options.merchantPublicKeyPem);
  const log = options.log ?? (() => undefined);
  // Base of the payment pages a redirectUrl points at; set once the one-way port is known.
  let paymentPageBase = '';

  const verifySignature = (request: IncomingMessage, body: string) => {
    const signature = request.headers['x-signature'];
    if (typeof signature !== 'string' || signature === '') {
      throw new HttpProblem(401, 'invalid_signature', 'The X-Signature header is required on every merchant API call.');
    }
    const url = `https://${request.headers.host ?? ''}${request.url ?? ''}`;
    if (
      !verifyMerchantSignature(
        { method: request.method ?? 'GET', url, body },
        signature,
        merchantKey,
        options.merchantSignature,
      )
    ) {
      throw new HttpProblem(
        401,
        'invalid_signature',
        'X-Signature does not verify with the registered public key over the method, URL and body of this request.',
      );
    }
  };

  const families = createFamilies({
    options,
    webhooks,
    log,
    requireMerchantAuth: (request, body) => {
      requireBasic(request, options.clientId, options.clientSecret);
      verifySignature(request, body);
    },
    publicOnewayUrl: () => paymentPageBase,
  });

  const handlers: Partial<Record<RouteMatch['api'], Handler>> = {
    'oauth.token': (request, response, _match, body) => {
      requireBasic(request, options.clientId, options.clientSecret);
      if (!/^application\/x-www-form-urlencoded\b/.test(request.headers['content-type'] ?? '')) {
        throw new HttpProblem(
          400,
          'invalid_request',
          'The token endpoint takes an application/x-www-form-urlencoded body.',
        );
      }
      const form = new URLSearchParams(body);
      const grant = form.get('grant_type');
      if (grant === 'authorization_code') {
        state.tokenCalls.authorization_code += 1;
        const code = state.takeCode(form.get('code') ?? '', form.get('redirect_uri') ?? undefined);
        if (!code) throw new HttpProblem(400, 'invalid_grant', 'The authorization code is unknown, used or expired.');
        return sendJson(response, 200, state.issueTokens(code.scope));
      }
      if (grant === 'refresh_token') {
        state.tokenCalls.refresh_token += 1;
        const tokens = state.rotate(form.get('refresh_token') ?? '');
        if (!tokens) throw new HttpProblem(400, 'invalid_grant', 'The refresh token is unknown, rotated or expired.');
        return sendJson(response, 200, tokens);
      }
      throw new HttpProblem(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
    },
    'accounts.list': (request, response) => {
      requireAccessToken(request);
      sendJson(response, 200, {
        accounts: [sampleAccount('acc-1', 'LT601010012345678901'), sampleAccount('acc-2', 'LT601010012345678902')],
      });
    },
    'accounts.get': (request, response, match) => {
      requireAccessToken(request);
      const id = match.params['accountId'] ?? '';
      if (!['acc-1', 'acc-2'].includes(id)) throw new HttpProblem(404, 'not_found', `Account ${id} does not exist.`);
      sendJson(response, 200, { account: sampleAccount(id, `LT60101001234567890${id.slice(-1)}`) });
    },
    'reference.currencies': (request, response) => {
      requireBasic(request, options.clientId, options.clientSecret);
      sendJson(response, 200, { currencies: ['EUR', 'GBP', 'PLN', 'SEK', 'DKK', 'NOK'] });
    },
    'oauth.authorize': (request, response) => {
      const query = new URL(request.url ?? '/', 'https://sandbox').searchParams;
      const missing = ['client_id', 'flowId', 'nonce', 'scope', 'state', 'redirect_url', 'response_type'].filter(
        (name) => !query.get(name),
      );
      if (missing.length > 0)
        throw new HttpProblem(400, 'invalid_request', `Missing query parameters: ${missing.join(', ')}.`);
      if (query.get('client_id') !== options.clientId)
        throw new HttpProblem(400, 'invalid_client', 'Unknown client_id.');
      if (query.get('response_type') !== 'code')
        throw new HttpProblem(400, 'unsupported_response_type', 'Use response_type=code.');
      const redirect = new URL(query.get('redirect_url') as string);
      if (redirect.search) throw new HttpProblem(400, 'invalid_request', 'redirect_url must not carry a query string.');
      const code = state.issueCode(redirect.toString(), query.get('scope') as string);
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', query.get('state') as string);
      response.writeHead(302, { location: redirect.toString() });
      response.end();
    },
  };
  for (const family of familyList(families)) Object.assign(handlers, family.handlers);

  function requireAccessToken(request: IncomingMessage): void {
    if (!state.checkAccessToken(requireBearer(request))) {
      throw new HttpProblem(401, 'invalid_token', 'The access token is unknown or expired.');
    }
  }

  // Sandbox-only controls, on the one-way host: what a person would do in the provider's portal.
  async function control(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    body: string,
  ): Promise<boolean> {
    if (request.method === 'POST' && pathname === '/sandbox/v1/auth-codes') {
      const input = (body ? parseJson(body) : {}) as { redirectUrl?: unknown; scope?: unknown };
      const redirectUrl = typeof input.redirectUrl === 'string' ? input.redirectUrl : 'https://127.0.0.1/callback';
      const code = state.issueCode(redirectUrl, typeof input.scope === 'string' ? input.scope : 'psd2-ais');
      sendJson(response, 201, { code, redirectUrl, expiresIn: 86_400 });
      return true;
    }
    if (request.method === 'GET' && pathname === '/sandbox/v1/webhook-deliveries') {
      await webhooks.settled();
      sendJson(response, 200, { deliveries: webhooks.deliveries });
      return true;
    }
    for (const family of familyList(families)) {
      if (await family.control?.(request, response, pathname, body)) return true;
    }
    return false;
  }

  const listener = (kind: HostKind) => async (request: IncomingMessage, response: ServerResponse) => {
    const requestId = typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : undefined;
    const pathname = new URL(request.url ?? '/', 'https://sandbox').pathname;
    try {
      const body = await readBody(request);
      const match = matchApi(request.method ?? 'GET', pathname);
      if (match && match.definition.hostKind !== kind) {
        throw new HttpProblem(
          403,
          'wrong_host',
          `${match.api} is served on the ${HOST_NAMES[match.definition.hostKind]} host, not the ${HOST_NAMES[kind]} host: ` +
            'one-way and two-way APIs are mutually exclusive.',
        );
      }
      const handler = match ? handlers[match.api] : undefined;
      if (!match && request.method === 'GET' && pathname === '/sandbox/v1/health') {
        // On both hosts, so an orchestrator can probe each listener; on the mTLS host it still
        // takes a client certificate from the dev CA, as every request there does.
        sendJson(response, 200, { status: 'ok', host: kind });
      } else if (match && handler) {
        await handler(request, response, match, body);
      } else if (!(kind === 'oneway' && (await control(request, response, pathname, body)))) {
        throw new HttpProblem(404, 'not_found', `No API at ${request.method ?? ''} ${pathname} on this host.`);
      }
      log({ host: kind, method: request.method, path: pathname, status: response.statusCode, requestId });
    } catch (error) {
      const problem =
        error instanceof HttpProblem
          ? error
          : new HttpProblem(500, 'server_error', 'The sandbox failed on this request.');
      if (!(error instanceof HttpProblem)) log({ host: kind, path: pathname, error: String(error) });
      if (!response.headersSent) sendError(response, problem, requestId);
      else response.destroy();
      log({
        host: kind,
        method: request.method,
        path: pathname,
        status: problem.status,
        error: problem.error,
        requestId,
      });
    }
  };

  const mtlsServer = createServer(
    {
      cert: options.mtlsServer.certPem,
      key: options.mtlsServer.keyPem,
      ca: options.clientCaPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (request, response) => void listener('mtls')(request, response),
  );
  const onewayServer = createServer(
    { cert: options.onewayServer.certPem, key: options.onewayServer.keyPem, minVersion: 'TLSv1.2' },
    (request, response) => void listener('oneway')(request, response),
  );

  const mtlsPort = await listen(mtlsServer, host, options.mtlsPort ?? SANDBOX_DEFAULT_PORTS.mtls);
  const onewayPort = await listen(onewayServer, host, options.onewayPort ?? SANDBOX_DEFAULT_PORTS.oneway);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const listenOnewayUrl = `https://${urlHost}:${onewayPort}`;
  paymentPageBase = options.publicOnewayUrl?.replace(/\/+$/, '') ?? listenOnewayUrl;

  return {
    mtlsUrl: `https://${urlHost}:${mtlsPort}`,
    onewayUrl: listenOnewayUrl,
    state,
    webhooks,
    payments: families.merchantPayments,
    async close() {
      for (const family of familyList(families)) await family.close?.();
      await Promise.all([close(mtlsServer), close(onewayServer)]);
      await webhooks.close();
    },
  };
}

function sampleAccount(id: string, iban: string) {
  return {
    accountId: id,
    iban,
    currency: 'EUR',
    name: 'Sandbox current account',
    balance: { amount: '1024.00', currency: 'EUR' },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
