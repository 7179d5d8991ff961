import type { IncomingMessage } from 'node:http';
import { createConnectPayClient, type ConnectPayClient, TransportMisuseError } from '@connectpay-kit/transport';
import { failure } from './support/failure.js';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

// BaaS with ConnectPay SCA: partner paths on the one-way host take x-connectpay-api-key with
// base64(ClientKey:ClientSecret) (docs:/banking-as-a-service-witch-connectpays-sca-beta/api-authentication-requirements).
let pki: TransportPki;
let oneway: TestServer;
let client: ConnectPayClient;
const seen: { apiKey: string | undefined; authorization: string | undefined }[] = [];

beforeAll(async () => {
  pki = await createTransportPki();
  oneway = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    handler: (request: IncomingMessage, _body, response) => {
      seen.push({
        apiKey: request.headers['x-connectpay-api-key'] as string | undefined,
        authorization: request.headers.authorization,
      });
      json(response, 201, { userId: 'u-1' });
    },
  });
  client = createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: 'https://127.0.0.1:9', oneway: oneway.url },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'ConnectPay', clientSecret: 'EasyBanking' },
    retry: { maxAttempts: 1 },
  });
});

afterAll(async () => {
  await client?.close();
  await oneway?.close();
});

describe('the baas-sca-partner scheme', () => {
  it("sends the documented example's x-connectpay-api-key on the one-way host, and no Authorization", async () => {
    const response = await client.call('baas-sca.users.create', { body: { email: 'user@example.com' } });
    expect(response.status).toBe(201);
    // The page's example: ClientKey "ConnectPay", ClientSecret "EasyBanking".
    expect(seen.at(-1)).toEqual({ apiKey: 'Q29ubmVjdFBheTpFYXN5QmFua2luZw==', authorization: undefined });
  });

  it('does not let a caller set the API key header itself', async () => {
    const error = await failure(
      client.call('baas-sca.users.create', { body: {}, headers: { 'X-ConnectPay-Api-Key': 'forged' } }),
    );
    expect(error).toBeInstanceOf(TransportMisuseError);
  });

  it('refuses a client path, whose credential is a user’s own 5-minute token, with a clear misuse error', async () => {
    const before = seen.length;
    const error = await failure(client.call('baas-sca.users.logout'));
    expect(error).toBeInstanceOf(TransportMisuseError);
    expect((error as Error).message).toMatch(/user's own Bearer token and IP/);
    expect(seen.length).toBe(before);
  });
});
