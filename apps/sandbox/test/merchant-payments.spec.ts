import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import { createConnectPayClient, type ConnectPayClient, type ProviderHttpError } from '@connectpay-kit/transport';
import { Agent, request } from 'undici';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '../src/index.js';

// Merchant API v2 as the sandbox serves it: the published contract (packages/hosts), stage's test
// data and status progression, and notificationUrl callbacks with the Get Payment Details body.

const dir = mkdtempSync(join(tmpdir(), 'sandbox-merchant-'));
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
let manual: RunningSandbox;
let auto: RunningSandbox;
let manualClient: ConnectPayClient;
let autoClient: ConnectPayClient;
let browser: Agent;
let receiver: Server;
let receiverUrl: string;
const received: { path: string; headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];

// The published example body (docs.connectpay.com/business-apis/accept-payments/basic-authorization-and-brand-information).
const PUBLISHED = {
  merchant: {
    brandId: '6ce66290-6d1a-4d2a-9c1c-6a7c3d1f1e11',
    redirectUrl: 'https://localhost',
    generic1: 'sticky',
    generic2: 'architectures',
    generic3: 'seize',
  },
  payment: {
    paymentMethod: ['PIS'],
    providerCountryCode: 'FI',
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

interface Details {
  payment: Record<string, unknown>;
  status: { code: string; isTerminal: boolean };
  [group: string]: unknown;
}

function clientFor(sandbox: RunningSandbox): ConnectPayClient {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: sandbox.mtlsUrl, oneway: sandbox.onewayUrl },
    caPem: read('ca.pem'),
    basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
    merchant: { privateKeyPem: read('merchant.key') },
    retry: { maxAttempts: 1 },
  });
}

beforeAll(async () => {
  await ensureDevPki(dir);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.end('OK');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const pki = optionsFromDevPki(dir);
  const webhook = {
    url: `${receiverUrl}/webhooks/connectpay`,
    tokenHeader: 'x-connectpay-webhook-token',
    token: pki.webhookToken,
  };
  manual = await startSandbox({ ...pki, mtlsPort: 0, onewayPort: 0, webhook, webhookRetryDelaysMs: [10] });
  auto = await startSandbox({ ...pki, mtlsPort: 0, onewayPort: 0, autoAdvanceMs: 5 });
  manualClient = clientFor(manual);
  autoClient = clientFor(auto);
  browser = new Agent({ connect: { ca: read('ca.pem') } });
});

