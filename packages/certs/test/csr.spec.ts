// createCsr: a key and PKCS#10 request that openssl accepts and that a CA signs into a chain cert-check passes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCsr, createCsr, verifyChain } from '@connectpay-kit/certs';
import { createRoot, keyPairFromPrivateKey } from '@connectpay-kit/testing-pki';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'certs-csr-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createCsr', () => {
  it.each(['rsa-2048', 'ec-p256'] as const)(
    '%s: openssl req -verify accepts it and sees clientAuth',
    async (keyType) => {
      const result = await createCsr({ subject: '/C=LT/O=Example Shop UAB/CN=client.example.com', keyType });
      expect(result.check).toMatchObject({
        ok: true,
        extendedKeyUsage: ['clientAuth'],
        dnsNames: ['client.example.com'],
      });
      expect(result.check.keyUsage).toContain('digitalSignature');
      expect(result.check.key).toBe(keyType === 'rsa-2048' ? 'RSA 2048 bits' : 'EC P-256');
      const file = join(dir, `${keyType}.csr`);
      writeFileSync(file, result.csrPem);
      const text = execFileSync('openssl', ['req', '-in', file, '-noout', '-verify', '-text'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      expect(text).toContain('TLS Web Client Authentication');
      expect(text).not.toContain('TLS Web Server Authentication');
      expect(text).toMatch(/Subject: C\s*=\s*LT, O\s*=\s*Example Shop UAB, CN\s*=\s*client\.example\.com/);
      expect(result.privateKeyPem).toMatch(/^-{5}BEGIN PRIVATE KEY-{5}\n/);
    },
  );

  it('a CA signs its key into a chain that cert-check passes, key included', async () => {
    const result = await createCsr({ subject: 'C=LT, O=Example Shop UAB, CN=client.example.com' });
    const root = await createRoot();
    const issuing = await root.issue({ ca: true });
    const leaf = await issuing.issue({
      key: keyPairFromPrivateKey(result.privateKeyPem),
      subject: { country: 'LT', organization: 'Example Shop UAB', commonName: 'client.example.com' },
      extendedKeyUsage: ['clientAuth'],
      subjectAltNames: { dns: ['client.example.com'] },
    });
    const report = await verifyChain([leaf.pem, issuing.pem, root.pem].join(''), {
      trust: [root.pem],
      publicTrust: false,
      offline: true,
      privateKeyPem: result.privateKeyPem,
    });
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('requests serverAuth only when asked, and says so otherwise', async () => {
    const both = await createCsr({ subject: '/CN=client.example.com', keyType: 'ec-p256', serverAuth: true });
    expect(both.check).toMatchObject({ ok: true, extendedKeyUsage: ['clientAuth', 'serverAuth'] });
    expect((await checkCsr(both.csrPem)).problems).toEqual([
      'it requests serverAuth too, which a client certificate does not need',
    ]);
  });

  it('refuses a subject without CN, a bad country and a bad DNS name, before generating anything', async () => {
    await expect(createCsr({ subject: '/C=LT/O=Example' })).rejects.toMatchObject({ code: 'CERTS_INVALID_OPTION' });
    await expect(createCsr({ subject: '/C=Lithuania/CN=x.example.com' })).rejects.toThrow(/two-letter country/);
    await expect(createCsr({ subject: '/CN=x.example.com', dnsNames: ['not a name'] })).rejects.toThrow(
      /not a DNS name/,
    );
  });

  it('checkCsr says what an openssl CSR without clientAuth lacks', async () => {
    const key = join(dir, 'plain.key');
    const csr = join(dir, 'plain.csr');
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=plain.example.com'],
      { stdio: 'pipe' },
    );
    const check = await checkCsr(readFileSync(csr, 'utf8'));
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([
      'it does not request the digitalSignature key usage',
      'it does not request the clientAuth extended key usage',
    ]);
  });
});
