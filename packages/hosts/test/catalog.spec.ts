import {
  API_CATALOG,
  API_NAMES,
  type ApiDefinition,
  InvalidCatalogError,
  pathParams,
  SCHEME_HOST_KIND,
  validateCatalog,
} from '@connectpay-kit/hosts';

describe('API catalog', () => {
  it('passes its own validation', () => {
    expect(() => validateCatalog(API_CATALOG)).not.toThrow();
  });

  it.each(API_NAMES)('%s: its scheme belongs to its host kind', (name) => {
    const api: ApiDefinition = API_CATALOG[name];
    expect(SCHEME_HOST_KIND[api.scheme]).toBe(api.hostKind);
  });

  it('holds the endpoints the provider publishes, with the scheme each needs', () => {
    const published = Object.fromEntries(
      API_NAMES.filter((n) => API_CATALOG[n].source === 'published').map((n) => [
        n,
        `${API_CATALOG[n].method} ${API_CATALOG[n].hostKind} ${API_CATALOG[n].path} ${API_CATALOG[n].scheme}`,
      ]),
    );
    expect(published).toEqual({
      'oauth.token': 'POST mtls /auth/v1/oauth2/token mtls+basic',
      'merchant.payments.create': 'POST oneway /merchant/payments basic+rsa-signature',
      'merchant.payments.get': 'GET oneway /merchant/payments/{paymentId} basic+rsa-signature',
      'baas.merchant.payments.get': 'GET oneway /baas/merchant/payments/{paymentId} basic+rsa-signature',
      'payments.get': 'GET mtls /ob/payments/{paymentOrderNo} mtls+bearer',
      'payments.status': 'GET mtls /ob/payments/{paymentOrderNo}/status mtls+bearer',
      'fx.rates': 'GET mtls /ob/currencyexchangerate mtls+bearer',
      'baas-sca.users.create': 'POST oneway /baas-sca/user-management/partner/users baas-sca-partner',
      'baas-sca.users.logout': 'POST oneway /baas-sca/user-management/client/users/logout baas-sca-user',
      'baas-sca.sca.authorise':
        'POST oneway /baas-sca/user-management/client/sca/authorise/{authorisationEventId} baas-sca-user',
    });
  });

  it('carries the documentation page of every entry it can, and of every published one', () => {
    for (const name of API_NAMES) {
      const api: ApiDefinition = API_CATALOG[name];
      if (api.source === 'published') expect(api.docs.length).toBeGreaterThan(0);
      for (const page of api.docs) expect(page).toMatch(/^https:\/\/(docs|dev)\.connectpay\.com\//);
    }
    // The only entry without a page is the stand-in for "Basic over mTLS"; no such API is documented.
    expect(API_NAMES.filter((name) => API_CATALOG[name].docs.length === 0)).toEqual(['reference.currencies']);
  });

  it('has the open-banking accounts, payments and FX on the mTLS host with a Bearer token and their scopes', () => {
    expect(API_CATALOG['accounts.list']).toMatchObject({
      path: '/ob/accounts',
      scheme: 'mtls+bearer',
      scopes: ['ob-as'],
    });
    expect(API_CATALOG['accounts.transactions']).toMatchObject({
      path: '/ob/accounts/{accountId}/transactions',
      scheme: 'mtls+bearer',
      scopes: ['ob-as'],
    });
    expect(API_CATALOG['payments.create']).toMatchObject({
      path: '/ob/payments',
      idempotent: false,
      scopes: ['ob-ps'],
    });
    expect(API_CATALOG['payments.status'].summary).toMatch(/PDNG \(not final; never retry/);
    // Paths the pages do not show literally stay examples, so the apps keep warning about them outside local.
    expect(API_NAMES.filter((name) => API_CATALOG[name].source === 'example').sort()).toEqual([
      'accounts.get',
      'accounts.list',
      'accounts.transactions',
      'baas.merchant.payments.create',
      'oauth.authorize',
      'payments.create',
      'reference.currencies',
    ]);
  });

  it('asks for the versioned Accept header on every merchant API v2 call', () => {
    for (const name of API_NAMES.filter((n) => n.includes('merchant.'))) {
      expect(API_CATALOG[name]).toMatchObject({ accept: 'application/json;version=2' });
    }
  });

  it('never marks a POST idempotent, so no payment is created twice by a retry', () => {
    for (const name of API_NAMES) {
      const api: ApiDefinition = API_CATALOG[name];
      if (api.method === 'POST') expect(api.idempotent).toBe(false);
    }
  });

  describe('validateCatalog refuses', () => {
    const good: ApiDefinition = {
      method: 'GET',
      path: '/x/{id}',
      hostKind: 'mtls',
      scheme: 'mtls+basic',
      idempotent: true,
      source: 'example',
      docs: [],
      summary: 'x',
    };

    it('a cert-protected scheme on the one-way host', () => {
      expect(() => validateCatalog({ 'x.get': { ...good, hostKind: 'oneway' } })).toThrow(
        /scheme mtls\+basic runs on the mtls host, but the entry says oneway/,
      );
    });

    it('a published entry without its page, and a page that is not ConnectPay documentation', () => {
      expect(() => validateCatalog({ 'x.get': { ...good, source: 'published' } })).toThrow(
        /names the documentation page its path comes from/,
      );
      expect(() => validateCatalog({ 'x.get': { ...good, docs: ['https://example.com/blog'] } })).toThrow(
        /is not a ConnectPay documentation page/,
      );
    });

    it('a BaaS-SCA scheme on the mTLS host: BaaS with ConnectPay SCA lives on the one-way host only', () => {
      for (const scheme of ['baas-sca-partner', 'baas-sca-user'] as const) {
        expect(() => validateCatalog({ 'x.get': { ...good, scheme } })).toThrow(
          new RegExp(`scheme ${scheme} runs on the oneway host, but the entry says mtls`),
        );
      }
    });

    it('a one-way scheme on the mTLS host', () => {
      expect(() => validateCatalog({ 'x.get': { ...good, scheme: 'basic+rsa-signature' } })).toThrow(
        InvalidCatalogError,
      );
    });

    it('a path with a query string, a GET with a body, a bad name and a duplicate route, all at once', () => {
      let message = '';
      try {
        validateCatalog({
          'x.get': { ...good, path: '/x?y=1' },
          'x.body': { ...good, requestBody: 'json' },
          Bad: { ...good, path: '/other' },
          'x.twin': { ...good, path: '/x/{other}' },
        });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidCatalogError);
        message = (error as Error).message;
      }
      expect(message).toContain('"x.get": path "/x?y=1"');
      expect(message).toContain('"x.body": a GET takes no body');
      expect(message).toContain('"Bad": names are dotted');
      expect(message).toContain('"x.twin" and "x.body" are the same route');
    });
  });

  it('lists path parameters in order', () => {
    expect(pathParams('/a/{first}/b/{second}')).toEqual(['first', 'second']);
    expect(pathParams('/a')).toEqual([]);
  });
});
