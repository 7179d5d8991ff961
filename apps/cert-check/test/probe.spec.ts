// `cert-check probe` through the installed bin against the local ConnectPay sandbox's mTLS host, with a
// dev PKI as `nx serve` makes it: the dev chain is accepted; a chain from another root, an expired
// leaf and a serverAuth-only leaf are refused with the cause named; no certificate is refused too.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '@connectpay-kit/sandbox';
import { createChain, writeRenewableDevPki, type RenewableDevPki } from '@connectpay-kit/testing-pki';
import { cli, jsonLines, scratchDir } from './support/cli.js';

const scratch = scratchDir('cert-check-probe-');
let pki: RenewableDevPki;
let sandbox: RunningSandbox;
let revoked: { chain: string; key: string };

const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  pki = await writeRenewableDevPki(join(scratch.dir, 'pki'));
  const toRevoke = await pki.renewClient();
  revoked = { chain: write('revoked.pem', toRevoke.chainPem), key: write('revoked.key', toRevoke.keyPem) };
  sandbox = await startSandbox({
    ...optionsFromDevPki(pki.dir),
    clientCrlPems: await pki.clientCrls([toRevoke.serialNumber]),
    mtlsPort: 0,
    onewayPort: 0,
    log: () => undefined,
  });
}, 60_000);
afterAll(async () => {
  await sandbox?.close();
  scratch.cleanup();
});

function write(name: string, text: string): string {
  const file = join(scratch.dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

async function probe(cert?: {
  chain: string;
  key: string;
}): Promise<{ code: number; report: Record<string, unknown>; text: string }> {
  const args = ['probe', '--env', 'local', '--url', sandbox.mtlsUrl, '--ca', pki.ca];
  if (cert) args.push('--cert', cert.chain, '--key', cert.key);
  const json = await cli([...args, '--format', 'json']);
  const text = await cli(args);
  return { code: json.code, report: jsonLines(json.stdout)[0] ?? {}, text: text.stdout + text.stderr };
}

describe('cert-check probe against the sandbox', () => {
  it('accepts the dev chain, says the server asks for a client certificate, and prints no key', async () => {
    const { code, report, text } = await probe({ chain: pki.clientChain, key: pki.clientKey });
    expect(code).toBe(0);
    expect(report['verdict']).toBe('accepted');
    expect(report['clientCertificateRequested']).toBe(true);
    expect(text).toContain('ACCEPTED');
    expect(text).toContain('asks for a client certificate: yes');
    expect(text).not.toContain('PRIVATE KEY');
  });

  it('refuses a chain from another root as an unknown CA', async () => {
    const other = await createChain({ leaf: { extendedKeyUsage: ['clientAuth'] } });
    const { code, report, text } = await probe({
      chain: write('other.pem', other.pem),
      key: write('other.key', other.leaf.privateKeyPem),
    });
    expect(code).toBe(1);
    expect(report).toMatchObject({ verdict: 'refused', cause: { rule: 'ca.public-trust' } });
    expect(text).toMatch(/unknown_ca/);
    expect(text).toContain('not attached to your DevApp');
  });

  it('refuses an expired leaf as expired', async () => {
    const now = Date.now();
    const expired = await pki.renewClient({
      validity: { notBefore: new Date(now - 90 * DAY), notAfter: new Date(now - DAY) },
    });
    const { code, report } = await probe({
      chain: write('expired.pem', expired.chainPem),
      key: write('expired.key', expired.keyPem),
    });
    expect(code).toBe(1);
    expect(report).toMatchObject({ verdict: 'refused', cause: { rule: 'validity.expired' } });
  });

  it('refuses a serverAuth-only leaf for its extended key usage', async () => {
    const serverOnly = await pki.renewClient({ extendedKeyUsage: ['serverAuth'] });
    const { code, report } = await probe({
      chain: write('server-only.pem', serverOnly.chainPem),
      key: write('server-only.key', serverOnly.keyPem),
    });
    expect(code).toBe(1);
    expect(report).toMatchObject({ verdict: 'refused', cause: { rule: 'eku.client-auth' } });
  });

  it('refuses a revoked leaf (the sandbox checks the dev CA CRLs, as ConnectPay checks revocation)', async () => {
    const { code, report } = await probe(revoked);
    expect(code).toBe(1);
    expect(report['verdict']).toBe('refused');
  });

  it('without a client certificate: refused, and the next step names the settings', async () => {
    const { code, report, text } = await probe();
    expect(code).toBe(1);
    expect(report['verdict']).toBe('refused');
    expect(text).toContain('CONNECTPAY_<ENV>_CLIENT_CERT_FILE');
  });

  it('answers exit 2 for an unknown environment', async () => {
    const result = await cli(['probe', '--env', 'qa']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--env must be local, stage or prod');
  });
});
