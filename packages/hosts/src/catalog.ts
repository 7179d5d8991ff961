import type { HostKind } from './environments.js';
import { InvalidCatalogError } from './errors.js';
import { SCHEME_HOST_KIND, type SecurityScheme } from './schemes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiDefinition {
  readonly method: HttpMethod;
  /** Path template; `{name}` segments are filled from `params` and URL-encoded. */
  readonly path: string;
  readonly hostKind: HostKind;
  readonly scheme: SecurityScheme;
  /** Safe to retry after a connection failure. GETs are; a POST only when the provider dedupes it. */
  readonly idempotent: boolean;
  /** Request body encoding, when the API takes a body. */
  readonly requestBody?: 'json' | 'form';
  /** `Accept` header the provider expects, when it versions the API through it. */
  readonly accept?: string;
  /**
   * This API's whole budget per call in ms (connect, retries, headers and body), when it should
   * differ from the caller's default (the gateway's GATEWAY_UPSTREAM_TIMEOUT_MS, 30 s).
   */
  readonly timeoutMs?: number;
  /**
   * `published`: documented by ConnectPay (connectpay-api-notes.md). `example`: the shape of a real
   * API family the provider has but does not publish the path for; implemented by apps/sandbox so
   * every scheme can be exercised. Replace with the API Reference path before using it against stage.
   */
  readonly source: 'published' | 'example';
  readonly summary: string;
}

const MERCHANT_V2_ACCEPT = 'application/json;version=2';

/**
 * Every API the platform may call. The gateway has no other way to reach the provider, so a path
 * that is not here cannot be requested (no open proxy). To add an API see docs in README.md.
 */
export const API_CATALOG = {
  'oauth.token': {
    method: 'POST',
    path: '/auth/v1/oauth2/token',
    hostKind: 'mtls',
    scheme: 'mtls+basic',
    idempotent: false,
    requestBody: 'form',
    source: 'published',
    summary: 'Exchange an authorization code or rotate a refresh token (grant authorization_code | refresh_token).',
  },
  'oauth.authorize': {
    method: 'GET',
    path: '/auth/v1/oauth2/authorize',
    hostKind: 'oneway',
    scheme: 'browser',
    idempotent: true,
    source: 'example',
    summary: 'Browser redirect that lets a person issue an auth code (PSD2 flowId=GetPSD2AuthCode).',
  },
  'merchant.payments.create': {
    method: 'POST',
    path: '/merchant/payments',
    hostKind: 'oneway',
    scheme: 'basic+rsa-signature',
    idempotent: false,
    requestBody: 'json',
    accept: MERCHANT_V2_ACCEPT,
    source: 'published',
    summary: 'Create a merchant payment; answers 201 with payment.paymentId and payment.redirectUrl.',
  },
  'merchant.payments.get': {
    method: 'GET',
    path: '/merchant/payments/{paymentId}',
    hostKind: 'oneway',
    scheme: 'basic+rsa-signature',
    idempotent: true,
    accept: MERCHANT_V2_ACCEPT,
    source: 'published',
    summary: 'Get a merchant payment with its status (e.g. PendingProvider).',
  },
  'baas.merchant.payments.create': {
    method: 'POST',
    path: '/baas/merchant/payments',
    hostKind: 'oneway',
    scheme: 'basic+rsa-signature',
    idempotent: false,
    requestBody: 'json',
    accept: MERCHANT_V2_ACCEPT,
    source: 'published',
    summary: 'Create a BaaS merchant payment.',
  },
  'baas.merchant.payments.get': {
    method: 'GET',
    path: '/baas/merchant/payments/{paymentId}',
    hostKind: 'oneway',
    scheme: 'basic+rsa-signature',
    idempotent: true,
    accept: MERCHANT_V2_ACCEPT,
    source: 'published',
    summary: 'Get a BaaS merchant payment with its status.',
  },
  'accounts.list': {
    method: 'GET',
    path: '/accounts/v1/accounts',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'example',
    summary: "List the consenting Person's accounts (Person data: OAuth access token over mTLS).",
  },
  'accounts.get': {
    method: 'GET',
    path: '/accounts/v1/accounts/{accountId}',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'example',
    summary: 'Get one account of the consenting Person.',
  },
  'reference.currencies': {
    method: 'GET',
    path: '/reference/v1/currencies',
    hostKind: 'mtls',
    scheme: 'mtls+basic',
    idempotent: true,
    source: 'example',
    summary: 'Reference data without Person data (Basic client credentials over mTLS).',
  },
} as const satisfies Record<string, ApiDefinition>;

export type ApiName = keyof typeof API_CATALOG;
export const API_NAMES = Object.keys(API_CATALOG) as ApiName[];

export function isApiName(value: unknown): value is ApiName {
  return typeof value === 'string' && Object.hasOwn(API_CATALOG, value);
}

export function getApi(name: ApiName): ApiDefinition {
  return API_CATALOG[name];
}

/** Names of the `{param}` segments of a path template, in order. */
export function pathParams(path: string): string[] {
  let names = PATH_PARAMS.get(path);
  if (!names) {
    names = [...path.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1] as string);
    // Catalog templates are few and fixed; bounded anyway for callers passing arbitrary strings.
    if (PATH_PARAMS.size < 1000) PATH_PARAMS.set(path, names);
  }
  return [...names];
}

// Every proxied call asks for its template's parameters: parse each template once.
const PATH_PARAMS = new Map<string, readonly string[]>();

/**
 * Checks a catalog for the mistakes that would let a call use the wrong host or credential. Run
 * on the built-in catalog by the tests, and by anyone extending it.
 */
export function validateCatalog(catalog: Readonly<Record<string, ApiDefinition>>): void {
  const problems: string[] = [];
  const routes = new Map<string, string>();
  for (const [name, api] of Object.entries(catalog)) {
    if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(name)) {
      problems.push(`"${name}": names are dotted lower-case words, e.g. "merchant.payments.get".`);
    }
    if (SCHEME_HOST_KIND[api.scheme] !== api.hostKind) {
      problems.push(
        `"${name}": scheme ${api.scheme} runs on the ${SCHEME_HOST_KIND[api.scheme]} host, but the entry says ${api.hostKind}.`,
      );
    }
    if (!api.path.startsWith('/') || api.path.includes('?') || api.path.includes('//')) {
      problems.push(`"${name}": path "${api.path}" must start with "/" and carry no query string.`);
    }
    if (api.method === 'GET' && api.requestBody !== undefined) problems.push(`"${name}": a GET takes no body.`);
    if (api.timeoutMs !== undefined && !(Number.isInteger(api.timeoutMs) && api.timeoutMs >= 100)) {
      problems.push(`"${name}": timeoutMs must be a whole number of milliseconds, at least 100.`);
    }
    const route = `${api.hostKind} ${api.method} ${api.path.replace(/\{[^}]+\}/g, '{}')}`;
    const twin = routes.get(route);
    if (twin) problems.push(`"${name}" and "${twin}" are the same route (${route}).`);
    routes.set(route, name);
  }
  if (problems.length > 0) throw new InvalidCatalogError(`API catalog is invalid:\n- ${problems.join('\n- ')}`);
}
