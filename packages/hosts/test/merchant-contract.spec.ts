import {
  AMOUNT_PATTERN,
  AmountSchema,
  BaasInitiatePaymentRequestSchema,
  contractProblems,
  decideStatus,
  InitiatePaymentRequestSchema,
  MerchantContractError,
  PAYMENT_STATUS_CODES,
  PAYMENT_STATUS_MOVES,
  parsePaymentDetails,
  type PaymentStatusCode,
} from '@connectpay-kit/hosts';

// The example body of docs.connectpay.com/business-apis/accept-payments/basic-authorization-and-brand-information,
// with the fields the fact sheet lists (§3), as a caller would send it.
const PUBLISHED = {
  merchant: {
    brandId: '6ce66290-6d1a-4d2a-9c1c-6a7c3d1f1e11',
    redirectUrl: 'https://localhost',
    notificationUrl: 'https://shop.example/notify',
    language: 'EN',
    generic1: 'sticky',
    generic2: 'architectures',
    generic3: 'seize',
  },
  payment: {
    paymentMethod: ['PIS'],
    providerCountryCode: 'FI',
    providerId: '03a4effd-d047-4c3e-ab95-1b4fb198b64f',
    debtorName: 'Wehner, Padberg and Pfannerstill',
    instructedAmount: { amount: '1.23', currency: 'EUR' },
    remittanceInformationUnstructured: 'Self-enabling homogeneous utilisation',
  },
  identifiers: {
    merchantReference: 'c4e6c6f4-08c6-45f5-8dfe-48b84f736151',
    endToEndId: '3zNK8E5NpDsVrYdUknF988RPud',
    creditorReference: 'RF12334567',
  },
  consumer: { firstName: 'Jane', lastName: 'Doe', ipAddress: '235.114.187.1' },
};

type Body = typeof PUBLISHED;

function problems(mutate: (body: Body) => void) {
  const body = structuredClone(PUBLISHED) as Body;
  mutate(body);
  const result = InitiatePaymentRequestSchema.safeParse(body);
  return result.success ? [] : contractProblems(result.error);
}

