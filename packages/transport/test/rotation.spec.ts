import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPem } from '@connectpay-kit/testing-pki';
import {
  certsCredentialCheck,
  type ConnectPayClient,
  createConnectPayClient,
  CredentialsRejectedError,
  type TransportError,
  watchCredentials,
} from '@connectpay-kit/transport';
import { createTransportPki, type TransportPki } from './support/pki.js';
import { json, startTlsServer, type TestServer } from './support/servers.js';

let pki: TransportPki;
let server: TestServer;

beforeAll(async () => {
  pki = await createTransportPki();
  server = await startTlsServer({
    certPem: pki.serverChainPem,
    keyPem: pki.server.privateKeyPem,
    clientCaPem: pki.root.pem,
    // A little latency keeps calls in flight while the identity swaps underneath them.
    handler: (_req, _body, res) => void setTimeout(() => json(res, 200, { ok: true }), 5),
  });
});
afterAll(() => server.close());

function client(): ConnectPayClient {
  return createConnectPayClient({
    environment: 'local',
    baseUrls: { mtls: server.url, oneway: 'https://127.0.0.1:9' },
    caPem: pki.serverRoot.pem,
    mtls: { certChainPem: pki.clientChainPem, privateKeyPem: pki.client.privateKeyPem },
    basic: { clientId: 'c', clientSecret: 's' },
    credentialCheck: certsCredentialCheck({ trust: [pki.root.pem] }),
    retry: { maxAttempts: 1 },
  });
}

describe('certificate rotation without a restart', () => {
  it('swaps the identity under a loop of calls with zero failed calls', async () => {
    const cp = client();
    const before = cp.identity?.leafFingerprint;
    const identities = await Promise.all([pki.issueClient(), pki.issueClient(), pki.issueClient()]);
    let stop = false;
    const results: PromiseSettledResult<unknown>[] = [];
    const workers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        const [result] = await Promise.allSettled([cp.call('reference.currencies')]);
        results.push(result as PromiseSettledResult<unknown>);
      }
    });
    const servedBy = async (fingerprint: string | undefined) => {
      while (!server.requests.some((r) => r.clientCertFingerprint === fingerprint)) {
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    await servedBy(before);
    for (const identity of identities) {
      const { leafFingerprint } = await cp.reloadCredentials({
        certChainPem: identity.chainPem,
        privateKeyPem: identity.keyPem,
      });
      await servedBy(leafFingerprint);
    }
    stop = true;
    await Promise.all(workers);

    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toEqual([]);
    // New connections present the newest identity; the server saw every one of them.
    const last = identities.at(-1)!;
    expect(cp.identity?.leafFingerprint).not.toBe(before);
    const seen = new Set(server.requests.map((r) => r.clientCertFingerprint));
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect(cp.identity?.notAfter.toISOString()).toBe(last.leaf.notAfter.toISOString());
    await cp.close();
  });

  it('refuses a new chain that breaks the provider rules and keeps the working one', async () => {
    const cp = client();
    const current = cp.identity?.leafFingerprint;
    const expired = await pki.issueClient({ validity: { days: 10, startsInDays: -30 } });
    await expect(
      cp.reloadCredentials({ certChainPem: expired.chainPem, privateKeyPem: expired.keyPem }),
    ).rejects.toThrow(CredentialsRejectedError);
    const reversed = await pki.issueClient();
    const misordered = toPem([reversed.leaf, pki.root, pki.intermediate]);
    await expect(cp.reloadCredentials({ certChainPem: misordered, privateKeyPem: reversed.keyPem })).rejects.toThrow(
      /chain\.order/,
    );
    expect(cp.identity?.leafFingerprint).toBe(current);
    expect((await cp.call('reference.currencies')).status).toBe(200);
    await cp.close();
  });

  it('does not load a new identity into a client that closed while the chain was being checked', async () => {
    const cp = client();
    const current = cp.identity?.leafFingerprint;
    const renewed = await pki.issueClient();
    const reloading = cp.reloadCredentials({ certChainPem: renewed.chainPem, privateKeyPem: renewed.keyPem });
    await cp.close();
    await expect(reloading).rejects.toMatchObject({ code: 'TRANSPORT_CLOSED' });
    expect(cp.identity?.leafFingerprint).toBe(current);
  });

  it('says which rule refused the chain, without echoing the key', async () => {
    const cp = client();
    const expired = await pki.issueClient({ validity: { days: 10, startsInDays: -30 } });
    let caught: CredentialsRejectedError | undefined;
    try {
      await cp.reloadCredentials({ certChainPem: expired.chainPem, privateKeyPem: expired.keyPem });
    } catch (error) {
      caught = error as CredentialsRejectedError;
    }
    expect(caught?.problems.some((p) => p.startsWith('validity.expired'))).toBe(true);
    expect(caught?.message).not.toContain('PRIVATE KEY');
    await cp.close();
  });
});

describe('watching the credential files', () => {
  it('reloads when the files are replaced, and keeps the old identity when the new pair is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creds-'));
    const certFile = join(dir, 'client-chain.pem');
    const keyFile = join(dir, 'client.key');
    writeFileSync(certFile, pki.clientChainPem);
    writeFileSync(keyFile, pki.client.privateKeyPem);
    const cp = client();
    const reloads: string[] = [];
    const errors: TransportError[] = [];
    const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const record = (level: string) => (fields: Record<string, unknown>, message: string) =>
      void lines.push({ level, fields, message });
    const watcher = watchCredentials(cp, {
      certFile,
      keyFile,
      debounceMs: 20,
      onReload: (identity) => reloads.push(identity.leafFingerprint),
      onError: (error) => errors.push(error),
      logger: { debug: record('debug'), info: record('info'), warn: record('warn') },
    });
    const replace = (file: string, text: string) => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file); // how secret mounts and cert-manager rotate files
    };
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((r) => setTimeout(r, 10));
    };

    const renewed = await pki.issueClient();
    replace(keyFile, renewed.keyPem);
    replace(certFile, renewed.chainPem);
    await until(() => reloads.length === 1);
    expect(cp.identity?.notAfter.toISOString()).toBe(renewed.leaf.notAfter.toISOString());
    expect((await cp.call('reference.currencies')).status).toBe(200);

    const expired = await pki.issueClient({ validity: { days: 10, startsInDays: -30 } });
    replace(keyFile, expired.keyPem);
    replace(certFile, expired.chainPem);
    await until(() => errors.length === 1);
    expect(errors[0]?.code).toBe('TRANSPORT_CREDENTIALS_REJECTED');
    expect(cp.identity?.leafFingerprint).toBe(reloads[0]);

    // Every service that watches its files logs rotation the same way, and never the key.
    expect(lines).toEqual([
      {
        level: 'info',
        fields: { leafFingerprint: reloads[0], notAfter: renewed.leaf.notAfter.toISOString() },
        message: 'client certificate reloaded from its files',
      },
      {
        level: 'warn',
        fields: { code: 'TRANSPORT_CREDENTIALS_REJECTED', reason: errors[0]?.message },
        message: 'rotated client certificate refused; keeping the current one',
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('PRIVATE KEY');

    watcher.close();
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
