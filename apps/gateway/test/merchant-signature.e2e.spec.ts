import request from 'supertest';
import { API_KEY, MINIMAL_PAYMENT, startGateway, startHarness, type Harness } from './support/harness.js';

// A ConnectPay that builds the X-Signature string with '|' between the parts and verifies RSA-PSS:
// the case of a stage that answers 401 to every payment until the deployment's settings match it.
const PROVIDER_SIGNATURE = { separator: '|', padding: 'pss' } as const;
const MATCHING_ENV = {
  CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_SEPARATOR: '|',
  CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_PADDING: 'pss',
};

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(MATCHING_ENV, { merchantSignature: PROVIDER_SIGNATURE });
});

afterAll(async () => {
  await harness?.close();
});

/** Another gateway on the same dev PKI, pointed at the same sandbox, with its own signature settings. */
async function withGateway(env: Record<string, string>, run: (url: string) => Promise<void>): Promise<void> {
  const gateway = await startGateway(harness.pkiDir, {
    CONNECTPAY_LOCAL_MTLS_URL: harness.sandbox.mtlsUrl,
    CONNECTPAY_LOCAL_ONEWAY_URL: harness.sandbox.onewayUrl,
    ...env,
  });
  try {
    await run(gateway.url);
  } finally {
    await gateway.close();
  }
}

describe('merchant X-Signature settings (CONNECTPAY_<ENV>_MERCHANT_SIGNATURE_*)', () => {
  it('creates and reads a payment when the gateway signs the way the provider verifies', async () => {
    const created = await request(harness.url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT);
    expect(created.status).toBe(201);
    const paymentId = (created.body as { payment: { paymentId: string } }).payment.paymentId;
    expect(harness.sandbox.payments.state.has(paymentId)).toBe(true);

    const fetched = await request(harness.url).get(`/v1/merchant/payments/${paymentId}`).set(API_KEY);
    expect(fetched.status).toBe(200);
  });

  it('accepts the separator percent-encoded (%7C is |)', async () => {
    await withGateway({ ...MATCHING_ENV, CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_SEPARATOR: '%7C' }, async (url) => {
      const created = await request(url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT);
      expect(created.status).toBe(201);
    });
  });

  it.each([
    ['the defaults', {}],
    ['the right separator but PKCS#1 padding', { CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_SEPARATOR: '|' }],
    ['PSS padding but no separator', { CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_PADDING: 'pss' }],
  ])(
    "surfaces the provider's 401 as PROVIDER_REJECTED_CREDENTIALS when the gateway signs with %s",
    async (_case, env) => {
      await withGateway(env, async (url) => {
        const before = harness.sandbox.payments.state.size;
        const created = await request(url).post('/v1/merchant/payments').set(API_KEY).send(MINIMAL_PAYMENT);
        expect(created.status).toBe(401);
        expect(created.body.error).toMatchObject({
          code: 'PROVIDER_REJECTED_CREDENTIALS',
          provider: { status: 401, body: { error: 'invalid_signature' } },
        });
        expect(created.body.error.message).toContain('_MERCHANT_SIGNATURE_SEPARATOR');
        expect(harness.sandbox.payments.state.size).toBe(before);
      });
    },
  );
});
