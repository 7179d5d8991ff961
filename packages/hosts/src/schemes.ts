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
 * - `baas-sca-partner`: BaaS with ConnectPay SCA, partner paths (`/baas-sca/.../partner/...`) on the
 *   one-way host: `x-connectpay-api-key: base64(ClientKey:ClientSecret)`, no client certificate.
 * - `baas-sca-user`: BaaS with ConnectPay SCA, client paths (`/baas-sca/.../client/...`) on the
 *   one-way host: the user's own Bearer token (valid 5 minutes) plus the user's IP address.
 *   (docs:/banking-as-a-service-witch-connectpays-sca-beta/api-authentication-requirements)
 */
export const SECURITY_SCHEMES = [
  'mtls',
  'mtls+basic',
  'mtls+bearer',
  'basic+rsa-signature',
  'browser',
  'baas-sca-partner',
  'baas-sca-user',
] as const;
export type SecurityScheme = (typeof SECURITY_SCHEMES)[number];

export const SCHEME_HOST_KIND: Readonly<Record<SecurityScheme, HostKind>> = {
  mtls: 'mtls',
  'mtls+basic': 'mtls',
  'mtls+bearer': 'mtls',
  'basic+rsa-signature': 'oneway',
  browser: 'oneway',
  'baas-sca-partner': 'oneway',
  'baas-sca-user': 'oneway',
};

export function hostKindOfScheme(scheme: SecurityScheme): HostKind {
  return SCHEME_HOST_KIND[scheme];
}

export function isSecurityScheme(value: unknown): value is SecurityScheme {
  return typeof value === 'string' && (SECURITY_SCHEMES as readonly string[]).includes(value);
}
