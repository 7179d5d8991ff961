import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import {
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DevPkiDirectoryNotOwnedError,
  DevPkiLockedError,
  ensureDevPki,
  writeRenewableDevPki,
  type DevPkiFile,
  type DevPkiPaths,
  type RenewableDevPki,
} from '../src/index.js';
import { openssl, scratchDir, type Scratch } from './support/tools.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const KEY_FILES: DevPkiFile[] = ['clientKey', 'serverMtlsKey', 'serverOnewayKey', 'merchantKey'];
const SECRET_FILES: DevPkiFile[] = [...KEY_FILES, 'clientSecret', 'webhookToken', 'tokenEncryptionKey'];

async function fingerprints(paths: DevPkiPaths): Promise<Record<string, string>> {
  const entries = await Promise.all(
    (Object.keys(DEV_PKI_FILES) as DevPkiFile[]).map(
      async (file) => [file, await readFile(paths[file], 'utf8')] as const,
    ),
  );
  return Object.fromEntries(entries);
}

function firstCertificate(pem: string): X509Certificate {
  return new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
}

describe('ensureDevPki', () => {
  let scratch: Scratch;
  let paths: DevPkiPaths;

  beforeAll(async () => {
    scratch = await scratchDir('testing-pki-dev-');
    const result = await ensureDevPki(join(scratch.dir, 'shared', '.dev-pki'));
    expect(result.generated).toBe(true);
    paths = result;
  });
  afterAll(() => scratch.dispose());

  it('writes every file of the layout, at absolute paths, with keys and secrets readable by the owner only', async () => {
    expect(paths.dir).toBe(join(scratch.dir, 'shared', '.dev-pki'));
    for (const file of Object.keys(DEV_PKI_FILES) as DevPkiFile[]) {
      expect(isAbsolute(paths[file])).toBe(true);
      expect(paths[file]).toBe(join(paths.dir, DEV_PKI_FILES[file]));
      const mode = (await stat(paths[file])).mode & 0o777;
      expect([file, mode]).toEqual([file, SECRET_FILES.includes(file) ? 0o600 : 0o644]);
    }
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
  });

  it('root, ca and chains: the dev root CA anchors a leaf-first client chain with the root included', async () => {
    const root = new X509Certificate(await readFile(paths.root));
    expect(root.subject).toContain('CN=ConnectPay Kit Dev Root CA');
    expect(await readFile(paths.ca, 'utf8')).toBe(await readFile(paths.root, 'utf8'));
    const chainPem = await readFile(paths.clientChain, 'utf8');
    const blocks = chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
    expect(blocks).toEqual([
      expect.any(String),
      await readFile(paths.intermediate, 'utf8'),
      await readFile(paths.root, 'utf8'),
    ]);
    const client = firstCertificate(chainPem);
    expect(client.subject).toContain(`CN=${DEV_CLIENT_ID}`);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(client.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(client.checkPrivateKey(createPrivateKey(await readFile(paths.clientKey, 'utf8')))).toBe(true);
    const verified = await openssl([
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      paths.ca,
      '-untrusted',
      paths.intermediate,
      paths.clientChain,
    ]);
    expect(verified.code).toBe(0);
    const text = (await openssl(['x509', '-in', paths.clientChain, '-noout', '-ext', 'keyUsage'])).stdout;
    expect(text).toMatch(/critical\s+Digital Signature\s*$/);
  });

  it('server chains serve localhost, sandbox (the compose service), 127.0.0.1 and ::1 with serverAuth', async () => {
    for (const [chain, key] of [
      [paths.serverMtlsChain, paths.serverMtlsKey],
      [paths.serverOnewayChain, paths.serverOnewayKey],
    ] as const) {
      const leaf = firstCertificate(await readFile(chain, 'utf8'));
      expect(leaf.subjectAltName).toBe('DNS:localhost, DNS:sandbox, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
      expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
      expect(leaf.checkPrivateKey(createPrivateKey(await readFile(key, 'utf8')))).toBe(true);
      const verified = await openssl([
        'verify',
        '-purpose',
        'sslserver',
        '-CAfile',
        paths.ca,
        '-untrusted',
        paths.intermediate,
        chain,
      ]);
      expect(verified.code).toBe(0);
    }
    expect(await readFile(paths.serverMtlsKey, 'utf8')).not.toBe(await readFile(paths.serverOnewayKey, 'utf8'));
  });

  it('completes a real mutual TLS handshake between the mTLS server files and the client files', async () => {
    const [serverCert, serverKey, clientCert, clientKey, ca] = await Promise.all(
      [paths.serverMtlsChain, paths.serverMtlsKey, paths.clientChain, paths.clientKey, paths.ca].map((file) =>
        readFile(file),
      ),
    );
    const server = createServer(
      { cert: serverCert, key: serverKey, ca, requestCert: true, rejectUnauthorized: true },
      (socket) => {
        socket.end(`hello ${socket.getPeerCertificate().subject.CN}`);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket: TLSSocket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          cert: clientCert,
          key: clientKey,
          ca,
        });
        let data = '';
        socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(reply).toBe(`hello ${DEV_CLIENT_ID}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('merchant key pair, client id and random secrets have their documented forms', async () => {
    const merchantKey = createPrivateKey(await readFile(paths.merchantKey, 'utf8'));
    const merchantPublic = createPublicKey(await readFile(paths.merchantPublicKey, 'utf8'));
    expect(merchantKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(await readFile(paths.merchantKey, 'utf8')).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}/);
    expect(await readFile(paths.merchantPublicKey, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const signature = sign('sha256', Buffer.from('payload'), merchantKey);
    expect(verify('sha256', Buffer.from('payload'), merchantPublic, signature)).toBe(true);
    expect(await readFile(paths.clientId, 'utf8')).toBe('local-dev-client');
    expect(await readFile(paths.clientSecret, 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await readFile(paths.webhookToken, 'utf8')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Buffer.from(await readFile(paths.tokenEncryptionKey, 'utf8'), 'base64')).toHaveLength(32);
  });

  it('manifest.json records version, creation time, the client expiry and the file names', async () => {
    const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as Record<string, unknown>;
    const client = firstCertificate(await readFile(paths.clientChain, 'utf8'));
    expect(manifest).toEqual({
      version: 2,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      clientNotAfter: new Date(client.validTo).toISOString(),
      files: DEV_PKI_FILES,
    });
  });

  it('is reused on a second call: same files, nothing regenerated', async () => {
    const before = await fingerprints(paths);
    const again = await ensureDevPki(paths.dir);
    expect(again.generated).toBe(false);
    expect(await fingerprints(again)).toEqual(before);
  });

  describe('regeneration', () => {
    let dir: string;
    beforeEach(() => {
      dir = join(scratch.dir, `regen-${Math.random().toString(36).slice(2)}`);
    });

    it('happens when a file is deleted', async () => {
      const first = await ensureDevPki(dir);
      const before = await fingerprints(first);
      await rm(first.clientKey);
      const second = await ensureDevPki(dir);
      expect(second.generated).toBe(true);
      expect(second.reason).toContain('client.key');
      const after = await fingerprints(second);
      expect(after.root).not.toBe(before.root);
      expect(after.clientKey).not.toBe(before.clientKey);
      expect((await stat(second.clientKey)).mode & 0o777).toBe(0o600);
    });

    it('happens when a file is corrupt or a key no longer matches its certificate', async () => {
      const first = await ensureDevPki(dir);
      await writeFile(first.clientChain, 'not a certificate');
      expect((await ensureDevPki(dir)).generated).toBe(true);
      const serverKey = await readFile(first.serverOnewayKey, 'utf8');
      await writeFile(first.serverMtlsKey, serverKey);
      const third = await ensureDevPki(dir);
      expect(third.generated).toBe(true);
      expect(third.reason).toContain('server-mtls.key');
    });

    it('happens when the client certificate expires within 30 days, not before', async () => {
      const now = new Date();
      const first = await ensureDevPki(dir, { now });
      const before = await fingerprints(first);
      const stillFine = await ensureDevPki(dir, { now: new Date(now.getTime() + 300 * DAY_MS) });
      expect(stillFine.generated).toBe(false);
      const later = new Date(now.getTime() + 340 * DAY_MS);
      const renewed = await ensureDevPki(dir, { now: later });
      expect(renewed.generated).toBe(true);
      expect(renewed.reason).toMatch(/expires/);
      expect((await fingerprints(renewed)).clientChain).not.toBe(before.clientChain);
      const client = firstCertificate(await readFile(renewed.clientChain, 'utf8'));
      expect(new Date(client.validTo).getTime()).toBeGreaterThan(later.getTime() + 300 * DAY_MS);
    });

    it('concurrent callers get one consistent dev PKI', async () => {
      const results = await Promise.all([ensureDevPki(dir), ensureDevPki(dir), ensureDevPki(dir)]);
      expect(results.filter((result) => result.generated)).toHaveLength(1);
      const first = results[0] as DevPkiPaths;
      const verified = await openssl([
        'verify',
        '-CAfile',
        first.ca,
        '-untrusted',
        first.intermediate,
        first.clientChain,
      ]);
      expect(verified.code).toBe(0);
      expect((await ensureDevPki(dir)).generated).toBe(false);
    });
  });

  describe('safety', () => {
    it('refuses to replace a folder holding files it did not write', async () => {
      const dir = join(scratch.dir, 'not-ours');
      await mkdir(dir);
      await writeFile(join(dir, 'notes.txt'), 'keep me');
      await expect(ensureDevPki(dir)).rejects.toBeInstanceOf(DevPkiDirectoryNotOwnedError);
      expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    });

    it('waits for a lock held by a live process, then reports it', async () => {
      const dir = join(scratch.dir, 'locked');
      await writeFile(`${dir}.lock`, JSON.stringify({ pid: process.pid }));
      try {
        await expect(ensureDevPki(dir, { lockTimeoutMs: 200 })).rejects.toBeInstanceOf(DevPkiLockedError);
      } finally {
        await rm(`${dir}.lock`, { force: true });
      }
    });

    it('takes over a lock left by a process that no longer runs', async () => {
      const dir = join(scratch.dir, 'stale-lock');
      await writeFile(`${dir}.lock`, JSON.stringify({ pid: 2 ** 22 + 12345 }));
      const result = await ensureDevPki(dir, { lockTimeoutMs: 5_000 });
      expect(result.generated).toBe(true);
      await expect(stat(`${dir}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });
});

describe('dev PKI versions', () => {
  it('regenerates a folder written by an older version instead of reusing it', async () => {
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { ensureDevPki } = await import('@connectpay-kit/testing-pki');
    const dir = join(await mkdtemp(join(tmpdir(), 'dev-pki-version-')), 'pki');
    const first = await ensureDevPki(dir);
    const manifest = JSON.parse(await readFile(first.manifest, 'utf8')) as Record<string, unknown>;
    await writeFile(first.manifest, JSON.stringify({ ...manifest, version: 1 }));
    const second = await ensureDevPki(dir);
    expect(second.generated).toBe(true);
    expect(second.reason).toMatch(/version 1, not 2/);
  });
});

describe('writeRenewableDevPki', () => {
  let scratch: Scratch;
  let pki: RenewableDevPki;

  beforeAll(async () => {
    scratch = await scratchDir('testing-pki-renewable-');
    pki = await writeRenewableDevPki(join(scratch.dir, '.dev-pki'));
  });
  afterAll(() => scratch.dispose());

  /** The client certificate a real mTLS server built from the dev PKI's server files sees. */
  async function presentedTo(paths: DevPkiPaths, cert: string, key: string): Promise<X509Certificate> {
    const [serverCert, serverKey, ca] = await Promise.all(
      [paths.serverMtlsChain, paths.serverMtlsKey, paths.ca].map((file) => readFile(file)),
    );
    const server = createServer(
      { cert: serverCert, key: serverKey, ca, requestCert: true, rejectUnauthorized: true },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      return await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', cert, key, ca }, () => {
          const own = socket.getCertificate();
          socket.destroy();
          resolve(new X509Certificate(own && 'raw' in own ? own.raw : Buffer.alloc(0)));
        });
        socket.on('error', reject);
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('writes the layout ensureDevPki() reuses, so the apps start on it unchanged', async () => {
    const reused = await ensureDevPki(pki.dir);
    expect(reused.generated).toBe(false);
  });

  it('renews the client certificate from the dev intermediate: the mTLS listener accepts the new chain', async () => {
    const original = firstCertificate(await readFile(pki.clientChain, 'utf8'));
    const renewed = await pki.renewClient();
    const presented = await presentedTo(pki, renewed.chainPem, renewed.keyPem);
    expect(presented.fingerprint256).toBe(renewed.fingerprint);
    expect(renewed.chainPem.startsWith(renewed.leafPem)).toBe(true);
    expect(renewed.fingerprint).not.toBe(original.fingerprint256);
    expect(presented.subject).toContain(`CN=${DEV_CLIENT_ID}`);
    expect(presented.checkIssued(firstCertificate(await readFile(pki.intermediate, 'utf8')))).toBe(true);
    expect(createPublicKey(createPrivateKey(renewed.keyPem)).equals(presented.publicKey)).toBe(true);
  });

  it('issues what the spec asks for, e.g. an already expired leaf', async () => {
    const renewed = await pki.renewClient({ validity: { from: new Date(Date.now() - 10 * DAY_MS), days: 1 } });
    expect(renewed.notAfter.getTime()).toBeLessThan(Date.now());
  });
});
