import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRoot, toPem } from '@connectpay-kit/testing-pki';
import request from 'supertest';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '@connectpay-kit/sandbox';
import { API_KEY, startGateway, tempDevPki, type GatewayOnlyHarness } from './support/harness.js';

let pkiDir: string;
let sandbox: RunningSandbox;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  pkiDir = await tempDevPki();
  sandbox = await startSandbox({ ...optionsFromDevPki(pkiDir), mtlsPort: 0, onewayPort: 0 });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await sandbox.close();
  rmSync(dirname(pkiDir), { recursive: true, force: true });
});

async function gateway(env: Record<string, string>): Promise<GatewayOnlyHarness> {
  const started = await startGateway(pkiDir, env);
  cleanups.push(() => started.close());
  return started;
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a client chain from another CA', () => {
  let intruder: GatewayOnlyHarness;

  beforeAll(async () => {
    const root = await createRoot({ subject: 'CN=Not The Dev Root' });
    const leaf = await root.issue({ subject: 'CN=intruder', extendedKeyUsage: ['clientAuth'] });
    const dir = mkdtempSync(join(tmpdir(), 'gateway-intruder-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'chain.pem'), toPem([leaf, root]));
    writeFileSync(join(dir, 'key.pem'), leaf.privateKeyPem, { mode: 0o600 });
    intruder = await gateway({
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: sandbox.onewayUrl,
      CONNECTPAY_LOCAL_CLIENT_CERT_FILE: join(dir, 'chain.pem'),
      CONNECTPAY_LOCAL_CLIENT_KEY_FILE: join(dir, 'key.pem'),
    });
  });

  it('gives a typed 502 that says the client certificate was refused, and why', async () => {
    const response = await request(intruder.url).post('/v1/catalog/reference.currencies').set(API_KEY).send({});
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({
      code: 'TRANSPORT_CLIENT_CERT_REFUSED',
      cause: expect.stringMatching(/^(untrusted|unknown|missing)$/),
      message: expect.stringContaining('client certificate'),
      requestId: response.headers['x-request-id'],
    });
  });

  it('is not ready: the chain fails the provider rules', async () => {
    const response = await request(intruder.url).get('/health/ready');
    expect(response.status).toBe(503);
    expect(response.body.failing).toContain('certificate');
    expect(response.body.certificate.errors.map((finding: { rule: string }) => finding.rule)).toContain(
      'ca.public-trust',
    );
  });

  it('lists the refusal among the recent upstream errors of the status page', async () => {
    const page = await request(intruder.url).get('/status');
    expect(page.text).toContain('TRANSPORT_CLIENT_CERT_REFUSED');
    expect(page.text).toContain('reference.currencies');
  });
});

describe('an upstream that never answers', () => {
  let hanging: Server;

  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it('answers 504 GATEWAY_UPSTREAM_TIMEOUT naming the phase', async () => {
    const read = (name: string) => readFileSync(join(pkiDir, name), 'utf8');
    hanging = createHttpsServer(
      { cert: read('server-oneway-chain.pem'), key: read('server-oneway.key') },
      () => undefined,
    );
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const slow = await gateway({
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
      GATEWAY_UPSTREAM_TIMEOUT_MS: '200',
    });
    const response = await request(slow.url).get('/v1/merchant/payments/p-1').set(API_KEY);
    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({ code: 'GATEWAY_UPSTREAM_TIMEOUT', cause: 'headers-timeout' });
  });
});

describe('the sandbox not running (yet)', () => {
  let down: GatewayOnlyHarness;

  beforeAll(async () => {
    down = await gateway({
      CONNECTPAY_LOCAL_MTLS_URL: `https://127.0.0.1:${await freePort()}`,
      CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${await freePort()}`,
    });
  });

  it('still starts: live, but not ready, naming the upstream', async () => {
    expect((await request(down.url).get('/health/live')).status).toBe(200);
    const ready = await request(down.url).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', failing: ['upstream'] });
    expect(ready.body.checks.upstream.detail).toContain('sandbox');
  });

  it('answers 502 TRANSPORT_CONNECTION_REFUSED with the socket error as cause', async () => {
    const response = await request(down.url).post('/v1/catalog/reference.currencies').set(API_KEY).send({});
    expect(response.status).toBe(502);
    expect(response.body.error).toMatchObject({ code: 'TRANSPORT_CONNECTION_REFUSED', cause: 'ECONNREFUSED' });
  });
});
