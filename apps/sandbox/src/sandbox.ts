import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SANDBOX_DEFAULT_PORTS } from '@connectpay-kit/config';
import type { HostKind } from '@connectpay-kit/hosts';
import { type MerchantSignatureOptions, verifyMerchantSignature } from '@connectpay-kit/transport';
import { HttpProblem, readBody, requireBasic, sendError, sendJson } from './http.js';
import { type CallbackDisorder, createFamilies, type Families, familyList, type Handler } from './families/index.js';
import { matchApi, type RouteMatch } from './routes.js';
import type { SandboxState, TokenLifetimes } from './state.js';
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
  /**
   * CRLs for the client chains, one PEM each (Node checks every level once any is given, so the root's
   * and the intermediate's): a revoked client certificate is then refused in the handshake, as
   * ConnectPay refuses one.
   */
  readonly clientCrlPems?: readonly string[];
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
  /** Explicit retry delays for both webhook kinds, instead of the provider's schedule (webhook-subscriptions.ts). */
  readonly webhookRetryDelaysMs?: readonly number[];
  /**
   * Divides the provider's subscribed-webhook schedule (5 s, 5 s, 30 s, 5 min, 60 min, 24 h and the
   * 10 s answer limit), so tests see all of it in moments; 1 (the default) is stage's timing.
   */
  readonly webhookTimeScale?: number;
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
  /** OAuth: auth codes, rotating token pairs and the token endpoint's call counts (families/oauth.ts). */
  readonly state: SandboxState;
  readonly webhooks: WebhookSender;
  /** Merchant payments: their state (`payments.state`), progression and callbacks. */
  readonly payments: Families['merchantPayments'];
  close(): Promise<void>;
}

const HOST_NAMES: Record<HostKind, string> = { mtls: 'two-way (mTLS)', oneway: 'one-way TLS' };

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1';
  const webhooks = new WebhookSender(options.webhook, options.webhookCaPem ?? options.clientCaPem, {
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
    ...(options.webhookTimeScale !== undefined ? { timeScale: options.webhookTimeScale } : {}),
  });
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
    'reference.currencies': (request, response) => {
      requireBasic(request, options.clientId, options.clientSecret);
      sendJson(response, 200, { currencies: ['EUR', 'GBP', 'PLN', 'SEK', 'DKK', 'NOK'] });
    },
  };
  for (const family of familyList(families)) Object.assign(handlers, family.handlers);

  // Sandbox-only controls, on the one-way host: what a person would do in the provider's portal.
  async function control(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    body: string,
  ): Promise<boolean> {
    if (request.method === 'GET' && pathname === '/sandbox/v1/webhook-deliveries') {
      // Bounded: with the provider's schedule a retry can be a day away; what is known so far is listed.
      await webhooks.settled(5_000);
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
      ...(options.clientCrlPems && options.clientCrlPems.length > 0 ? { crl: [...options.clientCrlPems] } : {}),
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
    state: families.oauth.state,
    webhooks,
    payments: families.merchantPayments,
    async close() {
      for (const family of familyList(families)) await family.close?.();
      await Promise.all([close(mtlsServer), close(onewayServer)]);
      await webhooks.close();
    },
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
