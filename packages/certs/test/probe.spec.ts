// probeHandshake against real TLS servers on 127.0.0.1: a Node server that requires a client
// certificate (as the sandbox and ConnectPay do) and `openssl s_server -Verify`. Both must give the
// same verdicts: OK for a good chain, unknown CA, expired, wrong EKU, and no certificate.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import { probeHandshake, type ProbeReport } from '@connectpay-kit/certs';
import { createRoot, type CertificateAuthority, type GeneratedCertificate } from '@connectpay-kit/testing-pki';

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
let root: CertificateAuthority;
let issuing: CertificateAuthority;
let serverCertificate: GeneratedCertificate;
let clients: Record<'good' | 'otherRoot' | 'expired' | 'serverAuthOnly' | 'revoked', { chain: string; key: string }>;
/** The root's CRL (revoking nothing) and the issuing CA's, revoking the "revoked" client. */
let rootCrl: string;
let issuingCrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'certs-probe-'));
  root = await createRoot({ subject: { commonName: 'Probe Root' } });
  issuing = await root.issue({ ca: true, subject: { commonName: 'Probe Issuing CA' } });
  serverCertificate = await issuing.issue({
    subject: { commonName: 'localhost' },
    subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1'] },
    extendedKeyUsage: ['serverAuth'],
  });
  const other = await createRoot({ subject: { commonName: 'Some Other Root' } });
  const otherIssuing = await other.issue({ ca: true });
  const now = Date.now();
  const client = async (ca: CertificateAuthority, spec: Parameters<CertificateAuthority['issue']>[0]) => {
    const leaf = await ca.issue({ subject: { commonName: 'client.example.com' }, ...spec });
    return { chain: [leaf.pem, ca.pem].join(''), key: leaf.privateKeyPem, serial: leaf.serialNumber };
  };
  const revoked = await client(issuing, { extendedKeyUsage: ['clientAuth'] });
  rootCrl = (await root.crl()).pem;
  issuingCrl = (await issuing.crl({ revoked: [revoked.serial] })).pem;
  clients = {
    good: await client(issuing, { extendedKeyUsage: ['clientAuth'] }),
    otherRoot: await client(otherIssuing, { extendedKeyUsage: ['clientAuth'] }),
    expired: await client(issuing, {
      extendedKeyUsage: ['clientAuth'],
      validity: { notBefore: new Date(now - 100 * DAY), notAfter: new Date(now - DAY) },
    }),
    serverAuthOnly: await client(issuing, { extendedKeyUsage: ['serverAuth'] }),
    revoked,
  };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  readonly url: string;
  stop(): Promise<void>;
}

/** A Node TLS server that requires a client certificate from the probe root, as the sandbox's mTLS host does. */
async function nodeServer(): Promise<Running> {
  const server: Server = createTlsServer({
    cert: [serverCertificate.pem, issuing.pem].join(''),
    key: serverCertificate.privateKeyPem,
    ca: [root.pem],
    crl: [rootCrl, issuingCrl],
    requestCert: true,
    rejectUnauthorized: true,
  });
  server.on('secureConnection', (socket) => socket.on('error', () => undefined));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** openssl s_server -Verify 3: requires a client certificate and refuses one that does not verify. */
async function opensslServer(): Promise<Running> {
  const files = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const port = await freePort();
  const child: ChildProcess = spawn(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-cert',
      files('server.pem', serverCertificate.pem),
      '-cert_chain',
      files('server-chain.pem', issuing.pem),
      '-key',
      files('server.key', serverCertificate.privateKeyPem),
      '-CAfile',
      files('root.pem', root.pem),
      '-CRL',
      files('issuing-crl.pem', issuingCrl),
      '-crl_check',
      '-Verify',
      '3',
      '-verify_return_error',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('openssl s_server did not start within 10 s')), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ACCEPT')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`openssl s_server exited with ${code}`)));
  });
  return {
    url: `https://127.0.0.1:${port}`,
    stop: async () => {
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function probe(url: string, client?: { chain: string; key: string }): Promise<ProbeReport> {
  return probeHandshake({
    url,
    caPem: root.pem,
    timeoutMs: 5000,
    ...(client ? { certificateChainPem: client.chain, privateKeyPem: client.key } : {}),
  });
}

describe.each([
  ['a Node TLS server requiring a client certificate', nodeServer, false],
  ['openssl s_server -Verify 3', opensslServer, true],
])('probeHandshake against %s', (_name, start, sendsAlerts) => {
  let server: Running;
  beforeAll(async () => {
    server = await start();
  }, 20_000);
  afterAll(() => server.stop());

  it('accepts the good chain and shows the server chain and the CA names it accepts', async () => {
    const report = await probe(server.url, clients.good);
    expect(report.verdict).toBe('accepted');
    expect(report.server.trusted).toBe(true);
    expect(report.server.chain.map((c) => c.subject)).toEqual(['CN=localhost', 'CN=Probe Issuing CA', 'CN=Probe Root']);
    expect(report.clientCertificateRequested).toBe(true);
    expect(report.acceptableCaNames).toEqual([expect.stringContaining('Probe Root')]);
    expect(report.presented?.subject).toBe('CN=client.example.com');
  });

  it.each<[keyof typeof clients, string, string | undefined]>([
    ['otherRoot', 'unknown_ca', 'ca.public-trust'],
    ['expired', 'certificate_expired', 'validity.expired'],
    ['serverAuthOnly', 'unsupported_certificate', 'eku.client-auth'],
  ])('refuses the %s chain with the alert %s, mapped to %s', async (client, alert, rule) => {
    const report = await probe(server.url, clients[client]);
    // OpenSSL sends the alert; a Node server closes without one, and the probe names what OpenSSL would send.
    expect({ verdict: report.verdict, alert: report.alert ?? report.inferredAlert, rule: report.cause.rule }).toEqual({
      verdict: 'refused',
      alert,
      rule,
    });
  });

  it('refuses a revoked client certificate (OpenSSL names it; a Node server only closes)', async () => {
    const report = await probe(server.url, clients.revoked);
    expect(report.verdict).toBe('refused');
    if (sendsAlerts)
      expect(report).toMatchObject({ alert: 'certificate_revoked', cause: { rule: 'revocation.revoked' } });
    else expect(report.cause.explanation).toContain('closed the connection right after the handshake');
  });

  it('without a client certificate: refused, the server requires one', async () => {
    const report = await probe(server.url);
    expect(report.verdict).toBe('refused');
    expect(report.clientCertificateRequested).toBe(true);
    expect(report.cause.explanation).toContain('requires a client certificate');
  });
});

describe('probeHandshake before any connection', () => {
  it('refuses a key that does not belong to the certificate', async () => {
    await expect(
      probeHandshake({
        url: 'https://127.0.0.1:9',
        certificateChainPem: clients.good.chain,
        privateKeyPem: clients.expired.key,
      }),
    ).rejects.toThrow(/does not belong to the first certificate/);
  });

  it('reports an address where nothing listens as unreachable', async () => {
    const report = await probeHandshake({ url: `https://127.0.0.1:${await freePort()}`, askOpenSslForCaNames: false });
    expect(report.verdict).toBe('unreachable');
  });
});
