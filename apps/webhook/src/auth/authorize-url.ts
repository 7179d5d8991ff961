import { randomBytes } from 'node:crypto';
import { type BaseUrls, type Environment } from '@connectpay-kit/hosts';
import { authorizeUrl as providerAuthorizeUrl, newAuthorizeNonce, PSD2_AUTH_SCOPES } from '@connectpay-kit/transport';

export const PSD2_SCOPES = PSD2_AUTH_SCOPES;
export type Psd2Scope = (typeof PSD2_SCOPES)[number];

/** How long a started redirect may take to come back (the provider's code itself lives 24 h). */
export const AUTH_STATE_TTL_MS = 10 * 60_000;

/**
 * The state guards the callback, so it is ours and unguessable (256 bits, URL-safe); the nonce is
 * the GUIDv4 ConnectPay requires.
 */
export function newStateAndNonce(): { state: string; nonce: string } {
  return { state: randomBytes(32).toString('base64url'), nonce: newAuthorizeNonce() };
}

/**
 * The provider's PSD2 auth-code URL, built by transport's `authorizeUrl`: it refuses a nonce that is
 * not a GUIDv4 and a redirect URL with a query (`TRANSPORT_MISUSE`), which ConnectPay would refuse
 * after the person already left.
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
  return providerAuthorizeUrl(input);
}