afterAll(async () => {
  await Promise.all([manualClient?.close(), autoClient?.close(), browser?.close()]);
  await Promise.all([manual?.close(), auto?.close()]);
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function create(client: ConnectPayClient, body: unknown): Promise<string> {
  const created = await client.call<{ payment: { paymentId: string; redirectUrl: string } }>(
    'merchant.payments.create',
    { body },
  );
  expect(created.status).toBe(201);
  return created.body.payment.paymentId;
}

async function details(client: ConnectPayClient, paymentId: string): Promise<Details> {
  return (await client.call<Details>('merchant.payments.get', { params: { paymentId } })).body;
}

async function control(
  sandbox: RunningSandbox,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await request(`${sandbox.onewayUrl}${path}`, {
    method: 'POST',
    dispatcher: browser,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: response.statusCode, body: await response.body.json() };
}

/** Moves a payment of the manual sandbox along its path until it stops, as the automatic steps would. */
async function drive(paymentId: string): Promise<void> {
  for (let step = 0; step < 6; step += 1) await control(manual, `/sandbox/v1/payments/${paymentId}/advance`);
}

/** Waits (bounded) until the sandbox has no automatic step left for the payment. */
async function finished(sandbox: RunningSandbox, paymentId: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (sandbox.payments.isMoving(paymentId)) {
    if (Date.now() > deadline) throw new Error(`payment ${paymentId} still moving after 10 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('sandbox: Initiate Payment and Get Payment Details as published', () => {
  it('answers 201 with paymentId and redirectUrl only, and details with every field forwarded and status{code,isTerminal}', async () => {
    const created = await manualClient.call<unknown>('merchant.payments.create', { body: PUBLISHED });
    expect(created.body).toEqual({
      payment: {
        paymentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        redirectUrl: expect.stringContaining('/sandbox/pay/'),
      },
    });
    const paymentId = (created.body as { payment: { paymentId: string } }).payment.paymentId;
    const body = await details(manualClient, paymentId);
    expect(body).toMatchObject({
      merchant: { generic1: 'sticky', generic2: 'architectures', generic3: 'seize' },
      payment: {
        paymentId,
        paymentMethod: 'PIS',
        debtorName: 'Wehner, Padberg and Pfannerstill',
        instructedAmount: { amount: '1.23', currency: 'EUR' },
        remittanceInformationUnstructured: 'Self-enabling homogeneous utilisation',
      },
      identifiers: PUBLISHED.identifiers,
      consumer: PUBLISHED.consumer,
      status: { code: 'PendingMerchant', isTerminal: false },
    });
    expect(manual.payments.state.get(paymentId)?.request.merchant.language).toBe('EN');
  });

  it.each([
    [
      'currency XYZ',
      { instructedAmount: { amount: '1.23', currency: 'XYZ' } },
      /payment\.instructedAmount\.currency: must be an ISO 4217/,
    ],
    [
      'amount "0.00"',
      { instructedAmount: { amount: '0.00', currency: 'EUR' } },
      /payment\.instructedAmount\.amount: must be greater than 0/,
    ],
    [
      'amount "0"',
      { instructedAmount: { amount: '0', currency: 'EUR' } },
      /payment\.instructedAmount\.amount: must be greater than 0/,
    ],
    [
      'a numeric amount',
      { instructedAmount: { amount: 1.23, currency: 'EUR' } },
      /payment\.instructedAmount\.amount: must be a string, not a JSON number/,
    ],
    [
      'a negative amount',
      { instructedAmount: { amount: '-1.23', currency: 'EUR' } },
      /payment\.instructedAmount\.amount: must be greater than 0/,
    ],
    ['a string paymentMethod', { paymentMethod: 'PIS' }, /payment\.paymentMethod: must be an array of payment methods/],
  ])('refuses %s with 400 naming the field and the rule', async (_name, change, message) => {
    const before = manual.payments.state.size;
    const error = (await manualClient
      .call('merchant.payments.create', { body: { ...PUBLISHED, payment: { ...PUBLISHED.payment, ...change } } })
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as ProviderHttpError;
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ error: 'validation_error', error_description: expect.stringMatching(message) });
    expect(manual.payments.state.size).toBe(before);
  });

  it('takes a BaaS client body without paymentMethod and providerCountryCode (optional there), and goes through with PIS', async () => {
    const { paymentMethod: _m, providerCountryCode: _c, ...payment } = PUBLISHED.payment;
    const created = await manualClient.call<{ payment: { paymentId: string } }>('baas.merchant.payments.create', {
      body: { ...PUBLISHED, payment },
    });
    expect(created.status).toBe(201);
    const paymentId = created.body.payment.paymentId;
    await drive(paymentId);
    const fetched = await manualClient.call<Details>('baas.merchant.payments.get', { params: { paymentId } });
    expect(fetched.body).toMatchObject({ payment: { paymentMethod: 'PIS' }, status: { code: 'Approved' } });
    const single = await manualClient
      .call('merchant.payments.create', { body: { ...PUBLISHED, payment } })
      .catch((e: unknown) => e);
    expect((single as ProviderHttpError).status).toBe(400);
  });

  it('refuses a request signed with another key, as the provider would', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const stranger = createConnectPayClient({
      environment: 'local',
      baseUrls: { mtls: manual.mtlsUrl, oneway: manual.onewayUrl },
      caPem: read('ca.pem'),
      basic: { clientId: read('client-id.txt').trim(), clientSecret: read('client-secret.txt').trim() },
      merchant: {
        privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
      },
      retry: { maxAttempts: 1 },
    });
    const error = (await stranger
      .call('merchant.payments.create', { body: PUBLISHED })
      .catch((e: unknown) => e)) as ProviderHttpError;
    expect(error.status).toBe(401);
    expect(error.body).toMatchObject({ error: 'invalid_signature' });
    await stranger.close();
  });
});

describe('sandbox: stage test data and status progression', () => {
  it('goes PendingMerchant -> InProgress -> Processing -> PendingProvider -> Approved on its own', async () => {
    const paymentId = await create(autoClient, PUBLISHED);
    await finished(auto, paymentId);
    expect((await details(autoClient, paymentId)).status).toEqual({ code: 'Approved', isTerminal: true });
    expect(auto.payments.state.get(paymentId)?.history.map((change) => change.code)).toEqual([
      'Initiated',
      'PendingMerchant',
      'InProgress',
      'Processing',
      'PendingProvider',
      'Approved',
    ]);
  });

  it('keeps 99.99 EUR in PendingProvider (manual review)', async () => {
    const paymentId = await create(autoClient, {
      ...PUBLISHED,
      payment: { ...PUBLISHED.payment, instructedAmount: { amount: '99.99', currency: 'EUR' } },
    });
    await finished(auto, paymentId);
    expect((await details(autoClient, paymentId)).status).toEqual({ code: 'PendingProvider', isTerminal: false });
  });

  it.each([
    ['4544249167673670', 'Failed'],
    ['4539253655711767', 'Failed'],
    ['4485040371536584', 'Approved'],
    ['5436031030606378', 'Approved'],
  ])('ends a card payment with test card %s in %s', async (cardNumber, outcome) => {
    // The manual sandbox: the payer's choice cannot race an automatic step.
    const paymentId = await create(manualClient, {
      ...PUBLISHED,
      payment: { ...PUBLISHED.payment, paymentMethod: ['PIS', 'CARD'] },
    });
    expect(
      (await control(manual, `/sandbox/v1/payments/${paymentId}/pay`, { paymentMethod: 'CARD', cardNumber })).status,
    ).toBe(200);
    await drive(paymentId);
    const body = await details(manualClient, paymentId);
    expect(body.status.code).toBe(outcome);
    expect(body.payment['paymentMethod']).toBe('CARD');
  });

  it('checks the DE fake bank credentials, and a cancelled payment ends Abandoned', async () => {
    const body = { ...PUBLISHED, payment: { ...PUBLISHED.payment, providerCountryCode: 'DE' } };
    const wrong = await create(manualClient, body);
    await control(manual, `/sandbox/v1/payments/${wrong}/pay`, {
      paymentMethod: 'PIS',
      username: 'username',
      password: 'wrong',
      code: '123456',
    });
    const right = await create(manualClient, body);
    await control(manual, `/sandbox/v1/payments/${right}/pay`, {
      paymentMethod: 'PIS',
      username: 'username',
      password: 'secret',
      code: '123456',
    });
    const cancelled = await create(manualClient, body);
    await control(manual, `/sandbox/v1/payments/${cancelled}/pay`, { cancel: true });
    for (const id of [wrong, right, cancelled]) await drive(id);
    expect((await details(manualClient, wrong)).status.code).toBe('Failed');
    const approved = await details(manualClient, right);
    expect(approved.status.code).toBe('Approved');
    expect(approved.payment).toMatchObject({
      providerId: 'c3e4f215-dde4-4d0c-9a48-bc7274c90977',
      providerName: 'Fake Bank with Client Keys',
    });
    expect((await details(manualClient, cancelled)).status).toEqual({ code: 'Abandoned', isTerminal: true });
  });

  it('serves the widget as a page whose card form records the choice and returns to redirectUrl', async () => {
    const paymentId = await create(manualClient, {
      ...PUBLISHED,
      payment: { ...PUBLISHED.payment, paymentMethod: ['CARD'], providerCountryCode: 'LT' },
    });
    const page = await request(`${manual.onewayUrl}/sandbox/pay/${paymentId}`, { dispatcher: browser });
    expect(page.statusCode).toBe(200);
    const html = await page.body.text();
    expect(html).toContain('4544249167673670');
    expect(html).toContain('Fake Bank with Client Keys');
    const submitted = await request(`${manual.onewayUrl}/sandbox/pay/${paymentId}`, {
      method: 'POST',
      dispatcher: browser,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'paymentMethod=CARD&cardNumber=4544249167673670',
    });
    await submitted.body.dump();
    expect(submitted.statusCode).toBe(303);
    expect(submitted.headers['location']).toBe(PUBLISHED.merchant.redirectUrl);
    await drive(paymentId);
    expect((await details(manualClient, paymentId)).status.code).toBe('Failed');
  });

  it('lets the payer choose only before the payment goes to the provider', async () => {
    const paymentId = await create(manualClient, PUBLISHED);
    await drive(paymentId);
    const late = await control(manual, `/sandbox/v1/payments/${paymentId}/pay`, {
      paymentMethod: 'CARD',
      cardNumber: '4242424242424242',
    });
    expect(late).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
  });

  it('moves a payment as dev-support would (Settled after Approved) and refuses a move the payment cannot make', async () => {
    const paymentId = await create(manualClient, PUBLISHED);
    for (let step = 0; step < 4; step += 1) await control(manual, `/sandbox/v1/payments/${paymentId}/advance`);
    expect((await details(manualClient, paymentId)).status.code).toBe('Approved');
    const settled = await control(manual, `/sandbox/v1/payments/${paymentId}/status`, { code: 'Settled' });
    expect(settled).toMatchObject({ status: 200, body: { status: { code: 'Settled', isTerminal: true } } });
    const back = await control(manual, `/sandbox/v1/payments/${paymentId}/status`, { code: 'Processing' });
    expect(back).toMatchObject({ status: 409, body: { error: 'invalid_state' } });
  });
});

describe('sandbox: notificationUrl callbacks', () => {
  it('POSTs the Get Payment Details body on each change, and the subscribed webhook with the token', async () => {
    const notificationUrl = `${receiverUrl}/notify`;
    const paymentId = await create(manualClient, {
      ...PUBLISHED,
      merchant: { ...PUBLISHED.merchant, notificationUrl },
    });
    await control(manual, `/sandbox/v1/payments/${paymentId}/advance`);
    await manual.payments.settled();
    const hints = received.filter((r) => r.path === '/notify' && JSON.stringify(r.body).includes(paymentId));
    expect(hints.map((hint) => (hint.body as unknown as Details).status.code)).toEqual(['InProgress']);
    expect(hints[0]?.body).toEqual(await details(manualClient, paymentId));
    expect(hints[0]?.headers['x-connectpay-webhook-token']).toBeUndefined();
    const subscription = received.find(
      (r) =>
        r.path === '/webhooks/connectpay' &&
        JSON.stringify(r.body).includes('InProgress') &&
        JSON.stringify(r.body).includes(paymentId),
    );
    expect(subscription?.headers['x-connectpay-webhook-token']).toBe(read('webhook-token.txt').trim());
    expect(subscription?.body).toMatchObject({
      type: 'MerchantPayment.InProgress',
      data: { status: { code: 'InProgress' } },
    });
  });

  it('with callbackDisorder, sends each change several times, each with the body as it was', async () => {
    const pki = optionsFromDevPki(dir);
    const disorderly = await startSandbox({
      ...pki,
      mtlsPort: 0,
      onewayPort: 0,
      autoAdvanceMs: 5,
      callbackDisorder: { copies: 3, maxDelayMs: 50 },
    });
    const client = clientFor(disorderly);
    try {
      const notificationUrl = `${receiverUrl}/disorder`;
      const paymentId = await create(client, { ...PUBLISHED, merchant: { ...PUBLISHED.merchant, notificationUrl } });
      await finished(disorderly, paymentId);
      await disorderly.payments.settled();
      const codes = received
        .filter((r) => r.path === '/disorder')
        .map((r) => (r.body as unknown as Details).status.code)
        .sort();
      expect(codes).toEqual(
        ['InProgress', 'Processing', 'PendingProvider', 'Approved'].flatMap((code) => [code, code, code]).sort(),
      );
    } finally {
      await client.close();
      await disorderly.close();
    }
  });
});
