import { createRoot, toPem } from '@connectpay-kit/testing-pki';
import { Agent, request } from 'undici';
import {
  ClientCertificateRefusedError,
  CredentialsMissingError,
  createConnectPayClient,
  CredentialsRejectedError,
  ServerCertificateUntrustedError,
} from '@connectpay-kit/transport';
import { mapConnectionError } from '../src/tls-errors.js';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { failure } from './support/failure.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

let pki: TransportPki;
let mtlsServer: TestServer;

beforeAll(async () => {
  pki = await createTransportPki();
  mtlsServer = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    handler: (_req, _body, res) => json(res, 200, { currencies: ['EUR'] }),
  });
});
afterAll(() => mtlsServer.close());

function client(
  mtls: { certChainPem: string; privateKeyPem: string } | undefined,
  caPem: string | null = pki.serverRoot.pem,
) {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: mtlsServer.url, oneway: 'https://127.0.0.1:9' },
    ...(mtls ? { mtls } : {}),
    ...(caPem ? { caPem } : {}),
    basic: { clientId: 'client-1', clientSecret: 'secret-1' },
    retry: { maxAttempts: 1 },
  });
}

describe('mTLS strategy against a server that requires a client certificate', () => {
  it('presents the configured chain, which the server accepts', async () => {
    const cp = client({ certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem });
    const response = await cp.call('reference.currencies');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ currencies: ['EUR'] });
    const seen = mtlsServer.requests.at(-1);
    expect(seen?.clientCertFingerprint).toBe(cp.identity?.leafFingerprint);
    expect(seen?.headers.authorization).toBe(`Basic ${Buffer.from('client-1:secret-1').toString('base64')}`);
    expect(seen?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await cp.close();
  });

  it('is refused with an expired client certificate, and says so', async () => {
    const expired = await pki.issueClient({ validity: { days: 30, startsInDays: -60 } });
    const cp = client({ certChainPem: expired.chainPem, privateKeyPem: expired.keyPem });
    const error = await failure(cp.call('reference.currencies'));
    expect(error).toBeInstanceOf(ClientCertificateRefusedError);
    expect(error.code).toBe('TRANSPORT_CLIENT_CERT_REFUSED');
    expect((error as ClientCertificateRefusedError).probableCause).toBe('expired');
    expect(error.message).toContain(`expired on ${expired.leaf.notAfter.toISOString()}`);
    await cp.close();
  });

  it('is refused with a certificate from a CA the server does not trust', async () => {
    const otherRoot = await createRoot({ subject: 'CN=Someone Else Root' });
    const stranger = await otherRoot.issue({ subject: 'CN=stranger', extendedKeyUsage: ['clientAuth'] });
    const cp = client({ certChainPem: toPem([stranger, otherRoot]), privateKeyPem: stranger.privateKeyPem });
    const error = await failure(cp.call('reference.currencies'));
    expect(error).toBeInstanceOf(ClientCertificateRefusedError);
    // The server just closes the socket, so the client can only name the likely causes.
    expect((error as ClientCertificateRefusedError).probableCause).toBe('unknown');
    expect(error.message).toMatch(/not registered with ConnectPay/);
    await cp.close();
  });

  it('does not send a cert-protected call without a client certificate', async () => {
    const cp = client(undefined);
    const before = mtlsServer.requests.length;
    const error = await failure(cp.call('reference.currencies'));
    expect(error).toBeInstanceOf(CredentialsMissingError);
    expect(error.message).toContain('CONNECTPAY_LOCAL_CLIENT_CERT_FILE');
    expect(mtlsServer.requests.length).toBe(before);
    await cp.close();
  });

  it('maps the server refusing a connection without a certificate to a typed "missing" refusal', async () => {
    const agent = new Agent({ connect: { ca: pki.serverRoot.pem } });
    let caught: unknown;
    try {
      const response = await request(`${mtlsServer.url}/reference/v1/currencies`, { dispatcher: agent });
      await response.body.text();
    } catch (error) {
      caught = error;
    }
    await agent.close();
    const mapped = mapConnectionError(caught, 'mtls', { origin: mtlsServer.url }, null);
    expect(mapped).toBeInstanceOf(ClientCertificateRefusedError);
    expect((mapped as ClientCertificateRefusedError).probableCause).toBe('missing');
  });

  it('refuses a server certificate it cannot verify (no CA_FILE for a private CA)', async () => {
    const cp = client({ certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem }, null);
    const error = await failure(cp.call('reference.currencies'));
    expect(error).toBeInstanceOf(ServerCertificateUntrustedError);
    expect(error.message).toContain('CA_FILE');
    await cp.close();
  });

  it('refuses a private key that is not the leaf certificate’s', async () => {
    const other = await pki.issueClient();
    expect(() => client({ certChainPem: pki.clientChainPem, privateKeyPem: other.keyPem })).toThrow(
      CredentialsRejectedError,
    );
  });
});
