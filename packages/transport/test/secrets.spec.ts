import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import { createRoot, toPem } from '@connectpay-kit/testing-pki';
import { createConnectPayClient, type TransportLogger } from '@connectpay-kit/transport';
import { createTransportPki } from './support/pki.js';
import { json, startTlsServer } from './support/servers.js';

/**
 * Runs the client through successes and every kind of failure with a capturing logger, then scans
 * every log line and every error (message, JSON, inspect output, causes) for credential material.
 */
describe('no secret in any log line or error', () => {
  it('holds for keys, client secret, Authorization values and signatures', async () => {
    const pki = await createTransportPki();
    const clientSecret = `secret-${randomBytes(12).toString('hex')}`;
    const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const merchantPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const seenAuthorization: string[] = [];
    let mode: 'ok' | 'error' | 'reset' = 'ok';
    const handler = (request: IncomingMessage, _body: string, response: ServerResponse) => {
      seenAuthorization.push(String(request.headers.authorization ?? ''), String(request.headers['x-signature'] ?? ''));
      if (mode === 'reset') return void request.socket.destroy();
      if (mode === 'error') return json(response, 400, { error: 'invalid_request', error_description: 'bad' });
      json(response, 200, { ok: true });
    };
    const oneway = await startTlsServer({ certPem: pki.serverChainPem, keyPem: pki.server.privateKeyPem, handler });
    const mtls = await startTlsServer({
      certPem: pki.serverChainPem,
      keyPem: pki.server.privateKeyPem,
      clientCaPem: pki.root.pem,
      handler,
    });
    const lines: string[] = [];
    const logger: TransportLogger = {
      debug: (o, m) => lines.push(JSON.stringify({ ...o, m })),
      info: (o, m) => lines.push(JSON.stringify({ ...o, m })),
      warn: (o, m) => lines.push(JSON.stringify({ ...o, m })),
    };
    const make = (mtlsIdentity: { certChainPem: string; privateKeyPem: string }) =>
      createConnectPayClient({
        environment: 'local',
        baseUrls: { mtls: mtls.url, oneway: oneway.url },
        caPem: pki.serverRoot.pem,
        mtls: mtlsIdentity,
        basic: { clientId: 'client-7', clientSecret },
        merchant: { privateKeyPem: merchantPem },
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
        logger,
      });
    const cp = make({ certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem });
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const m of ['ok', 'error', 'reset'] as const) {
      mode = m;
      await attempt(() => cp.call('merchant.payments.create', { body: { a: 1 } }));
      await attempt(() => cp.call('merchant.payments.get', { params: { paymentId: 'p' } }));
      await attempt(() => cp.call('reference.currencies'));
    }
    mode = 'ok';
    await attempt(() => cp.call('accounts.list'));
    await attempt(() =>
      cp.call('merchant.payments.get', {
        params: { paymentId: 'p' },
        headers: { authorization: `Basic ${clientSecret}` },
      }),
    );
    const otherRoot = await createRoot();
    const stranger = await otherRoot.issue({ extendedKeyUsage: ['clientAuth'] });
    await attempt(() =>
      cp.reloadCredentials({ certChainPem: pki.clientChainPem, privateKeyPem: stranger.privateKeyPem }),
    );
    const intruder = make({ certChainPem: toPem([stranger, otherRoot]), privateKeyPem: stranger.privateKeyPem });
    await attempt(() => intruder.call('reference.currencies'));
    await intruder.close();
    await cp.close();
    await oneway.close();
    await mtls.close();

    expect(errors.length).toBeGreaterThanOrEqual(8);
    const texts = [
      ...lines,
      ...errors.flatMap((error) => {
        const out = [inspect(error, { depth: 5 }), JSON.stringify(error)];
        for (let e: unknown = error; e instanceof Error; e = e.cause) out.push(e.message, String(e.stack));
        return out;
      }),
    ].join('\n');
    const forbidden = [
      clientSecret,
      Buffer.from(`client-7:${clientSecret}`).toString('base64'),
      'PRIVATE KEY',
      pki.client.privateKeyPem.split('\n')[1] as string,
      merchantPem.split('\n')[1] as string,
      stranger.privateKeyPem.split('\n')[1] as string,
      ...seenAuthorization.filter((v) => v.length > 10),
    ];
    for (const secret of forbidden) expect(texts).not.toContain(secret);
  });
});
