import type { IncomingMessage, ServerResponse } from 'node:http';
import { isGuidV4, PSD2_AUTH_FLOW_ID } from '@connectpay-kit/transport';
import { HttpProblem, parseJson, requireBasic, requireBearer, sendJson } from '../http.js';
import type { SandboxState } from '../state.js';
import type { FamilyContext, SandboxFamily } from './types.js';

export interface OAuthFamily extends SandboxFamily {
  /** Codes and token pairs (rotating refresh tokens), and the token endpoint's call counts. */
  readonly state: SandboxState;
}

// A nonce is "a unique GUIDv4": the sandbox refuses one it has already seen. Bounded, oldest out.
const NONCE_MEMORY = 10_000;

// client_customer_name as ConnectPay answers it: masked (dev:/access-tokens shows "Mo********co").
const CUSTOMER_NAME = 'Lo********ox';

/**
 * OAuth and the Person-data APIs behind it, as ConnectPay documents them (dev:/access-tokens,
 * docs:/guides/get-started/generate-authcode-via-api-psd2-flow): the Get authCode redirect checks
 * client_id, flowId, a GUIDv4 nonce never used before, the scopes, and a redirect_url without a query;
 * the token endpoint answers with `refresh_token_expires_in` as a string and a masked
 * `client_customer_name`, and every refresh rotates both tokens (the old refresh token dies on use).
 */
