import type { HostKind } from './environments.js';

/**
 * How a call authenticates. Every scheme belongs to exactly one host kind: the provider serves
 * cert-protected APIs only on its mTLS hosts and the rest only on its one-way hosts.
 *
 * - `mtls`: the client certificate chain alone.
 * - `mtls+basic`: client certificate plus `Authorization: Basic base64(ClientId:ClientSecret)`, for
 *   server-to-server APIs without Person data and for the OAuth token endpoint.
 * - `mtls+bearer`: client certificate plus an OAuth access token, for Person-data APIs.
 * - `basic+rsa-signature`: merchant API v2 on the one-way host: Basic plus an RSA `X-Signature`.
 * - `browser`: a page the user's browser is sent to (the auth-code redirect); never called server-side.
 */
export const SECURITY_SCHEMES = ['mtls', 'mtls+basic', 'mtls+bearer', 'basic+rsa-signature', 'browser'] as const;
export type SecurityScheme = (typeof SECURITY_SCHEMES)[number];

export const SCHEME_HOST_KIND: Readonly<Record<SecurityScheme, HostKind>> = {
  mtls: 'mtls',
  'mtls+basic': 'mtls',
  'mtls+bearer': 'mtls',
  'basic+rsa-signature': 'oneway',
  browser: 'oneway',
};

export function hostKindOfScheme(scheme: SecurityScheme): HostKind {
  return SCHEME_HOST_KIND[scheme];
}

export function isSecurityScheme(value: unknown): value is SecurityScheme {
  return typeof value === 'string' && (SECURITY_SCHEMES as readonly string[]).includes(value);
}
