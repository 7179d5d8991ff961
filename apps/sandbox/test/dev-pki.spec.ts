// The sandbox only reads the dev PKI; `nx run sandbox:dev-pki` makes it (testing-pki's ensureDevPki).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import { DevPkiMissingError, optionsFromDevPki } from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-dev-pki-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function refusal(read: () => unknown): DevPkiMissingError {
  try {
    read();
  } catch (error) {
    if (error instanceof DevPkiMissingError) return error;
    throw error;
  }
  throw new Error('expected DevPkiMissingError');
}

describe('optionsFromDevPki', () => {
  it('reads the files ensureDevPki writes', async () => {
    const pki = await ensureDevPki(dir);
    const options = optionsFromDevPki(dir);
    expect(options.clientId).toBe('local-dev-client');
    expect(options.mtlsServer.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(options.webhookToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(pki.generated).toBe(true);
  });

  it('never makes a missing dev PKI: it names every file the folder lacks and the command that makes them', () => {
    const missing = join(dir, '.dev-pki');
    const error = refusal(() => optionsFromDevPki(missing));
    expect(error.code).toBe('SANDBOX_DEV_PKI_MISSING');
    expect(error.missing).toHaveLength(9);
    expect(error.message).toContain(`the local dev PKI in ${missing} has no ca.pem, server-mtls-chain.pem,`);
    expect(error.message).toContain('Make it with `npx nx run sandbox:dev-pki`');
  });

  it('names only the file an otherwise complete dev PKI lacks', async () => {
    await ensureDevPki(dir);
    rmSync(join(dir, 'server-oneway.key'));
    expect(refusal(() => optionsFromDevPki(dir)).missing).toEqual(['server-oneway.key']);
  });
});