describe('Initiate Payment request (merchant v2)', () => {
  it('accepts the published body unchanged, with every optional field', () => {
    const parsed = InitiatePaymentRequestSchema.parse(PUBLISHED);
    expect(parsed).toEqual(PUBLISHED);
  });

  it('accepts ["PIS","CARD"], GooglePay and ApplePay, and fills language EN when it is absent', () => {
    const parsed = InitiatePaymentRequestSchema.parse({
      ...PUBLISHED,
      merchant: { brandId: 'b', redirectUrl: 'https://shop.example/back' },
      payment: { ...PUBLISHED.payment, paymentMethod: ['PIS', 'CARD', 'GooglePay', 'ApplePay'] },
    });
    expect(parsed.merchant.language).toBe('EN');
    expect(parsed.payment.paymentMethod).toEqual(['PIS', 'CARD', 'GooglePay', 'ApplePay']);
  });

  it.each([
    [
      'currency XYZ',
      (b: Body) => void (b.payment.instructedAmount.currency = 'XYZ'),
      'payment.instructedAmount.currency',
      /ISO 4217.*"XYZ" is not one/,
    ],
    [
      'amount "0.00"',
      (b: Body) => void (b.payment.instructedAmount.amount = '0.00'),
      'payment.instructedAmount.amount',
      /greater than 0/,
    ],
    [
      'amount "0"',
      (b: Body) => void (b.payment.instructedAmount.amount = '0'),
      'payment.instructedAmount.amount',
      /greater than 0/,
    ],
    [
      'a numeric amount',
      (b: Body) => void ((b.payment.instructedAmount as { amount: unknown }).amount = 12.34),
      'payment.instructedAmount.amount',
      /must be a string, not a JSON number: send "12.34" in quotes/,
    ],
    [
      'a negative amount',
      (b: Body) => void (b.payment.instructedAmount.amount = '-5.00'),
      'payment.instructedAmount.amount',
      /greater than 0: a negative/,
    ],
    [
      '3 decimals',
      (b: Body) => void (b.payment.instructedAmount.amount = '1.234'),
      'payment.instructedAmount.amount',
      /at most 2 decimals/,
    ],
    [
      'an amount over the maximum',
      (b: Body) => void (b.payment.instructedAmount.amount = '1000000000.00'),
      'payment.instructedAmount.amount',
      /at most 999999999\.99/,
    ],
    [
      'a string paymentMethod',
      (b: Body) => void ((b.payment as { paymentMethod: unknown }).paymentMethod = 'PIS'),
      'payment.paymentMethod',
      /must be an array of payment methods, like \["PIS"\].*allowed: PIS, CARD, GooglePay, ApplePay/,
    ],
    [
      'an unknown method',
      (b: Body) => void ((b.payment as { paymentMethod: unknown }).paymentMethod = ['SEPA']),
      'payment.paymentMethod.0',
      /must be one of PIS, CARD, GooglePay, ApplePay/,
    ],
    [
      'lower-case language',
      (b: Body) => void (b.merchant.language = 'en'),
      'merchant.language',
      /must be upper case: "EN"/,
    ],
    [
      'no redirectUrl',
      (b: Body) => void delete (b.merchant as Partial<Body['merchant']>).redirectUrl,
      'merchant.redirectUrl',
      /is required and must be an absolute https URL/,
    ],
    [
      'no providerCountryCode',
      (b: Body) => void delete (b.payment as Partial<Body['payment']>).providerCountryCode,
      'payment.providerCountryCode',
      /is required and must be an ISO 3166-1 alpha-2 country code/,
    ],
    [
      'PIS in USD',
      (b: Body) => void (b.payment.instructedAmount.currency = 'USD'),
      'payment.instructedAmount.currency',
      /must be EUR when paymentMethod includes PIS/,
    ],
    [
      'PIS alone in FR',
      (b: Body) => void (b.payment.providerCountryCode = 'FR'),
      'payment.providerCountryCode',
      /one of DE, NL, FI, LT/,
    ],
    [
      'a redirectUrl that is not a URL',
      (b: Body) => void (b.merchant.redirectUrl = 'shop.example'),
      'merchant.redirectUrl',
      /absolute https URL/,
    ],
    [
      'an unknown field',
      (b: Body) => void ((b.payment as Record<string, unknown>)['amount'] = '1'),
      'payment.amount',
      /not a field/,
    ],
    ['a bad ipAddress', (b: Body) => void (b.consumer.ipAddress = '999.1.1.1'), 'consumer.ipAddress', /IPv4 or IPv6/],
  ])('refuses %s with a problem naming the field and the rule', (_name, mutate, path, message) => {
    const found = problems(mutate);
    expect(found).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it('lets a BaaS client leave paymentMethod and providerCountryCode out, and checks them when present', () => {
    const { paymentMethod: _m, providerCountryCode: _c, ...payment } = PUBLISHED.payment;
    expect(BaasInitiatePaymentRequestSchema.safeParse({ ...PUBLISHED, payment }).success).toBe(true);
    expect(InitiatePaymentRequestSchema.safeParse({ ...PUBLISHED, payment }).success).toBe(false);
    const string = BaasInitiatePaymentRequestSchema.safeParse({
      ...PUBLISHED,
      payment: { ...payment, paymentMethod: 'PIS' },
    });
    expect(string.success ? [] : contractProblems(string.error).map((p) => p.path)).toEqual(['payment.paymentMethod']);
  });

  it('publishes the amount rule as a pattern that agrees with the checks', () => {
    const pattern = new RegExp(AMOUNT_PATTERN);
    for (const value of [
      '0',
      '0.00',
      '0.0',
      '00',
      '0.01',
      '1',
      '1.2',
      '1.23',
      '1.234',
      '-1',
      '+1',
      '1,00',
      '1e3',
      ' 1',
      '999999999.99',
      '1000000000',
    ]) {
      expect(`${value}: ${pattern.test(value)}`).toBe(`${value}: ${AmountSchema.safeParse(value).success}`);
    }
  });

  it('takes any real currency for CARD, and a country outside the PIS ones when CARD is offered', () => {
    expect(
      problems((b) => {
        (b.payment as { paymentMethod: string[] }).paymentMethod = ['CARD'];
        b.payment.instructedAmount.currency = 'USD';
        b.payment.providerCountryCode = 'US';
      }),
    ).toEqual([]);
  });
});

// dev.connectpay.com/api-portal/content/get-payment-details, completed with the status group of
// docs.connectpay.com/business-apis/accept-payments/payment-details-for-single-merchants.
const DETAILS = {
  merchant: { generic1: 'sticky', generic2: 'architectures', generic3: 'seize' },
  payment: {
    paymentMethod: 'PIS',
    providerId: '03a4effd-d047-4c3e-ab95-1b4fb198b64f',
    providerName: 'Test Bank',
    creditorAccount: { iban: 'LT249388994358452435' },
    creditorName: 'Gravelbox Ltd.',
    instructedAmount: { amount: '1.23', currency: 'EUR' },
    remittanceInformationUnstructured: 'Self-enabling homogeneous utilisation',
    debtorAccount: { bban: '1234567890', bic: '1234' },
  },
  identifiers: {
    merchantReference: 'c4e6c6f4-08c6-45f5-8dfe-48b84f736151',
    creditorReference: 'RF12334567',
    endToEndId: '1dtejgGyPpkEMVqa3LrtvSgyCMX4Lm2VH',
  },
  consumer: {},
  status: { code: 'PendingProvider', isTerminal: false },
};

describe('Get Payment Details', () => {
  it('reads the published body into the typed model, keeping every field', () => {
    const view = parsePaymentDetails(DETAILS);
    expect(view.status).toEqual({ code: 'PendingProvider', isTerminal: false });
    expect(view.paymentId).toBeUndefined();
    expect(view.details).toEqual(DETAILS);
  });

  it('reads payment.paymentId when the body carries it, and unknown fields survive', () => {
    const view = parsePaymentDetails({ ...DETAILS, payment: { ...DETAILS.payment, paymentId: 'p-1' }, extra: 1 });
    expect(view.paymentId).toBe('p-1');
    expect((view.details as Record<string, unknown>)['extra']).toBe(1);
  });

  it.each(PAYMENT_STATUS_CODES)('reads status %s', (code) => {
    expect(parsePaymentDetails({ ...DETAILS, status: { code, isTerminal: true } }).status.code).toBe(code);
  });

  it('refuses the old shape (payment.status) and an unknown code, naming the field', () => {
    const old = { payment: { paymentId: 'p-1', status: 'Completed' } };
    expect(() => parsePaymentDetails(old)).toThrow(MerchantContractError);
    expect(() => parsePaymentDetails(old)).toThrow(/status: is required/);
    try {
      parsePaymentDetails({ ...DETAILS, status: { code: 'PartiallyRefunded', isTerminal: true } });
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as MerchantContractError).code).toBe('HOSTS_MERCHANT_CONTRACT');
      expect((error as MerchantContractError).problems).toEqual([
        { path: 'status.code', message: expect.stringContaining('PartialyRefunded') },
      ]);
    }
  });
});

