import { API_CATALOG, type ApiDefinition, type ApiName, isApiName, pathParams } from './catalog.js';
import {
  type BaseUrls,
  classifyProviderHost,
  type Environment,
  type HostKind,
  isEnvironment,
  PROVIDER_BASE_URLS,
} from './environments.js';
import {
  HostNotConfiguredError,
  InvalidBaseUrlError,
  InvalidPathParamError,
  MissingPathParamError,
  SchemeMismatchError,
  UnknownApiError,
  UnknownEnvironmentError,
  WrongHostKindError,
} from './errors.js';
import { SCHEME_HOST_KIND, type SecurityScheme } from './schemes.js';

export type QueryValue = string | number | boolean | readonly (string | number | boolean)[];

export interface ResolveOptions {
  /**
   * Base URLs that replace the provider's defaults (config passes the sandbox's for `local`, and a
   * stage/prod override where one is allowed). A `local` environment has no defaults.
   */
  readonly baseUrls?: Partial<BaseUrls>;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, QueryValue | undefined>>;
  /** The scheme the caller is about to apply; refused when the API needs another one. */
  readonly scheme?: SecurityScheme;
  /** The host kind the caller is about to connect to; refused when the API lives on the other. */
  readonly hostKind?: HostKind;
}

export interface ResolvedApi {
  readonly api: ApiName;
  readonly environment: Environment;
  readonly definition: ApiDefinition;
  readonly method: ApiDefinition['method'];
  readonly hostKind: HostKind;
  readonly scheme: SecurityScheme;
  readonly baseUrl: string;
  /** Scheme, host and port of `url` (`https://api-stage.connectpay.com`): the connection it goes to. */
  readonly origin: string;
  /** Full URL: base + filled path template + query string. */
  readonly url: string;
}

/**
 * Turns an API name into the URL and security scheme to use in one environment. Every provider
 * call goes through here, so this is where "cert-protected APIs only on the mTLS host and the rest
 * only on the one-way host" is enforced.
 */
export function resolve(api: string, environment: string, options: ResolveOptions = {}): ResolvedApi {
  if (!isEnvironment(environment)) throw new UnknownEnvironmentError(environment);
  if (!isApiName(api)) throw new UnknownApiError(api, suggestApis(api));
  const definition: ApiDefinition = API_CATALOG[api];

  if (options.scheme !== undefined && options.scheme !== definition.scheme) {
    const hostKind = SCHEME_HOST_KIND[options.scheme];
    throw hostKind === definition.hostKind
      ? new SchemeMismatchError(
          `API "${api}" uses the ${definition.scheme} scheme, not ${options.scheme}: send the credential the catalog names.`,
        )
      : new WrongHostKindError(
          `API "${api}" is served on the ${definition.hostKind} host with ${definition.scheme}; ` +
            `${options.scheme} belongs to the ${hostKind} host. ConnectPay's one-way and two-way hosts are mutually exclusive.`,
        );
  }
  if (options.hostKind !== undefined && options.hostKind !== definition.hostKind) {
    throw new WrongHostKindError(
      `API "${api}" is served only on the ${definition.hostKind} host, not the ${options.hostKind} host: ` +
        (definition.hostKind === 'mtls'
          ? 'cert-protected APIs are not reachable through the one-way TLS subdomain.'
          : 'one-way APIs are not reachable through the mTLS subdomain.'),
    );
  }

  const baseUrl = baseUrlFor(environment, definition.hostKind, options.baseUrls);
  const url = new URL(baseUrl.replace(/\/+$/, '') + fillPath(api, definition.path, options.params ?? {}));
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
  }

  return {
    api,
    environment,
    definition,
    method: definition.method,
    hostKind: definition.hostKind,
    scheme: definition.scheme,
    baseUrl,
    origin: url.origin,
    url: url.toString(),
  };
}

/** The base URL of one host kind in one environment, after checking it really is that kind of host. */
export function baseUrlFor(environment: Environment, hostKind: HostKind, overrides?: Partial<BaseUrls>): string {
  const configured =
    overrides?.[hostKind] ?? (environment === 'local' ? undefined : PROVIDER_BASE_URLS[environment][hostKind]);
  if (configured === undefined || configured === '') throw new HostNotConfiguredError(environment, hostKind);
  const key = `${environment}|${hostKind}|${configured}`;
  if (!CHECKED_BASE_URLS.has(key)) {
    checkBaseUrl(configured, environment, hostKind);
    if (CHECKED_BASE_URLS.size >= CHECKED_BASE_URLS_LIMIT) CHECKED_BASE_URLS.clear();
    CHECKED_BASE_URLS.add(key);
  }
  return configured.replace(/\/+$/, '');
}

// Every call resolves its base URL, and the answer for one (environment, host kind, URL) never changes:
// the check parses a URL, so it runs once per triple. Bounded in case a caller passes many overrides.
const CHECKED_BASE_URLS = new Set<string>();
const CHECKED_BASE_URLS_LIMIT = 64;

/**
 * Refuses a base URL that cannot be the given host: not https, carrying a query or credentials,
 * or a provider hostname of the other kind or the other environment.
 */
export function checkBaseUrl(baseUrl: string, environment: Environment, hostKind: HostKind): void {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new InvalidBaseUrlError(baseUrl, 'it is not an absolute URL (e.g. https://api-stage.connectpay.com).');
  }
  if (parsed.protocol !== 'https:') {
    throw new InvalidBaseUrlError(baseUrl, 'ConnectPay is only reachable over https.');
  }
  if (parsed.username || parsed.password) {
    throw new InvalidBaseUrlError(baseUrl, 'credentials do not belong in a URL; use the _FILE variables.');
  }
  if (parsed.search || parsed.hash) {
    throw new InvalidBaseUrlError(baseUrl, 'a base URL carries no query string or fragment.');
  }
  const known = classifyProviderHost(parsed.hostname);
  if (known && known.kind !== hostKind) {
    throw new WrongHostKindError(
      `${parsed.hostname} is ConnectPay's ${known.kind === 'mtls' ? 'two-way (mTLS)' : 'one-way TLS'} host; ` +
        `it cannot serve as the ${hostKind} host: the two are mutually exclusive.`,
    );
  }
  if (known && environment !== 'local' && known.environment !== environment) {
    throw new InvalidBaseUrlError(
      baseUrl,
      `${parsed.hostname} is ConnectPay's ${known.environment} host; the ${environment} environment must not call it.`,
    );
  }
}

function fillPath(api: string, template: string, params: Readonly<Record<string, string>>): string {
  let path = template;
  for (const name of pathParams(template)) {
    const value = params[name];
    if (typeof value !== 'string' || value.length === 0) throw new MissingPathParamError(api, name);
    // URL parsers treat "." and ".." (even as %2E%2E) as dot segments and would climb to another API.
    if (value === '.' || value === '..') throw new InvalidPathParamError(api, name, value);
    // encodeURIComponent keeps a caller's "../x" or "a/b" inside one segment: no path traversal.
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  return path;
}

function suggestApis(api: string): string[] {
  const wanted = api.toLowerCase();
  const prefix = wanted.split('.').slice(0, 2).join('.');
  return (Object.keys(API_CATALOG) as ApiName[])
    .filter((name) => name.startsWith(prefix) || name.includes(wanted) || wanted.includes(name))
    .slice(0, 3);
}
