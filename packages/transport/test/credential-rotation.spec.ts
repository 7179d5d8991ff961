import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoot, toPem } from '@connectpay-kit/testing-pki';
import {
  certsCredentialCheck,
  type ConnectPayClient,
  createConnectPayClient,
  CredentialRotation,
  ROTATION_LOG,
  RotationRefusedError,
  type TransportLogger,
} from '@connectpay-kit/transport';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

let pki: TransportPki;
let server: TestServer;
let dir: string;

beforeAll(async () => {
  pki = await createTransportPki();
  server = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    // A little latency keeps calls in flight while the identity swaps underneath them.
    handler: (_req, _body, res) => void setTimeout(() => json(res, 200, { ok: true }), 5),
  });
  dir = mkdtempSync(join(tmpdir(), 'transport-rotation-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Line {
  readonly level: 'info' | 'warn';
  readonly msg: string;
  readonly fields: Record<string, unknown>;
}

function recorder(): { logger: TransportLogger; lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    logger: {
      debug: () => undefined,
      info: (fields, msg) => lines.push({ level: 'info', msg, fields }),
      warn: (fields, msg) => lines.push({ level: 'warn', msg, fields }),
    },
  };
}

function client(): ConnectPayClient {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: server.url, oneway: 'https://127.0.0.1:9' },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'c', clientSecret: 's' },
    retry: { maxAttempts: 1 },
  });
}

const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;

let files = 0;
function stage(chainPem: string, keyPem: string): { certFile: string; keyFile: string } {
  files += 1;
  const certFile = join(dir, `next-${files}.pem`);
  const keyFile = join(dir, `next-${files}.key`);
  writeFileSync(certFile, chainPem);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  return { certFile, keyFile };
}

