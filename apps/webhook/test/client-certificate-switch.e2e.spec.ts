import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RotationStatus } from '@connectpay-kit/transport';
import { ADMIN, eventually, startReceiver, type Receiver } from './support/harness.js';
import { rotationPki, type RotationPki, startTokenEndpoint, type TokenEndpoint } from './support/rotation.js';

/**
 * The receiver's side of a staged rotation: the same NEXT_* settings as the gateway, the pair probed
 * against a real mTLS server on 127.0.0.1 (the token endpoint of the PSD2 code exchange, the receiver's
 * only mTLS call), and the admin API's switch, after which that call presents the new certificate.
 */
describe('staged client certificate switch in the webhook receiver', () => {
  let pki: RotationPki;
  let endpoint: TokenEndpoint;
  let receiver: Receiver;
  let renewedFingerprint: string;
  let exchanges = 0;

  beforeAll(async () => {
    pki = await rotationPki();
    endpoint = await startTokenEndpoint(pki);
    const renewed = await pki.issueClient({ validity: { days: 90 } });
    renewedFingerprint = renewed.fingerprint;
    const certFile = join(pki.dir, '..', 'next-client-chain.pem');
    const keyFile = join(pki.dir, '..', 'next-client.key');
    writeFileSync(certFile, renewed.chainPem);
    writeFileSync(keyFile, renewed.keyPem, { mode: 0o600 });
    receiver = await startReceiver(pki.dir, {
      CONNECTPAY_LOCAL_MTLS_URL: endpoint.url,
      CONNECTPAY_LOCAL_NEXT_CLIENT_CERT_FILE: certFile,
      CONNECTPAY_LOCAL_NEXT_CLIENT_KEY_FILE: keyFile,
    });
  });

  afterAll(async () => {
    await receiver?.close();
    await endpoint?.close();
    pki?.remove();
  });

  const exchangeCode = async (): Promise<number> => {
    const start = await fetch(`${receiver.url}/auth/start?scope=psd2-ais`, { redirect: 'manual' });
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    exchanges += 1;
    const callback = await fetch(
      `${receiver.url}/auth/callback?code=code-${exchanges}&state=${encodeURIComponent(state)}`,
    );
    await callback.text();
    return callback.status;
  };

  it('stages and probes the next pair without presenting it, and switches on the admin call', async () => {
    const original = new X509Certificate(pki.read('clientChain')).fingerprint256;
    const staged = await eventually(async () => {
      const response = await fetch(`${receiver.url}/admin/client-certificate`, { headers: ADMIN });
      const status = (await response.json()) as RotationStatus;
      return status.next.probe ? status : undefined;
    }, 'the probe of the next pair');
    expect(staged.next).toMatchObject({
      state: 'staged',
      ready: true,
      probe: { verdict: 'accepted' },
      certificate: { leafFingerprint: renewedFingerprint },
    });
    expect(await exchangeCode()).toBe(200);
    expect(endpoint.presented.at(-1)).toBe(original);

    const ready = await fetch(`${receiver.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { rotation: RotationStatus }).rotation.next.state).toBe('staged');
    const metrics = await (await fetch(`${receiver.url}/metrics`)).text();
    expect(metrics).toMatch(/connectpay_next_client_certificate_ready\{environment="local"\} 1/);

    const refused = await fetch(`${receiver.url}/admin/client-certificate/switch`, { method: 'POST' });
    expect(refused.status).toBe(401);

    const switched = await fetch(`${receiver.url}/admin/client-certificate/switch`, { method: 'POST', headers: ADMIN });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({ next: { state: 'active' }, lastSwitch: { trigger: 'admin' } });
    expect(await exchangeCode()).toBe(200);
    expect(endpoint.presented.at(-1)).toBe(renewedFingerprint);

    const again = await fetch(`${receiver.url}/admin/client-certificate/switch`, { method: 'POST', headers: ADMIN });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'WEBHOOK_ROTATION_REFUSED' } });
  });
});
