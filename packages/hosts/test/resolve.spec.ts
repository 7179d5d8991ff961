import {
  API_CATALOG,
  API_NAMES,
  type ApiName,
  ENVIRONMENTS,
  HostNotConfiguredError,
  type HostsError,
  InvalidPathParamError,
  InvalidBaseUrlError,
  MissingPathParamError,
  PROVIDER_BASE_URLS,
  resolve,
  SchemeMismatchError,
  SECURITY_SCHEMES,
  SCHEME_HOST_KIND,
  UnknownApiError,
  UnknownEnvironmentError,
  WrongHostKindError,
  classifyProviderHost,
} from '@connectpay-kit/hosts';

const LOCAL = { mtls: 'https://127.0.0.1:8443', oneway: 'https://127.0.0.1:8444' };

function paramsFor(api: ApiName): Record<string, string> {
  return Object.fromEntries([...API_CATALOG[api].path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'id-1']));
}

describe('resolve over the whole catalog', () => {
  const cases = API_NAMES.flatMap((api) => (['stage', 'prod'] as const).map((env) => [api, env] as const));

  it.each(cases)('%s in %s goes to the provider host of its kind', (api, env) => {
    const resolved = resolve(api, env, { params: paramsFor(api) });
    const expectedHost = new URL(PROVIDER_BASE_URLS[env][API_CATALOG[api].hostKind]).hostname;
    expect(new URL(resolved.url).hostname).toBe(expectedHost);
    expect(resolved.origin).toBe(new URL(resolved.url).origin);
    expect(resolved.scheme).toBe(API_CATALOG[api].scheme);
    expect(resolved.method).toBe(API_CATALOG[api].method);
    expect(classifyProviderHost(expectedHost)).toEqual({ environment: env, kind: API_CATALOG[api].hostKind });
  });

  it.each(API_NAMES)('%s in local goes to the configured sandbox host of its kind', (api) => {
    const resolved = resolve(api, 'local', { baseUrls: LOCAL, params: paramsFor(api) });
    expect(resolved.url.startsWith(LOCAL[API_CATALOG[api].hostKind] + '/')).toBe(true);
  });

  it.each(
    API_NAMES.flatMap((api) =>
      SECURITY_SCHEMES.filter((s) => s !== API_CATALOG[api].scheme).map((s) => [api, s] as const),
    ),
  )('%s refuses the %s scheme', (api, scheme) => {
    const call = () => resolve(api, 'stage', { params: paramsFor(api), scheme });
    const expected = SCHEME_HOST_KIND[scheme] === API_CATALOG[api].hostKind ? SchemeMismatchError : WrongHostKindError;
    expect(call).toThrow(expected);
  });

  it.each(API_NAMES)('%s refuses the other host kind', (api) => {
    const other = API_CATALOG[api].hostKind === 'mtls' ? 'oneway' : 'mtls';
    expect(() => resolve(api, 'prod', { params: paramsFor(api), hostKind: other })).toThrow(WrongHostKindError);
  });
});

