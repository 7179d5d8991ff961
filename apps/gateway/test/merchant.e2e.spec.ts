import request from 'supertest';
import { API_KEY, MINIMAL_PAYMENT, startHarness, type Harness } from './support/harness.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

interface Created {
  payment: { paymentId: string; redirectUrl: string; status: string };
}

describe('merchant payments (basic + rsa-signature on the one-way host)', () => {
  it('creates a payment from the minimal body and gets it back with its status', async () => {
    const created = await request(harness.url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT);
    expect(created.status).toBe(201);
    const { payment } = created.body as Created;
    expect(payment).toEqual({
      paymentId: expect.any(String),
      redirectUrl: expect.stringContaining(payment.paymentId),
      status: 'Created',
    });
    expect(created.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const fetched = await request(harness.url).get(`/v1/merchant/payments/${payment.paymentId}`).set(API_KEY);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      payment: {
        paymentId: payment.paymentId,
        status: 'Created',
        instructedAmount: { amount: '12.34', currency: 'EUR' },
      },
      identifiers: { merchantReference: 'order-1' },
    });
  });

  it('fills the merchant defaults the provider requires (brand id, language)', async () => {
    const created = await request(harness.url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT);
    const stored = harness.sandbox.state.payments.get((created.body as Created).payment.paymentId);
    expect(stored?.request['merchant']).toEqual({ brandId: 'local-brand', language: 'en' });
  });

  it("keeps the caller's merchant fields over the defaults", async () => {
    const body = {
      ...MINIMAL_PAYMENT,
      merchant: { brandId: 'brand-7', language: 'lt', notificationUrl: 'https://shop.example/notify' },
    };
    const created = await request(harness.url).post('/v1/merchant/payments').set(API_KEY).send(body);
    expect(created.status).toBe(201);
    const stored = harness.sandbox.state.payments.get((created.body as Created).payment.paymentId);
    expect(stored?.request['merchant']).toEqual(body.merchant);
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

  it('answers 400 naming every invalid field, without calling ConnectPay', async () => {
    const before = harness.sandbox.state.payments.size;
    const response = await request(harness.url)
      .post('/v1/merchant/payments')
      .set(API_KEY)
      .send({
        payment: { paymentMethod: 'PIS', instructedAmount: { amount: 12.34, currency: 'eur' } },
        identifiers: {},
        colour: 'red',
      });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'GATEWAY_VALIDATION_FAILED',
      requestId: response.headers['x-request-id'],
    });
    const paths = (response.body.error.details as { path: string }[]).map((detail) => detail.path).sort();
    expect(paths).toEqual([
      'colour',
      'identifiers.merchantReference',
      'payment.instructedAmount.amount',
      'payment.instructedAmount.currency',
    ]);
    expect(harness.sandbox.state.payments.size).toBe(before);
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