describe('status transitions', () => {
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 6) + ms);
  const seen = (code: PaymentStatusCode, ms = 0) => ({ code, observedAt: at(ms) });

  it('moves forward through the in-flight steps and to an outcome, never back', () => {
    expect(decideStatus(undefined, seen('Initiated'))).toEqual({ apply: true, reason: 'first' });
    expect(decideStatus(seen('Initiated'), seen('PendingProvider'))).toEqual({ apply: true, reason: 'forward' });
    expect(decideStatus(seen('PendingProvider'), seen('Processing', 10))).toEqual({ apply: false, reason: 'stale' });
    expect(decideStatus(seen('Approved'), seen('PendingProvider', 10))).toEqual({ apply: false, reason: 'stale' });
    expect(decideStatus(seen('Failed'), seen('Approved', 10))).toEqual({ apply: false, reason: 'stale' });
    expect(decideStatus(seen('Approved'), seen('Approved', 10))).toEqual({ apply: false, reason: 'repeat' });
  });

  it('lets Settled come before Approved and after it: the later observation wins', () => {
    expect(decideStatus(seen('Settled', 0), seen('Approved', 5))).toEqual({ apply: true, reason: 'newer' });
    expect(decideStatus(seen('Approved', 0), seen('Settled', 5))).toEqual({ apply: true, reason: 'newer' });
    expect(decideStatus(seen('Approved', 5), seen('Settled', 0))).toEqual({ apply: false, reason: 'older' });
  });

  it('lets terminal statuses move on to the refunds and Abandoned to an outcome', () => {
    expect(decideStatus(seen('Approved'), seen('PendingRefund'))).toMatchObject({ apply: true });
    expect(decideStatus(seen('Settled'), seen('Refunded'))).toMatchObject({ apply: true });
    expect(decideStatus(seen('Abandoned'), seen('Approved'))).toMatchObject({ apply: true });
    expect(decideStatus(seen('Refunded'), seen('Approved', 10))).toMatchObject({ apply: false });
  });

  it('ends on the last status of any path, whatever order and repetition the deliveries come in', () => {
    // Every path the graph allows from Initiated, up to 5 moves, each delivered shuffled and twice.
    const paths: PaymentStatusCode[][] = [];
    const walk = (path: PaymentStatusCode[]) => {
      paths.push(path);
      if (path.length > 5) return;
      for (const next of PAYMENT_STATUS_MOVES[path[path.length - 1] as PaymentStatusCode]) {
        if (!path.includes(next)) walk([...path, next]);
      }
    };
    walk(['Initiated']);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const path of paths) {
      const deliveries = [...path, ...path].map((code, i) => seen(code, i % path.length));
      for (let round = 0; round < 3; round += 1) {
        const shuffled = [...deliveries].sort(() => random() - 0.5);
        let stored: ReturnType<typeof seen> | undefined;
        for (const delivery of shuffled) if (decideStatus(stored, delivery).apply) stored = delivery;
        expect(`${path.join('>')}: ${stored?.code}`).toBe(`${path.join('>')}: ${path[path.length - 1]}`);
      }
    }
    expect(paths.length).toBeGreaterThan(50);
  });
});
