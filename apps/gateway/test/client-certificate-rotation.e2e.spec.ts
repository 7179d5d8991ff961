import { X509Certificate } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoot, DEV_CLIENT_ID, toPem, writeRenewableDevPki } from '@connectpay-kit/testing-pki';
import { optionsFromDevPki, startSandbox, type RunningSandbox } from '@connectpay-kit/sandbox';
import { ROTATION_LOG, type RotationStatus } from '@connectpay-kit/transport';
import request from 'supertest';
import { API_KEY, startGateway, type GatewayOnlyHarness } from './support/harness.js';

/**
 * Staged rotation end to end: the real sandbox as ConnectPay's mTLS host on 127.0.0.1, the gateway in
 * process, a bounded loop of calls through POST /v1/catalog/reference.currencies (mTLS + Basic) while
 * the next pair is loaded, probed and switched to.
 */
interface Stack {
  readonly dir: string;
  readonly sandbox: RunningSandbox;
  readonly gateway: GatewayOnlyHarness;
  close(): Promise<void>;
}

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

const WORKERS = 4;

async function startStack(
  prepare: (
    pki: Awaited<ReturnType<typeof writeRenewableDevPki>>,
    files: { cert: string; key: string },
  ) => Promise<void>,
  env: (files: { cert: string; key: string }) => Record<string, string>,
): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-rotation-'));
  const pki = await writeRenewableDevPki(join(dir, 'pki'));
  // The sandbox trusts the dev root only, read now: what prepare() adds to the folder it never sees.
  const sandbox = await startSandbox({ ...optionsFromDevPki(pki.dir), mtlsPort: 0, onewayPort: 0 });
  const files = { cert: join(dir, 'next-client-chain.pem'), key: join(dir, 'next-client.key') };
  try {
    await prepare(pki, files);
    const gateway = await startGateway(pki.dir, {
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: sandbox.onewayUrl,
      CONNECTPAY_LOCAL_NEXT_CLIENT_CERT_FILE: files.cert,
      CONNECTPAY_LOCAL_NEXT_CLIENT_KEY_FILE: files.key,
      ...env(files),
    });
    return {
      dir,
      sandbox,
      gateway,
      async close() {
        await gateway.close();
        await sandbox.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

function logs(stack: Stack, msg?: string): LogLine[] {
  return stack.gateway.logs
    .map((line) => JSON.parse(line) as LogLine)
    .filter((line) => msg === undefined || line.msg === msg);
}

async function readiness(stack: Stack): Promise<{ status: number; rotation: RotationStatus; detail: string }> {
  const response = await request(stack.gateway.url).get('/health/ready');
  const body = response.body as { rotation: RotationStatus; checks: Record<string, { detail: string }> };
  return { status: response.status, rotation: body.rotation, detail: body.checks['nextCertificate']?.detail ?? '' };
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** WORKERS loops of calls through the gateway, a few ms apart, until stop() or a hard bound on their number. */
function callLoop(stack: Stack, bound = 20_000) {
  let stopped = false;
  const outcomes: { status: number; code?: string }[] = [];
  const loops = Array.from({ length: WORKERS }, async () => {
    while (!stopped && outcomes.length < bound) {
      const response = await request(stack.gateway.url).post('/v1/catalog/reference.currencies').set(API_KEY);
      const code = (response.body as { error?: { code?: string } }).error?.code;
      outcomes.push({ status: response.status, ...(code ? { code } : {}) });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });
  return {
    outcomes,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('staged client certificate rotation through the gateway', () => {
  it('loads, probes and switches to the renewed pair at _SWITCH_AT under a loop of calls, with zero failed calls', async () => {
    let renewedFingerprint = '';
    let originalFingerprint = '';
    // Set when the gateway's environment is built, after the PKI, the sandbox and the renewal (slow on
    // a loaded machine): far enough for the gateway to start and probe first, on a loaded machine too.
    let switchAt = new Date(0);
    const stack = await startStack(
      async (pki, files) => {
        originalFingerprint = fingerprint(readFileSync(pki.clientChain, 'utf8'));
        const renewed = await pki.renewClient();
        renewedFingerprint = renewed.fingerprint;
        writeFileSync(files.cert, renewed.chainPem);
        writeFileSync(files.key, renewed.keyPem, { mode: 0o600 });
      },
      () => {
        switchAt = new Date(Date.now() + 10_000);
        return { CONNECTPAY_LOCAL_SWITCH_AT: switchAt.toISOString() };
      },
    );
    try {
      const loop = callLoop(stack);
      // Before the switch: staged, accepted by the sandbox's handshake, not used for calls.
      const before = await until(async () => {
        const ready = await readiness(stack);
        return ready.rotation.next.probe ? ready : undefined;
      }, 'the probe of the next pair');
      expect(before.status).toBe(200);
      expect(before.rotation.next).toMatchObject({
        state: 'staged',
        valid: true,
        ready: true,
        switchAt: switchAt.toISOString(),
        probe: { verdict: 'accepted' },
        certificate: { leafFingerprint: renewedFingerprint },
      });
      expect(before.rotation.current).toMatchObject({ leafFingerprint: originalFingerprint });
      expect(before.rotation.current?.daysLeft).toBeGreaterThan(0);
      expect(before.detail).toMatch(/staged, probe accepted, switch at/);
      expect(stack.gateway.gateway.runtime.client.identity?.leafFingerprint).toBe(originalFingerprint);
      const metricsBefore = await request(stack.gateway.url).get('/metrics');
      expect(metricsBefore.text).toMatch(/connectpay_next_client_certificate_ready\{environment="local"\} 1/);
      expect(metricsBefore.text).toMatch(
        /connectpay_next_client_certificate_expiry_seconds\{environment="local",fingerprint="/,
      );

      const confirmed = await until(async () => {
        const ready = await readiness(stack);
        return ready.rotation.lastSwitch?.confirmedAt ? ready : undefined;
      }, 'the switch at _SWITCH_AT and its confirmation');
      // A few more rounds on the new pair, then stop.
      const settled = loop.outcomes.length;
      await until(() => (loop.outcomes.length > settled + 2 * WORKERS ? true : undefined), 'calls after the switch');
      await loop.stop();

      expect(loop.outcomes.length).toBeGreaterThan(2 * WORKERS);
      expect(loop.outcomes.length).toBeLessThan(20_000);
      expect(loop.outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
      expect(confirmed.rotation).toMatchObject({
        current: { leafFingerprint: renewedFingerprint },
        next: { state: 'active', ready: true },
        onProbation: false,
        lastSwitch: { trigger: 'schedule', from: originalFingerprint, to: renewedFingerprint },
      });
      expect(Date.parse(confirmed.rotation.lastSwitch?.at ?? '')).toBeGreaterThanOrEqual(switchAt.getTime());
      expect(stack.gateway.gateway.runtime.client.identity?.leafFingerprint).toBe(renewedFingerprint);
      for (const msg of [ROTATION_LOG.staged, ROTATION_LOG.probed, ROTATION_LOG.switched, ROTATION_LOG.confirmed]) {
        expect(logs(stack, msg)).toHaveLength(1);
      }

      // Nothing left to switch to: the admin call says so in the gateway's error shape.
      const again = await request(stack.gateway.url).post('/v1/admin/client-certificate/switch').set(API_KEY);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ error: { code: 'GATEWAY_ROTATION_REFUSED' } });
      expect(stack.gateway.logs.join('\n')).not.toMatch(/PRIVATE KEY/);
    } finally {
      await stack.close();
    }
  });

  it('rolls back to the previous pair when the sandbox refuses the switched-to pair, failing at most the calls in flight', async () => {
    let refusedFingerprint = '';
    const stack = await startStack(
      async (pki, files) => {
        // A chain from a root the sandbox does not have: "not attached yet". The gateway's rules are
        // told to trust that root (ca.pem is the local trust), as they would a public CA's.
        const otherRoot = await createRoot({ subject: 'CN=Not Attached Root' });
        const leaf = await otherRoot.issue({
          subject: { commonName: DEV_CLIENT_ID },
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['clientAuth'],
        });
        refusedFingerprint = fingerprint(leaf.pem);
        appendFileSync(pki.ca, `\n${otherRoot.pem}`);
        writeFileSync(files.cert, toPem([leaf, otherRoot]));
        writeFileSync(files.key, leaf.privateKeyPem, { mode: 0o600 });
      },
      () => ({}),
    );
    try {
      const staged = await until(async () => {
        const ready = await readiness(stack);
        return ready.rotation.next.probe ? ready : undefined;
      }, 'the probe of the next pair');
      // Valid by the rules, refused in the handshake: not ready, and readiness still passes.
      expect(staged.status).toBe(200);
      expect(staged.rotation.next).toMatchObject({
        state: 'staged',
        valid: true,
        ready: false,
        probe: { verdict: 'refused' },
      });
      const original = stack.gateway.gateway.runtime.client.identity?.leafFingerprint;

      const unauthenticated = await request(stack.gateway.url).post('/v1/admin/client-certificate/switch');
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.body).toMatchObject({ error: { code: 'GATEWAY_UNAUTHENTICATED' } });

      const loop = callLoop(stack);
      await until(() => (loop.outcomes.length >= 2 * WORKERS ? true : undefined), 'calls before the switch');
      const switched = await request(stack.gateway.url).post('/v1/admin/client-certificate/switch').set(API_KEY);
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({ lastSwitch: { trigger: 'admin', to: refusedFingerprint } });
      const rolledBack = await until(async () => {
        const ready = await readiness(stack);
        return ready.rotation.lastRollback ? ready : undefined;
      }, 'the rollback');
      const atRollback = loop.outcomes.length;
      await until(
        () => (loop.outcomes.length > atRollback + 3 * WORKERS ? true : undefined),
        'calls after the rollback',
      );
      await loop.stop();

      const failed = loop.outcomes.filter((outcome) => outcome.status !== 200);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.length).toBeLessThanOrEqual(WORKERS);
      for (const failure of failed) expect(failure.code).toBe('TRANSPORT_CLIENT_CERT_REFUSED');
      // Only calls in flight at the rollback failed: every call after them succeeded on the old pair.
      expect(loop.outcomes.slice(atRollback + WORKERS).every((outcome) => outcome.status === 200)).toBe(true);
      expect(stack.gateway.gateway.runtime.client.identity?.leafFingerprint).toBe(original);
      expect(rolledBack.status).toBe(200);
      expect(rolledBack.rotation).toMatchObject({
        current: { leafFingerprint: original },
        next: { state: 'rolled-back', ready: false },
        onProbation: false,
        lastRollback: { from: refusedFingerprint, to: original },
      });
      expect(rolledBack.detail).toMatch(/switched back: ConnectPay refused the new client certificate/);

      const [line] = logs(stack, ROTATION_LOG.rolledBack);
      expect(line).toMatchObject({ level: 40, from: refusedFingerprint, to: original });
      expect(String(line?.['reason'])).toMatch(/refused the new client certificate on reference\.currencies/);
      const page = await request(stack.gateway.url).get('/status');
      expect(page.text).toContain('id="next-certificate-state">rolled-back<');
      expect(page.text).toMatch(/Last rollback<\/th><td>[^<]*ConnectPay refused the new client certificate/);
      const metrics = await request(stack.gateway.url).get('/metrics');
      expect(metrics.text).toMatch(/connectpay_next_client_certificate_ready\{environment="local"\} 0/);
      expect(stack.gateway.logs.join('\n')).not.toMatch(/PRIVATE KEY/);
    } finally {
      await stack.close();
    }
  });
});