describe('resolve', () => {
  it('builds the merchant payment URL of the reference example', () => {
    expect(resolve('merchant.payments.create', 'stage').url).toBe(
      'https://api2-stage.connectpay.com/merchant/payments',
    );
  });

  it('refuses a cert-protected API through the one-way host with a message naming the rule', () => {
    expect(() => resolve('oauth.token', 'prod', { hostKind: 'oneway' })).toThrow(
      /cert-protected APIs are not reachable through the one-way TLS subdomain/,
    );
  });

  it('refuses merchant signing on an mTLS API, as a host-kind error', () => {
    expect(() => resolve('oauth.token', 'stage', { scheme: 'basic+rsa-signature' })).toThrow(WrongHostKindError);
  });

  it('refuses an unknown API and suggests the close ones', () => {
    let error: unknown;
    try {
      resolve('merchant.payments.delete', 'stage');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownApiError);
    expect((error as HostsError).code).toBe('HOSTS_UNKNOWN_API');
    expect((error as Error).message).toContain('"merchant.payments.create"');
  });

  it('does not treat Object.prototype names as APIs', () => {
    expect(() => resolve('constructor', 'stage')).toThrow(UnknownApiError);
    expect(() => resolve('__proto__', 'stage')).toThrow(UnknownApiError);
  });

  it('refuses an unknown environment', () => {
    expect(() => resolve('oauth.token', 'production')).toThrow(UnknownEnvironmentError);
  });

  it.each(ENVIRONMENTS.filter((e) => e === 'local'))(
    'refuses %s without configured hosts, naming the variable',
    (env) => {
      expect(() => resolve('oauth.token', env)).toThrow(HostNotConfiguredError);
      expect(() => resolve('oauth.token', env)).toThrow(/CONNECTPAY_LOCAL_MTLS_URL/);
      expect(() =>
        resolve('merchant.payments.get', env, { baseUrls: { mtls: LOCAL.mtls }, params: { paymentId: 'p' } }),
      ).toThrow(/CONNECTPAY_LOCAL_ONEWAY_URL/);
    },
  );

  it('refuses a one-way provider host configured as the mTLS base URL', () => {
    expect(() => resolve('oauth.token', 'local', { baseUrls: { mtls: 'https://api2-stage.connectpay.com' } })).toThrow(
      WrongHostKindError,
    );
  });

  it('refuses a stage host used by prod', () => {
    expect(() => resolve('oauth.token', 'prod', { baseUrls: { mtls: 'https://api-stage.connectpay.com' } })).toThrow(
      InvalidBaseUrlError,
    );
  });

  it.each([
    ['http://127.0.0.1:8443', /only reachable over https/],
    ['https://user:pw@127.0.0.1', /credentials do not belong in a URL/],
    ['https://127.0.0.1/?x=1', /no query string/],
    ['not a url', /not an absolute URL/],
  ])('refuses the base URL %s, on every call', (url, message) => {
    expect(() => resolve('oauth.token', 'local', { baseUrls: { mtls: url } })).toThrow(message);
    expect(() => resolve('oauth.token', 'local', { baseUrls: { mtls: url } })).toThrow(message);
  });

  it('checks a base URL per environment and host kind, even after it passed for another', () => {
    const stageMtls = PROVIDER_BASE_URLS.stage.mtls;
    expect(resolve('oauth.token', 'stage', { baseUrls: { mtls: stageMtls } }).origin).toBe(stageMtls);
    expect(() => resolve('oauth.token', 'prod', { baseUrls: { mtls: stageMtls } })).toThrow(InvalidBaseUrlError);
    expect(() => resolve('merchant.payments.create', 'stage', { baseUrls: { oneway: stageMtls } })).toThrow(
      WrongHostKindError,
    );
  });

  it('keeps a path parameter inside its segment (no traversal to another API)', () => {
    const url = resolve('merchant.payments.get', 'stage', { params: { paymentId: '../../auth/v1/oauth2/token' } }).url;
    expect(new URL(url).pathname).toBe('/merchant/payments/..%2F..%2Fauth%2Fv1%2Foauth2%2Ftoken');
    for (const dots of ['.', '..']) {
      expect(() => resolve('merchant.payments.get', 'stage', { params: { paymentId: dots } })).toThrow(
        InvalidPathParamError,
      );
    }
  });

  it('refuses a missing or empty path parameter', () => {
    expect(() => resolve('merchant.payments.get', 'stage')).toThrow(MissingPathParamError);
    expect(() => resolve('merchant.payments.get', 'stage', { params: { paymentId: '' } })).toThrow(/"paymentId"/);
  });

  it('appends query values, repeating arrays and skipping undefined', () => {
    const url = resolve('accounts.list', 'stage', { query: { page: 2, tag: ['a', 'b'], skip: undefined } }).url;
    expect(url).toBe('https://api-stage.connectpay.com/ob/accounts?page=2&tag=a&tag=b');
  });

  it('accepts a trailing slash on a configured base URL', () => {
    expect(resolve('oauth.token', 'local', { baseUrls: { mtls: 'https://127.0.0.1:8443/' } }).url).toBe(
      'https://127.0.0.1:8443/auth/v1/oauth2/token',
    );
  });
});
