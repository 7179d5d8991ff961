import { Agent, request as undiciRequest } from 'undici';
import request from 'supertest';
import { API_KEY, startHarness, type Harness } from './support/harness.js';

let harness: Harness;
const REDIRECT = 'https://127.0.0.1/callback';

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** What a person does in the provider's portal: the sandbox issues an auth code for a redirect URL. */
async function issueAuthCode(): Promise<string> {
  const agent = new Agent({ connect: { ca: harness.read('ca.pem') } });
  try {
    const response = await undiciRequest(`${harness.sandbox.onewayUrl}/sandbox/v1/auth-codes`, {
      method: 'POST',
      body: JSON.stringify({ redirectUrl: REDIRECT, scope: 'psd2-ais' }),
      dispatcher: agent,
    });
    return ((await response.body.json()) as { code: string }).code;
  } finally {
    await agent.close();
  }
}

describe('OAuth code exchange, then Person data over mTLS + bearer', () => {
  it('answers 409 for accounts before any auth code was exchanged', async () => {
    const response = await request(harness.url).get('/v1/accounts').set(API_KEY);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('TRANSPORT_NEW_AUTH_CODE_REQUIRED');
    const status = await request(harness.url).get('/v1/oauth/status').set(API_KEY);
    expect(status.body).toEqual({ state: 'none' });
  });

  it('exchanges a code, lists accounts with the stored token, and reports the token state without values', async () => {
    const exchanged = await request(harness.url)
      .post('/v1/oauth/token')
      .set(API_KEY)
      .send({ code: await issueAuthCode(), redirectUri: REDIRECT });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body).toMatchObject({ state: 'valid', scope: 'psd2-ais' });
    expect(JSON.stringify(exchanged.body)).not.toMatch(/at_|rt_/);

    const accounts = await request(harness.url).get('/v1/accounts').set(API_KEY);
    expect(accounts.status).toBe(200);
    expect(accounts.body.accounts).toHaveLength(2);
    expect(accounts.body.accounts[0]).toMatchObject({ accountId: 'acc-1', currency: 'EUR' });

    const status = await request(harness.url).get('/v1/oauth/status').set(API_KEY);
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      state: 'valid',
      scope: 'psd2-ais',
      // client_customer_name, masked by the provider (the sandbox answers as dev:/access-tokens shows).
      customerName: expect.stringMatching(/^\w{2}\*+\w{2}$/),
      accessTokenExpiresAt: expect.any(String),
      refreshTokenExpiresAt: expect.any(String),
      obtainedAt: expect.any(String),
    });
    expect(Date.parse(status.body.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
  });

  it("passes the provider's refusal of a used code through as 400 with its body", async () => {
    const code = await issueAuthCode();
    const first = await request(harness.url).post('/v1/oauth/token').set(API_KEY).send({ code, redirectUri: REDIRECT });
    expect(first.status).toBe(200);
    const again = await request(harness.url).post('/v1/oauth/token').set(API_KEY).send({ code, redirectUri: REDIRECT });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({
      code: 'PROVIDER_ERROR',
      provider: { status: 400, body: { error: 'invalid_grant' } },
    });
  });

  it('validates the exchange body', async () => {
    const response = await request(harness.url)
      .post('/v1/oauth/token')
      .set(API_KEY)
      .send({ code: '', redirectUri: 'not a url' });
    expect(response.status).toBe(400);
    expect((response.body.error.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'code',
      'redirectUri',
    ]);
  });
});
