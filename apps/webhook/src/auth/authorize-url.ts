import { randomBytes } from 'node:crypto';
import { type BaseUrls, type Environment, resolve } from '@connectpay-kit/hosts';

export const PSD2_SCOPES = ['psd2-ais', 'psd2-pis'] as const;
export type Psd2Scope = (typeof PSD2_SCOPES)[number];

/** How long a started redirect may take to come back (the provider's code itself lives 24 h). */
export const AUTH_STATE_TTL_MS = 10 * 60_000;

export interface AuthorizeRequest {
  readonly state: string;
  readonly nonce: string;
  readonly url: string;
}

/** Unguessable, URL-safe: 256 bits for the state (it guards the callback), 128 for the nonce. */
export function newStateAndNonce(): { state: string; nonce: string } {
  return { state: randomBytes(32).toString('base64url'), nonce: randomBytes(16).toString('base64url') };
}

/**
 * The provider's PSD2 auth-code URL (catalog entry `oauth.authorize`, one-way host): `client_id`,
 * `flowId=GetPSD2AuthCode`, `scope`, `state`, `nonce`, `redirect_url` (without query, as registered
 * in the DevApp) and `response_type=code`.
 */
export function authorizeUrl(input: {
  environment: Environment;
  baseUrls: BaseUrls;
  clientId: string;
  scope: Psd2Scope;
  redirectUrl: string;
  state: string;
  nonce: string;
}): string {
  return resolve('oauth.authorize', input.environment, {
    baseUrls: input.baseUrls,
    query: {
      client_id: input.clientId,
      flowId: 'GetPSD2AuthCode',
      scope: input.scope,
      state: input.state,
      nonce: input.nonce,
      redirect_url: input.redirectUrl,
      response_type: 'code',
    },
  }).url;
}