/** Calls from `workers` loops until `stop()`; every outcome is kept. */
function load(cp: ConnectPayClient, workers = 6) {
  let stopped = false;
  const results: PromiseSettledResult<unknown>[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (!stopped) {
      const [result] = await Promise.allSettled([cp.call('reference.currencies')]);
      results.push(result as PromiseSettledResult<unknown>);
    }
  });
  return {
    results,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('staged client certificate rotation', () => {
  it('loads, checks and probes the next pair without presenting it, then switches at switchAt with zero failed calls', async () => {
    const cp = client();
    const { logger, lines } = recorder();
    const renewed = await pki.issueClient();
    const next = stage(renewed.chainPem, renewed.keyPem);
    const switchAt = new Date(Date.now() + 1500);
    const rotation = new CredentialRotation({
      client: cp,
      current: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
      next,
      switchAt,
      check: certsCredentialCheck({ trust: [pki.root.pem] }),
      probe: { url: server.url, caPem: pki.serverRoot.pem },
      logger,
    });
    const traffic = load(cp);
    await rotation.start();
    const started = await rotation.probe();
    expect(started.next).toMatchObject({
      state: 'staged',
      loaded: true,
      valid: true,
      ready: true,
      switchAt: switchAt.toISOString(),
      probe: { verdict: 'accepted' },
      certificate: { leafFingerprint: fp(renewed.leaf.pem), subject: 'CN=merchant-client' },
    });
    expect(started.current?.daysLeft).toBeGreaterThan(0);
    // Staged is not used: only the probe's handshake presented it, and no request came with it.
    const renewedFp = fp(renewed.leaf.pem);
    expect(server.requests.some((r) => r.clientCertFingerprint === renewedFp)).toBe(false);

    await until(
      () => server.requests.some((r) => r.clientCertFingerprint === renewedFp),
      'a call presenting the renewed pair',
    );
    await until(() => rotation.status().lastSwitch?.confirmedAt !== undefined, 'the switch to be confirmed');
    await traffic.stop();
    rotation.close();

    expect(traffic.results.filter((r) => r.status === 'rejected')).toEqual([]);
    const status = rotation.status();
    expect(status).toMatchObject({
      current: { leafFingerprint: renewedFp },
      next: { state: 'active', ready: true },
      onProbation: false,
      lastSwitch: { trigger: 'schedule', to: renewedFp },
    });
    expect(status.next.switchAt).toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([ROTATION_LOG.staged, ROTATION_LOG.probed, ROTATION_LOG.switched, ROTATION_LOG.confirmed]),
    );
    expect(JSON.stringify(lines)).not.toMatch(/PRIVATE KEY/);
    await cp.close();
  });

  it('rolls back when the provider refuses the new pair, failing at most the calls in flight', async () => {
    const cp = client();
    const { logger, lines } = recorder();
    // Another root the rules are told to trust, which the server does not know: "not attached".
    const otherRoot = await createRoot({ subject: 'CN=Unattached Root' });
    const leaf = await otherRoot.issue({ subject: 'CN=merchant-client', extendedKeyUsage: ['clientAuth'] });
    const next = stage(toPem([leaf, otherRoot]), leaf.privateKeyPem);
    const rotation = new CredentialRotation({
      client: cp,
      current: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
      next,
      check: certsCredentialCheck({ trust: [pki.root.pem, otherRoot.pem] }),
      probe: { url: server.url, caPem: pki.serverRoot.pem },
      logger,
    });
    expect((await rotation.start()).next).toMatchObject({ state: 'staged', valid: true, ready: false });
    const started = await rotation.probe();
    expect(started.next).toMatchObject({ state: 'staged', valid: true, ready: false, probe: { verdict: 'refused' } });

    const workers = 6;
    const traffic = load(cp, workers);
    await until(() => traffic.results.length > 20, 'calls before the switch');
    await rotation.switchNow('admin');
    await until(() => rotation.status().lastRollback !== undefined, 'the rollback');
    const settledAtRollback = traffic.results.length;
    await until(() => traffic.results.length > settledAtRollback + 30, 'calls after the rollback');
    await traffic.stop();
    rotation.close();

    const failed = traffic.results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThanOrEqual(workers);
    for (const failure of failed) {
      expect((failure as PromiseRejectedResult).reason).toMatchObject({ code: 'TRANSPORT_CLIENT_CERT_REFUSED' });
    }
    // After the rollback every call succeeds again, on the original pair.
    expect(traffic.results.slice(settledAtRollback + workers).every((r) => r.status === 'fulfilled')).toBe(true);
    expect(cp.identity?.leafFingerprint).toBe(fp(pki.client.pem));
    const status = rotation.status();
    expect(status).toMatchObject({
      current: { leafFingerprint: fp(pki.client.pem) },
      next: { state: 'rolled-back' },
      onProbation: false,
      lastSwitch: { trigger: 'admin', to: fp(leaf.pem) },
      lastRollback: { from: fp(leaf.pem), to: fp(pki.client.pem) },
    });
    expect(status.lastRollback?.reason).toMatch(/refused the new client certificate/);
    expect(lines.find((l) => l.msg === ROTATION_LOG.rolledBack)).toMatchObject({ level: 'warn' });
    await cp.close();
  });

  it('refuses to switch to a pair that fails the rules or is absent, and says why', async () => {
    const cp = client();
    const { logger, lines } = recorder();
    const expired = await pki.issueClient({ validity: { days: 10, startsInDays: -30 } });
    const rotation = new CredentialRotation({
      client: cp,
      current: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
      next: stage(expired.chainPem, expired.keyPem),
      check: certsCredentialCheck({ trust: [pki.root.pem] }),
      logger,
    });
    const started = await rotation.start();
    expect(started.next).toMatchObject({ state: 'invalid', loaded: true, valid: false, ready: false });
    expect(started.next.problems.join(' ')).toMatch(/validity\.expired/);
    await expect(rotation.switchNow()).rejects.toBeInstanceOf(RotationRefusedError);
    expect(rotation.status().lastRefusal).toMatchObject({ trigger: 'admin' });
    expect(cp.identity?.leafFingerprint).toBe(fp(pki.client.pem));
    expect(lines.some((l) => l.msg === ROTATION_LOG.notUsable)).toBe(true);
    rotation.close();

    const mismatched = new CredentialRotation({
      client: cp,
      next: stage(expired.chainPem, pki.client.privateKeyPem),
    });
    expect((await mismatched.start()).next).toMatchObject({ state: 'unreadable', loaded: false });
    mismatched.close();

    const none = new CredentialRotation({ client: cp });
    expect((await none.start()).next).toMatchObject({ state: 'absent', ready: false });
    await expect(none.switchNow()).rejects.toThrow(/NEXT_CLIENT_CERT_FILE/);
    none.close();
    await cp.close();
  });
});
