import { Agent, request as undiciRequest } from 'undici';
import request from 'supertest';
import { API_KEY, MINIMAL_PAYMENT, startHarness, type Harness } from './support/harness.js';

// The merchant v2 contract through the gateway, against the sandbox on real ports: the fact sheet's
// example bodies (connectpay-api-facts.md §3, §4), its status values, and the refusals issue #13 lists.

let harness: Harness;
let browser: Agent;

beforeAll(async () => {
  harness = await startHarness();
  browser = new Agent({ connect: { ca: harness.read('ca.pem') } });
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

interface Created {
  payment: { paymentId: string; redirectUrl: string };
}

// The published example body (docs.connectpay.com/business-apis/accept-payments/basic-authorization-and-brand-information)
// with every optional field the fact sheet lists, and both methods.
const FULL_PAYMENT = {
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
    paymentMethod: ['PIS', 'CARD'],
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

const create = (body: unknown) =>
  request(harness.url)
    .post('/v1/merchant/payments')
    .set(API_KEY)
    .send(body as object);
const get = (paymentId: string) => request(harness.url).get(`/v1/merchant/payments/${paymentId}`).set(API_KEY);

/** What the payer and the provider do, through the sandbox's controls on its one-way host. */
async function sandboxControl(path: string, body?: unknown): Promise<number> {
  const response = await undiciRequest(`${harness.sandbox.onewayUrl}${path}`, {
    method: 'POST',
    dispatcher: browser,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  await response.body.dump();
  return response.statusCode;
}

describe('merchant payments (basic + rsa-signature on the one-way host)', () => {
  it('creates a payment from the minimal body (201: paymentId, redirectUrl) and gets its details with status{code,isTerminal}', async () => {
    const created = await create(MINIMAL_PAYMENT);
    expect(created.status).toBe(201);
    const { payment } = created.body as Created;
    expect(created.body).toEqual({
      payment: { paymentId: expect.any(String), redirectUrl: expect.stringContaining(payment.paymentId) },
    });
    expect(created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const fetched = await get(payment.paymentId);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      payment: {
        paymentId: payment.paymentId,
        paymentMethod: 'PIS',
        instructedAmount: { amount: '12.34', currency: 'EUR' },
      },
      identifiers: { merchantReference: 'order-1' },
      status: { code: 'PendingMerchant', isTerminal: false },
    });
  });

  it('fills the merchant defaults: brand id from the gateway, language EN', async () => {
    const created = await create(MINIMAL_PAYMENT);
    const stored = harness.sandbox.payments.state.get((created.body as Created).payment.paymentId);
    expect(stored?.request.merchant).toEqual({
      brandId: 'local-brand',
      redirectUrl: 'https://shop.example/return',
      language: 'EN',
    });
  });

  it('accepts ["PIS","CARD"], EN and every optional field, and forwards them unchanged', async () => {
    const created = await create(FULL_PAYMENT);
    expect(created.status).toBe(201);
    const paymentId = (created.body as Created).payment.paymentId;
    expect(harness.sandbox.payments.state.get(paymentId)?.request).toEqual(FULL_PAYMENT);
    const fetched = await get(paymentId);
    expect(fetched.body).toMatchObject({
      merchant: { generic1: 'sticky', generic2: 'architectures', generic3: 'seize' },
      payment: {
        debtorName: FULL_PAYMENT.payment.debtorName,
        remittanceInformationUnstructured: FULL_PAYMENT.payment.remittanceInformationUnstructured,
      },
      identifiers: FULL_PAYMENT.identifiers,
      consumer: FULL_PAYMENT.consumer,
    });
  });

  it("passes the caller's x-request-id to ConnectPay and back", async () => {
    const requestId = 'order-1-attempt-2';
    const created = await request(harness.url)
      .post('/v1/merchant/payments')
      .set({ ...API_KEY, 'x-request-id': requestId })
      .send(MINIMAL_PAYMENT);
    expect(created.headers['x-request-id']).toBe(requestId);
    expect(harness.sandboxRequestIds).toContain(requestId);
  });

  const withPayment = (change: Record<string, unknown>) => ({
    ...MINIMAL_PAYMENT,
    payment: { ...MINIMAL_PAYMENT.payment, ...change },
  });
  const withAmount = (amount: unknown, currency = 'EUR') => withPayment({ instructedAmount: { amount, currency } });

  it.each([
    [
      'currency XYZ',
      withAmount('12.34', 'XYZ'),
      'payment.instructedAmount.currency',
      /ISO 4217 currency code.*"XYZ" is not one/,
    ],
    ['amount "0.00"', withAmount('0.00'), 'payment.instructedAmount.amount', /must be greater than 0/],
    ['amount "0"', withAmount('0'), 'payment.instructedAmount.amount', /must be greater than 0/],
    ['a numeric amount', withAmount(12.34), 'payment.instructedAmount.amount', /must be a string, not a JSON number/],
    [
      'a negative amount',
      withAmount('-12.34'),
      'payment.instructedAmount.amount',
      /must be greater than 0: a negative amount/,
    ],
    [
      'a string paymentMethod',
      withPayment({ paymentMethod: 'PIS' }),
      'payment.paymentMethod',
      /must be an array of payment methods, like \["PIS"\].*allowed: PIS, CARD, GooglePay, ApplePay/,
    ],
    [
      'lower-case language',
      { ...MINIMAL_PAYMENT, merchant: { ...MINIMAL_PAYMENT.merchant, language: 'en' } },
      'merchant.language',
      /must be upper case: "EN"/,
    ],
    [
      'PIS in USD',
      withAmount('12.34', 'USD'),
      'payment.instructedAmount.currency',
      /must be EUR when paymentMethod includes PIS/,
    ],
    ['no redirectUrl', { ...MINIMAL_PAYMENT, merchant: {} }, 'merchant.redirectUrl', /is required/],
  ])(
    'answers 400 for %s, naming the field and the rule, without calling ConnectPay',
    async (_case, body, path, message) => {
      const before = harness.sandbox.payments.state.size;
      const response = await create(body);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'GATEWAY_VALIDATION_FAILED',
        requestId: response.headers['x-request-id'],
      });
      expect(response.body.error.details).toEqual([{ path, message: expect.stringMatching(message) }]);
      expect(harness.sandbox.payments.state.size).toBe(before);
    },
  );

  it('answers 400 naming every invalid field at once', async () => {
    const response = await create({
      payment: { paymentMethod: 'PIS', instructedAmount: { amount: 12.34, currency: 'eur' } },
      identifiers: {},
      colour: 'red',
    });
    expect(response.status).toBe(400);
    const paths = (response.body.error.details as { path: string }[]).map((detail) => detail.path).sort();
    expect(paths).toEqual([
      'colour',
      'identifiers.merchantReference',
      'merchant.redirectUrl',
      'payment.instructedAmount.amount',
      'payment.instructedAmount.currency',
      'payment.paymentMethod',
      'payment.providerCountryCode',
    ]);
  });

  it('answers 400 for a body that is not JSON and 415 for another content type', async () => {
    const broken = await request(harness.url)
      .post('/v1/merchant/payments')
      .set(API_KEY)
      .set('content-type', 'application/json')
      .send('{"payment":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('GATEWAY_INVALID_JSON');
    expect(broken.headers['x-request-id']).toBe(broken.body.error.requestId);

    const form = await request(harness.url).post('/v1/merchant/payments').set(API_KEY).type('form').send('payment=1');
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('GATEWAY_UNSUPPORTED_MEDIA_TYPE');
  });

  it("passes ConnectPay's 404 through with its body for an unknown payment", async () => {
    const response = await request(harness.url).get('/v1/merchant/payments/no-such-payment').set(API_KEY);
    expect(response.status).toBe(404);
    expect(response.body.error).toMatchObject({
      code: 'PROVIDER_ERROR',
      provider: { status: 404, body: { error: 'not_found' } },
    });
  });

  it('keeps path traversal in :paymentId inside its one segment', async () => {
    const response = await request(harness.url)
      .get(`/v1/merchant/payments/${encodeURIComponent('../../reference/v1/currencies')}`)
      .set(API_KEY);
    // ConnectPay was asked for a payment with that odd id, not for another API.
    expect(response.status).toBe(404);
    expect(response.body.error.provider.body.error_description).toContain('../../reference/v1/currencies');

    const dots = await request(harness.url).get('/v1/merchant/payments/%2E%2E').set(API_KEY);
    expect(dots.status).toBe(400);
    expect(dots.body.error.code).toBe('TRANSPORT_MISUSE');
  });
});

describe('merchant payments in local: stage test data through the gateway', () => {
  /** Moves the payment until the sandbox has no step left for it (4 in-flight steps and an outcome). */
  async function runToEnd(paymentId: string): Promise<{ code: string; isTerminal: boolean }> {
    for (let step = 0; step < 6; step += 1)
      expect(await sandboxControl(`/sandbox/v1/payments/${paymentId}/advance`)).toBe(200);
    return (await get(paymentId)).body.status as { code: string; isTerminal: boolean };
  }

  it('ends 99.99 EUR in PendingProvider (manual review)', async () => {
    const created = await create({
      ...MINIMAL_PAYMENT,
      payment: { ...MINIMAL_PAYMENT.payment, instructedAmount: { amount: '99.99', currency: 'EUR' } },
    });
    expect(await runToEnd((created.body as Created).payment.paymentId)).toEqual({
      code: 'PendingProvider',
      isTerminal: false,
    });
  });

  it('ends a payment with a failing test card in Failed, and with a succeeding one in Approved', async () => {
    const body = { ...MINIMAL_PAYMENT, payment: { ...MINIMAL_PAYMENT.payment, paymentMethod: ['PIS', 'CARD'] } };
    const outcomes: Record<string, unknown> = {};
    for (const cardNumber of ['4544249167673670', '4242424242424242']) {
      const paymentId = ((await create(body)).body as Created).payment.paymentId;
      expect(await sandboxControl(`/sandbox/v1/payments/${paymentId}/pay`, { paymentMethod: 'CARD', cardNumber })).toBe(
        200,
      );
      outcomes[cardNumber] = await runToEnd(paymentId);
    }
    expect(outcomes).toEqual({
      '4544249167673670': { code: 'Failed', isTerminal: true },
      '4242424242424242': { code: 'Approved', isTerminal: true },
    });
  });
});
