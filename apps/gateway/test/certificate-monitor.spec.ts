import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, Secret } from '@connectpay-kit/config';
import { createChain, ensureDevPki } from '@connectpay-kit/testing-pki';
import { CertificateMonitor } from '../src/health/certificate-monitor.js';

describe('CertificateMonitor after a certificate rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'monitor-pki-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('judges the chain the client presents now, not the one it started with', async () => {
    await ensureDevPki(dir);
    const config = loadConfig('local', { env: {}, devPkiDir: dir });
    const trust = [readFileSync(join(dir, 'root.pem'), 'utf8')];
    const monitor = new CertificateMonitor(config, { trust });
    const before = await monitor.status();
    expect(before.ok).toBe(true);

    const expired = await createChain({
      leaf: { validity: { days: 10, startsInDays: -30 }, extendedKeyUsage: ['clientAuth'] },
    });
    monitor.useChain(expired.pem, new Secret(expired.leaf.privateKeyPem));
    const after = await monitor.status();
    expect(after.ok).toBe(false);
    expect(after.errors.map((e) => e.rule)).toContain('validity.expired');
    expect(after.leafFingerprint).not.toBe(before.leafFingerprint);
    expect(after.daysToExpiry).toBeLessThan(0);
  });
});
