import {
  isFinalObTransactionStatus,
  isObTransactionStatus,
  OB_TRANSACTION_STATUSES,
  resolve,
  SchemeMismatchError,
  SCHEME_HOST_KIND,
  WrongHostKindError,
} from '@connectpay-kit/hosts';

describe('BaaS with ConnectPay SCA: its own schemes, on the one-way host', () => {
  it('resolves the authentication page’s partner and client examples to api2 / api2-stage', () => {
    expect(resolve('baas-sca.users.create', 'prod')).toMatchObject({
      url: 'https://api2.connectpay.com/baas-sca/user-management/partner/users',
      scheme: 'baas-sca-partner',
      hostKind: 'oneway',
    });
    expect(resolve('baas-sca.users.logout', 'stage')).toMatchObject({
      url: 'https://api2-stage.connectpay.com/baas-sca/user-management/client/users/logout',
      scheme: 'baas-sca-user',
      hostKind: 'oneway',
    });
    expect(resolve('baas-sca.sca.authorise', 'stage', { params: { authorisationEventId: 'ev/1' } }).url).toBe(
      'https://api2-stage.connectpay.com/baas-sca/user-management/client/sca/authorise/ev%2F1',
    );
  });

  it('both schemes belong to the one-way host', () => {
    expect(SCHEME_HOST_KIND['baas-sca-partner']).toBe('oneway');
    expect(SCHEME_HOST_KIND['baas-sca-user']).toBe('oneway');
  });

  it('refuses the mTLS host, the mTLS credentials, and the other BaaS-SCA credential', () => {
    expect(() => resolve('baas-sca.users.create', 'prod', { hostKind: 'mtls' })).toThrow(WrongHostKindError);
    expect(() => resolve('baas-sca.users.create', 'prod', { scheme: 'mtls+basic' })).toThrow(WrongHostKindError);
    // A partner path takes the API key, not a user's token (and the reverse): same host, other credential.
    expect(() => resolve('baas-sca.users.create', 'prod', { scheme: 'baas-sca-user' })).toThrow(SchemeMismatchError);
    expect(() => resolve('baas-sca.users.logout', 'prod', { scheme: 'baas-sca-partner' })).toThrow(SchemeMismatchError);
    // The open-banking Bearer APIs refuse a BaaS-SCA credential as a host-kind error.
    expect(() => resolve('accounts.list', 'stage', { scheme: 'baas-sca-user' })).toThrow(WrongHostKindError);
  });
});

describe('open-banking payments and FX', () => {
  it('builds the published status and exchange-rate URLs', () => {
    expect(resolve('payments.status', 'stage', { params: { paymentOrderNo: 's-63094981950428443476' } }).url).toBe(
      'https://api-stage.connectpay.com/ob/payments/s-63094981950428443476/status',
    );
    expect(
      resolve('fx.rates', 'prod', {
        query: { debtoraccountiban: 'LT601010012345678901', currencyPair: ['EURUSD', 'EURGBP'] },
      }).url,
    ).toBe(
      'https://api.connectpay.com/ob/currencyexchangerate?debtoraccountiban=LT601010012345678901&currencyPair=EURUSD&currencyPair=EURGBP',
    );
  });

  it('knows the four transaction statuses, and that RCVD and PDNG are not final', () => {
    expect(Object.keys(OB_TRANSACTION_STATUSES)).toEqual(['RCVD', 'PDNG', 'ACSC', 'RJCT']);
    expect(['RCVD', 'PDNG', 'ACSC', 'RJCT'].map(isFinalObTransactionStatus)).toEqual([false, false, true, true]);
    expect(OB_TRANSACTION_STATUSES.PDNG.meaning).toMatch(/do not retry/);
    expect(isObTransactionStatus('ACCP')).toBe(false);
    expect(isFinalObTransactionStatus('ACCP')).toBe(false);
  });
});
