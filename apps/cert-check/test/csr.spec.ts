// `cert-check csr` through the installed bin: a key file only its owner can read, a CSR openssl accepts,
// the next steps, and refusals with exit 2 that leave no key behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, scratchDir } from './support/cli.js';

const scratch = scratchDir();
afterAll(() => scratch.cleanup());

describe('cert-check csr', () => {
  it('writes a 0600 key and a CSR that openssl req -verify accepts, and never prints the key', async () => {
    const key = join(scratch.dir, 'client.key');
    const csr = join(scratch.dir, 'client.csr');
    const result = await cli([
      'csr',
      '--subject',
      '/C=LT/O=Example Shop UAB/CN=connectpay-client.example.com',
      '--key-out',
      key,
      '-o',
      csr,
    ]);
    expect(result.code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(result.stdout).toContain('CSR checked');
    expect(result.stdout).toContain('extended key usage clientAuth');
    expect(result.stdout).toContain('order a client-authentication (mTLS) certificate');
    const keyBody = readFileSync(key, 'utf8').split('\n')[1] ?? '';
    expect(`${result.stdout}${result.stderr}`).not.toContain(keyBody);
    expect(`${result.stdout}${result.stderr}`).not.toContain('PRIVATE KEY');
    const text = execFileSync('openssl', ['req', '-in', csr, '-noout', '-verify', '-text'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(text).toContain('TLS Web Client Authentication');
    expect(text).toContain('DNS:connectpay-client.example.com');
    // The CSR is what cert-check verify recognises as a CSR (pem.format), not a certificate.
    const verify = await cli(['verify', csr]);
    expect(verify.code).toBe(2);
  });

  it('with --psd2 names what to ask the QTSP for', async () => {
    const result = await cli([
      'csr',
      '--subject',
      '/C=LT/O=Example TPP UAB/CN=tpp.example.com',
      '--key-type',
      'ec-p256',
      '--psd2',
      '--key-out',
      join(scratch.dir, 'tpp.key'),
      '-o',
      join(scratch.dir, 'tpp.csr'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('key:      EC P-256');
    expect(result.stdout).toContain('send');
    expect(result.stdout).toMatch(/QWAC .*clientAuth/);
    expect(result.stdout).toContain('PSP_AS, PSP_PI, PSP_AI, PSP_IC');
  });

  it('never overwrites an existing key, and refuses a subject without CN, with exit 2', async () => {
    const key = join(scratch.dir, 'existing.key');
    writeFileSync(key, 'precious');
    const existing = await cli([
      'csr',
      '--subject',
      '/CN=a.example.com',
      '--key-out',
      key,
      '-o',
      join(scratch.dir, 'a.csr'),
    ]);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain('a key is never overwritten');
    expect(readFileSync(key, 'utf8')).toBe('precious');

    const noCn = join(scratch.dir, 'no-cn.key');
    const bad = await cli(['csr', '--subject', '/C=LT/O=Example', '--key-out', noCn, '-o', join(scratch.dir, 'b.csr')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('it needs a CN');
    expect(existsSync(noCn)).toBe(false);
  });
});
