import { randomUUID } from 'node:crypto';
import { type BaseUrls, type Environment, resolve } from '@connectpay-kit/hosts';
import { TransportMisuseError } from '../errors.js';

/** PSD2 scopes of the Get authCode flow (docs:/guides/get-started/generate-authcode-via-api-psd2-flow). */
export const PSD2_AUTH_SCOPES = ['psd2-ais', 'psd2-pis'] as const;
export type Psd2AuthScope = (typeof PSD2_AUTH_SCOPES)[number];

/** The `flowId` value of the PSD2 Get authCode flow. */
export const PSD2_AUTH_FLOW_ID = 'GetPSD2AuthCode';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A `nonce` as ConnectPay requires it: "a unique GUIDv4". */
export function newAuthorizeNonce(): string {
  return randomUUID();
}

export function isGuidV4(value: unknown): value is string {
  return typeof value === 'string' && GUID_V4.test(value);
}

export interface AuthorizeUrlInput {
  readonly environment: Environment;
  readonly baseUrls?: Partial<BaseUrls>;
  readonly clientId: string;
  /** One scope or several (sent space-separated). PSD2 and ConnectPay proprietary scopes cannot mix. */
  readonly scope: string | readonly string[];
  readonly redirectUrl: string;
  readonly state: string;
  /** A GUIDv4 (`newAuthorizeNonce()`); anything else is refused before a person is sent anywhere. */
  readonly nonce: string;
}

/**
 * The provider's Get authCode URL (catalog entry `oauth.authorize`, one-way host): `client_id`,
 * `flowId=GetPSD2AuthCode`, `scope`, `state`, `nonce`, `redirect_url` and `response_type=code`.
 * Refuses, with `TRANSPORT_MISUSE`, what ConnectPay would refuse after the person already left:
 * a nonce that is not a GUIDv4, a redirect URL with a query (the provider forbids one), and PSD2
 * scopes mixed with proprietary ones.
 */
export function authorizeUrl(input: AuthorizeUrlInput): string {
  const context = { api: 'oauth.authorize' };
  if (!isGuidV4(input.nonce)) {
    throw new TransportMisuseError(
      'The authorize nonce must be a GUIDv4 (e.g. from newAuthorizeNonce()); ConnectPay refuses any other form.',
      context,
    );
  }
  if (input.clientId === '') throw new TransportMisuseError('The authorize URL needs the DevApp client_id.', context);
  if (input.state === '') throw new TransportMisuseError('The authorize URL needs a state.', context);
  const redirectUrl = checkRedirectUrl(input.redirectUrl, input.environment);
  const scopes = (typeof input.scope === 'string' ? input.scope.split(' ') : [...input.scope]).filter((s) => s !== '');
  if (scopes.length === 0) throw new TransportMisuseError('The authorize URL needs at least one scope.', context);
  const psd2 = scopes.filter((scope) => scope.startsWith('psd2-'));
  if (psd2.length > 0 && psd2.length < scopes.length) {
    throw new TransportMisuseError(
      `PSD2 scopes (${psd2.join(', ')}) cannot be requested together with ConnectPay proprietary scopes ` +
        `(${scopes.filter((scope) => !scope.startsWith('psd2-')).join(', ')}): ConnectPay answers such a request with an error. Start one flow per kind.`,
      context,
    );
  }
  return resolve('oauth.authorize', input.environment, {
    ...(input.baseUrls ? { baseUrls: input.baseUrls } : {}),
    query: {
      client_id: input.clientId,
      flowId: PSD2_AUTH_FLOW_ID,
      scope: scopes.join(' '),
      state: input.state,
      nonce: input.nonce,
      redirect_url: redirectUrl,
      response_type: 'code',
    },
  }).url;
}

/**
 * The `redirect_url` ConnectPay accepts: absolute, https (http only in `local`, where the sandbox
 * stands in), no credentials, no fragment and no query ("may not contain query parameters"; the path
 * is free). Returns it as given, so it matches the callback registered in the DevApp byte for byte.
 */
export function checkRedirectUrl(redirectUrl: string, environment: Environment): string {
  const context = { api: 'oauth.authorize' };
  let url: URL;
  try {
    url = new URL(redirectUrl);
  } catch {
    throw new TransportMisuseError(
      'The redirect_url is not an absolute URL (e.g. https://hooks.shop.example/auth/callback).',
      context,
    );
  }
  const schemes = environment === 'local' ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new TransportMisuseError('The redirect_url must use https: ConnectPay redirects only to https.', context);
  }
  if (url.search !== '' || redirectUrl.includes('?')) {
    throw new TransportMisuseError(
      'The redirect_url must not carry a query: ConnectPay does not allow query parameters in it (the path is free). ' +
        'Keep per-flow data server-side under the state instead.',
      context,
    );
  }
  if (url.hash !== '' || redirectUrl.includes('#') || url.username !== '' || url.password !== '') {
    throw new TransportMisuseError('The redirect_url must not carry a fragment or credentials.', context);
  }
  return redirectUrl;
}
