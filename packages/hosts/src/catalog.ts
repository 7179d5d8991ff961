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
   * `published`: the literal path is on one of the `docs` pages. `example`: the provider has the API
   * (see `docs`) but its path was not seen in the public pages; the path here is the family's
   * documented prefix or a stand-in, implemented by apps/sandbox so every scheme can be exercised.
   * Outside local the apps warn about these: replace with the API Reference path before relying on
   * one against stage.
   */
  readonly source: 'published' | 'example';
  /** The provider's pages the entry comes from (docs.connectpay.com / dev.connectpay.com); a published entry has one at least. */
  readonly docs: readonly string[];
  /** OAuth scopes the access token needs, for `mtls+bearer` APIs, as the docs name them. */
  readonly scopes?: readonly string[];
  readonly summary: string;
}

const DOCS = 'https://docs.connectpay.com';
const DEV = 'https://dev.connectpay.com/api-portal/content';

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
    docs: [`${DEV}/access-tokens`],
    summary: 'Exchange an authorization code or rotate a refresh token (grant authorization_code | refresh_token).',
  },
  'oauth.authorize': {
    method: 'GET',
    path: '/auth/v1/oauth2/authorize',
    hostKind: 'oneway',
    scheme: 'browser',
    idempotent: true,
    source: 'example',
    docs: [`${DOCS}/guides/get-started/generate-authcode-via-api-psd2-flow`, `${DEV}/generate-authcode-api`],
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
    docs: [
      `${DOCS}/business-apis/accept-payments/basic-authorization-and-brand-information`,
      `${DOCS}/business-apis/accept-payments/single-merchant-payments/`,
    ],
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
    docs: [`${DEV}/get-payment-details`, `${DOCS}/business-apis/accept-payments/payment-details-for-single-merchants`],
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
    // The BaaS "Initiate Payment API" exists, but its path (and the family's host and auth) was not
    // in the pages seen; this is the Get path without the id.
    source: 'example',
    docs: [`${DOCS}/?p=319`],
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
    docs: [`${DEV}/get-payment-details`],
    summary: 'Get a BaaS merchant payment with its status.',
  },
  // Accounts (scope ob-as): the Get Accounts and Get Account Transactions APIs are documented, their
  // literal paths were not seen; `/ob/` is the open-banking family's prefix (payments, FX).
  'accounts.list': {
    method: 'GET',
    path: '/ob/accounts',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'example',
    docs: [`${DOCS}/business-apis/accounts/`],
    scopes: ['ob-as'],
    summary: "List the consenting Customer's accounts with currency, status and balance (Get Accounts API).",
  },
  'accounts.get': {
    method: 'GET',
    path: '/ob/accounts/{accountId}',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'example',
    docs: [`${DOCS}/business-apis/accounts/`],
    scopes: ['ob-as'],
    summary: 'Get one account of the consenting Customer.',
  },
  'accounts.transactions': {
    method: 'GET',
    path: '/ob/accounts/{accountId}/transactions',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'example',
    docs: [`${DOCS}/business-apis/accounts/`],
    scopes: ['ob-as'],
    summary: "An account's captured transactions (Get Account Transactions API), for statements.",
  },
  // Open-banking payments: the resource links in the initiation response are
  // https://api-stage.connectpay.com/ob/payments/{paymentOrderNo} and .../status.
  'payments.create': {
    method: 'POST',
    path: '/ob/payments',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: false,
    requestBody: 'json',
    // The collection path of the published resource links; the initiation request line itself was not seen.
    source: 'example',
    docs: [
      `${DOCS}/home/payments-2/standard-payments/payment-initiation/`,
      `${DEV}/make-and-authorize-standard-payment-order`,
      `${DOCS}/payments-using-baas/fee-payments/fee-payment-initiation`,
    ],
    scopes: ['ob-ps'],
    summary: 'Initiate a standard payment order; answers paymentOrderNo, paymentRail and transactionStatus RCVD.',
  },
  'payments.get': {
    method: 'GET',
    path: '/ob/payments/{paymentOrderNo}',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'published',
    docs: [`${DOCS}/payments-using-baas/fee-payments/fee-payment-initiation`],
    scopes: ['ob-ps'],
    summary: 'A payment order by its paymentOrderNo (the self link of the initiation response).',
  },
  'payments.status': {
    method: 'GET',
    path: '/ob/payments/{paymentOrderNo}/status',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'published',
    docs: [
      `${DOCS}/home/payments-2/standard-payments/payment-status/`,
      `${DOCS}/payments-using-baas/fee-payments/fee-payment-initiation`,
    ],
    scopes: ['ob-ps'],
    summary:
      "A payment order's transactionStatus: RCVD, PDNG (not final; never retry the payment on it), ACSC or RJCT (final). See OB_TRANSACTION_STATUSES.",
  },
  'fx.rates': {
    method: 'GET',
    path: '/ob/currencyexchangerate',
    hostKind: 'mtls',
    scheme: 'mtls+bearer',
    idempotent: true,
    source: 'published',
    docs: [`${DOCS}/payments-using-baas/currency-exchange-payments/currency-exchange-rates`],
    summary: 'Exchange rates: query debtoraccountiban and currencyPair (repeat currencyPair for several pairs).',
  },
  // BaaS with ConnectPay SCA (beta), one-way host only: partner paths carry x-connectpay-api-key,
  // client paths a user's 5-minute Bearer token and the user's IP. The two URLs below are the
  // examples of the authentication page; the methods are inferred (create, logout, initiate).
  'baas-sca.users.create': {
    method: 'POST',
    path: '/baas-sca/user-management/partner/users',
    hostKind: 'oneway',
    scheme: 'baas-sca-partner',
    idempotent: false,
    requestBody: 'json',
    source: 'published',
    docs: [
      `${DOCS}/banking-as-a-service-witch-connectpays-sca-beta/api-authentication-requirements`,
      `${DOCS}/banking-as-a-service-witch-connectpays-sca-beta/user-creation`,
    ],
    summary: 'Create a BaaS-SCA user (Create user API): answers the email validation URL, event ID and user ID.',
  },
  'baas-sca.users.logout': {
    method: 'POST',
    path: '/baas-sca/user-management/client/users/logout',
    hostKind: 'oneway',
    scheme: 'baas-sca-user',
    idempotent: false,
    source: 'published',
    docs: [`${DOCS}/banking-as-a-service-witch-connectpays-sca-beta/api-authentication-requirements`],
    summary: "End a BaaS-SCA user's session (call after 5 minutes of inactivity).",
  },
  'baas-sca.sca.authorise': {
    method: 'POST',
    path: '/baas-sca/user-management/client/sca/authorise/{authorisationEventId}',
    hostKind: 'oneway',
    scheme: 'baas-sca-user',
    idempotent: false,
    source: 'published',
    docs: [`${DOCS}/payment-authorization-with-sca-2`, `${DOCS}/?p=1343`],
    summary: "Initiate a logged-in user's SCA for a challenge (challengeStatus Required): the user gets an SMS OTP.",
  },
  'reference.currencies': {
    method: 'GET',
    path: '/reference/v1/currencies',
    hostKind: 'mtls',
    scheme: 'mtls+basic',
    idempotent: true,
    // No such API is documented: it stands for "APIs without Person data use Basic over mTLS", so
    // that scheme can be exercised against the sandbox.
    source: 'example',
    docs: [],
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
    if (api.source === 'published' && api.docs.length === 0) {
      problems.push(`"${name}": a published entry names the documentation page its path comes from (docs).`);
    }
    for (const page of api.docs) {
      if (!/^https:\/\/(docs|dev)\.connectpay\.com\//.test(page)) {
        problems.push(
          `"${name}": docs entry "${page}" is not a ConnectPay documentation page (https://docs|dev.connectpay.com/…).`,
        );
      }
    }
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
