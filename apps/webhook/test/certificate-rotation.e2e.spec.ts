import { X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IssueSpec, RenewedDevClient } from '@connectpay-kit/testing-pki';
import { eventually, startReceiver, type Receiver } from './support/harness.js';
import {
  replaceFile,
  rotationPki,
  type RotationPki,
  startTokenEndpoint,
  type TokenEndpoint,
} from './support/rotation.js';

const RELOADED = 'client certificate reloaded from its files';
const REFUSED = 'rotated client certificate refused; keeping the current one';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/**
 * The receiver's only mTLS call is the PSD2 code exchange (`oauth.token`, mTLS + Basic): these tests
 * rotate the client certificate files under a running receiver and look at which certificate that
 * call presents to a real mTLS server.
 */
describe('client certificate rotation without a restart', () => {
  let pki: RotationPki;
  let endpoint: TokenEndpoint;
  let receiver: Receiver;
  let certFile: string;
  let keyFile: string;
  let exchanges = 0;

  beforeAll(async () => {
    pki = await rotationPki();
    endpoint = await startTokenEndpoint(pki);
    // A folder of its own, like a mounted Secret: CONNECTPAY_<ENV>_CLIENT_CERT_FILE / _KEY_FILE.
    const credentials = join(pki.dir, '..', 'credentials');
    mkdirSync(credentials, { mode: 0o700 });
    certFile = join(credentials, 'client-chain.pem');
    keyFile = join(credentials, 'client.key');
    writeFileSync(certFile, pki.read('clientChain'));
    writeFileSync(keyFile, pki.read('clientKey'), { mode: 0o600 });
    receiver = await startReceiver(pki.dir, {
      CONNECTPAY_LOCAL_MTLS_URL: endpoint.url,
      CONNECTPAY_LOCAL_CLIENT_CERT_FILE: certFile,
      CONNECTPAY_LOCAL_CLIENT_KEY_FILE: keyFile,
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await endpoint?.close();
    pki?.remove();
  });

  const logs = (msg: string): LogLine[] =>
    receiver.logs.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg === msg);

  /** Runs the PSD2 redirect as a browser would; returns the callback page's status. */
  const exchangeCode = async (): Promise<number> => {
    const start = await fetch(`${receiver.url}/auth/start?scope=psd2-ais`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    exchanges += 1;
    const callback = await fetch(
      `${receiver.url}/auth/callback?code=code-${exchanges}&state=${encodeURIComponent(state)}`,
    );
    await callback.text();
    return callback.status;
  };

  const rotateTo = (client: RenewedDevClient) => {
    // Key first, then chain, as a hand rotation does; the watcher waits for the pair to settle.
    replaceFile(keyFile, client.keyPem);
    replaceFile(certFile, client.chainPem);
  };

  it('presents the renewed certificate on the next code exchange', async () => {
    const original = new X509Certificate(pki.read('clientChain')).fingerprint256;
    expect(await exchangeCode()).toBe(200);
    expect(endpoint.presented.at(-1)).toBe(original);

    const renewed = await pki.issueClient({ validity: { days: 90 } });
    rotateTo(renewed);
    const reloaded = await eventually(
      async () => logs(RELOADED).find((line) => line.leafFingerprint === renewed.fingerprint),
      'the reload log line for the renewed certificate',
    );
    expect(reloaded).toMatchObject({ level: 30, notAfter: renewed.notAfter.toISOString() });

    expect(await exchangeCode()).toBe(200);
    expect(endpoint.presented.at(-1)).toBe(renewed.fingerprint);
    expect(receiver.webhook.runtime.client.identity?.leafFingerprint).toBe(renewed.fingerprint);
  });

  const BROKEN: readonly (readonly [string, IssueSpec, string])[] = [
    ['an expired leaf', { validity: { days: 10, startsInDays: -30 } }, 'validity.expired'],
    ['a leaf without clientAuth', { extendedKeyUsage: ['serverAuth'] }, 'eku.client-auth'],
  ];

  it.each(BROKEN)('refuses %s, logs why, and keeps presenting the current certificate', async (name, spec, rule) => {
    const current = receiver.webhook.runtime.client.identity?.leafFingerprint;
    expect(current).toBeDefined();
    const refusedBefore = logs(REFUSED).length;

    const broken = await pki.issueClient(spec);
    rotateTo(broken);
    const refused = await eventually(async () => logs(REFUSED)[refusedBefore], `the refusal warning for ${name}`);
    expect(refused).toMatchObject({ level: 40, code: 'TRANSPORT_CREDENTIALS_REJECTED' });
    expect(refused.reason).toEqual(expect.stringContaining(rule));
    expect(logs(RELOADED).some((line) => line.leafFingerprint === broken.fingerprint)).toBe(false);

    expect(await exchangeCode()).toBe(200);
    expect(endpoint.presented.at(-1)).toBe(current);
  });

  it('never writes key material to the logs', () => {
    expect(logs(RELOADED).length).toBeGreaterThan(0);
    expect(logs(REFUSED).length).toBeGreaterThan(0);
    expect(receiver.logs.join('\n')).not.toMatch(/PRIVATE KEY/);
  });
});