export function oauthFamily(context: FamilyContext, state: SandboxState): OAuthFamily {
  const { options } = context;
  const nonces = new Set<string>();

  const requireAccessToken = (request: IncomingMessage): void => {
    if (!state.checkAccessToken(requireBearer(request))) {
      throw new HttpProblem(401, 'invalid_token', 'The access token is unknown or expired.');
    }
  };
  const tokenResponse = (tokens: ReturnType<SandboxState['issueTokens']>) => ({
    ...tokens,
    // The provider's example sends this one as a string ("2592000") and expires_in as a number.
    refresh_token_expires_in: String(tokens.refresh_token_expires_in),
    client_customer_name: CUSTOMER_NAME,
  });

  return {
    name: 'oauth',
    state,
    handlers: {
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
          return sendJson(response, 200, tokenResponse(state.issueTokens(code.scope)));
        }
        if (grant === 'refresh_token') {
          state.tokenCalls.refresh_token += 1;
          const tokens = state.rotate(form.get('refresh_token') ?? '');
          if (!tokens) throw new HttpProblem(400, 'invalid_grant', 'The refresh token is unknown, rotated or expired.');
          return sendJson(response, 200, tokenResponse(tokens));
        }
        throw new HttpProblem(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token.');
      },
      'oauth.authorize': (request, response) => {
        const query = new URL(request.url ?? '/', 'https://sandbox').searchParams;
        const missing = ['client_id', 'flowId', 'nonce', 'scope', 'state', 'redirect_url', 'response_type'].filter(
          (name) => !query.get(name),
        );
        if (missing.length > 0) {
          throw new HttpProblem(400, 'invalid_request', `Missing query parameters: ${missing.join(', ')}.`);
        }
        if (query.get('client_id') !== options.clientId) {
          throw new HttpProblem(400, 'invalid_client', 'Unknown client_id.');
        }
        if (query.get('flowId') !== PSD2_AUTH_FLOW_ID) {
          throw new HttpProblem(400, 'invalid_request', `flowId must be ${PSD2_AUTH_FLOW_ID}.`);
        }
        if (query.get('response_type') !== 'code') {
          throw new HttpProblem(400, 'unsupported_response_type', 'Use response_type=code.');
        }
        const nonce = query.get('nonce') as string;
        if (!isGuidV4(nonce)) {
          throw new HttpProblem(
            400,
            'invalid_request',
            'nonce must be a GUIDv4 (e.g. 3b241101-e2bb-4255-8caf-4136c566a962).',
          );
        }
        if (nonces.has(nonce))
          throw new HttpProblem(400, 'invalid_request', 'nonce was already used: send a new GUIDv4.');
        const scopes = (query.get('scope') as string).split(' ').filter((scope) => scope !== '');
        const psd2 = scopes.filter((scope) => scope.startsWith('psd2-'));
        if (psd2.length > 0 && psd2.length < scopes.length) {
          throw new HttpProblem(400, 'invalid_scope', 'PSD2 and ConnectPay proprietary scopes cannot be mixed.');
        }
        const redirectUrl = query.get('redirect_url') as string;
        let redirect: URL;
        try {
          redirect = new URL(redirectUrl);
        } catch {
          throw new HttpProblem(400, 'invalid_request', 'redirect_url is not an absolute URL.');
        }
        if (redirect.search || redirectUrl.includes('?')) {
          throw new HttpProblem(400, 'invalid_request', 'redirect_url must not carry a query string.');
        }
        nonces.add(nonce);
        if (nonces.size > NONCE_MEMORY) nonces.delete(nonces.values().next().value as string);
        const code = state.issueCode(redirect.toString(), scopes.join(' '));
        redirect.searchParams.set('code', code);
        redirect.searchParams.set('state', query.get('state') as string);
        response.writeHead(302, { location: redirect.toString() });
        response.end();
      },
      'accounts.list': (request, response) => {
        requireAccessToken(request);
        sendJson(response, 200, { accounts: ACCOUNTS.map(({ transactions: _t, ...account }) => account) });
      },
      'accounts.get': (request, response, match) => {
        requireAccessToken(request);
        const { transactions: _t, ...account } = findAccount(match.params['accountId']);
        sendJson(response, 200, { account });
      },
      'accounts.transactions': (request, response, match) => {
        requireAccessToken(request);
        sendJson(response, 200, { transactions: findAccount(match.params['accountId']).transactions });
      },
    },
    // What a person does in Online Banking (Settings → API → "+ Generate AuthCode").
    control(request: IncomingMessage, response: ServerResponse, pathname: string, body: string): boolean {
      if (request.method !== 'POST' || pathname !== '/sandbox/v1/auth-codes') return false;
      const input = (body ? parseJson(body) : {}) as { redirectUrl?: unknown; scope?: unknown };
      const redirectUrl = typeof input.redirectUrl === 'string' ? input.redirectUrl : 'https://127.0.0.1/callback';
      const code = state.issueCode(redirectUrl, typeof input.scope === 'string' ? input.scope : 'psd2-ais');
      sendJson(response, 201, { code, redirectUrl, expiresIn: 86_400 });
      return true;
    },
  };
}

const ACCOUNTS = [
  sampleAccount('acc-1', 'LT601010012345678901'),
  sampleAccount('acc-2', 'LT601010012345678902'),
] as const;

function sampleAccount(id: string, iban: string) {
  return {
    accountId: id,
    iban,
    currency: 'EUR',
    status: 'Active',
    name: 'Sandbox current account',
    balance: { amount: '1024.00', currency: 'EUR' },
    // Captured entries only, as Get Account Transactions returns them.
    transactions: [
      {
        transactionId: `${id}-tx-1`,
        bookingDate: '2026-12-01',
        amount: { amount: '-9.00', currency: 'EUR' },
        remittanceInformationUnstructured: 'Sandbox card payment',
      },
      {
        transactionId: `${id}-tx-2`,
        bookingDate: '2026-12-02',
        amount: { amount: '1033.00', currency: 'EUR' },
        remittanceInformationUnstructured: 'Sandbox salary',
      },
    ],
  };
}

function findAccount(id: string | undefined) {
  const account = ACCOUNTS.find((candidate) => candidate.accountId === id);
  if (!account) throw new HttpProblem(404, 'not_found', `Account ${id ?? ''} does not exist.`);
  return account;
}
