import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_PKI_FILES, LOCAL_BASE_URLS, loadConfig, SANDBOX_DEFAULT_PORTS } from '@connectpay-kit/config';
import { invalidConfig } from './support/errors.js';
import { cleanup, makeCertAndKey, makeDevPki, tempDir, write } from './support/pki.js';

afterAll(cleanup);

describe('local profile', () => {
  const dir = tempDir();
  const devPkiDir = makeDevPki(dir, 'dev-secret');
  const source = { env: {}, envDir: dir, devPkiDir };

  it('needs no variables: sandbox URLs and every credential from the dev PKI', () => {
    const config = loadConfig('local', source);
    expect(config.environment).toBe('local');
    expect(config.baseUrls).toEqual({ mtls: 'https://127.0.0.1:8443', oneway: 'https://127.0.0.1:8444' });
    expect(LOCAL_BASE_URLS.mtls).toBe(`https://127.0.0.1:${SANDBOX_DEFAULT_PORTS.mtls}`);
    expect(config.mtls.certFile).toBe(join(devPkiDir, DEV_PKI_FILES.clientChain));
    expect(config.mtls.keyFile).toBe(join(devPkiDir, DEV_PKI_FILES.clientKey));
    expect(config.mtls.certChainPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(config.mtls.key.reveal()).toContain('PRIVATE KEY-----');
    expect(config.basic.clientId).toBe('local-dev-client');
    expect(config.basic.clientSecret.reveal()).toBe('dev-secret');
    expect(config.merchant.privateKey.reveal()).toContain('PRIVATE KEY-----');
    expect(config.caFile).toBe(join(devPkiDir, DEV_PKI_FILES.ca));
    expect(config.caPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(config.warnings).toEqual([]);
    expect(config.sources.CLIENT_CERT_FILE).toEqual({
      kind: 'dev-pki',
      variable: 'CONNECTPAY_LOCAL_CLIENT_CERT_FILE',
      file: join(devPkiDir, DEV_PKI_FILES.clientChain),
    });
    expect(config.sources.MTLS_URL).toEqual({ kind: 'default', variable: 'CONNECTPAY_LOCAL_MTLS_URL' });
    expect(config.sources.environment).toEqual({ kind: 'argument' });
  });

  it('is deeply frozen', () => {
    const config = loadConfig('local', source);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.baseUrls)).toBe(true);
    expect(Object.isFrozen(config.mtls)).toBe(true);
    expect(Object.isFrozen(config.warnings)).toBe(true);
    expect(Object.isFrozen(config.sources.CLIENT_ID)).toBe(true);
    expect(() => {
      (config.baseUrls as { mtls: string }).mtls = 'https://evil.example';
    }).toThrow(TypeError);
  });

  it('lets local override URLs and files, process env over .env.local', () => {
    const own = makeCertAndKey(join(dir, 'own'), 'own-client');
    const envDir = tempDir();
    writeFileSync(
      join(envDir, '.env.local'),
      [
        'CONNECTPAY_LOCAL_MTLS_URL=https://localhost:9443',
        'CONNECTPAY_LOCAL_ONEWAY_URL=https://from-file.example:9444/',
        `CONNECTPAY_LOCAL_CLIENT_CERT_FILE=${own.certFile}`,
        `CONNECTPAY_LOCAL_CLIENT_KEY_FILE=${own.keyFile}`,
      ].join('\n'),
    );
    const config = loadConfig('local', {
      env: { CONNECTPAY_LOCAL_ONEWAY_URL: 'https://sandbox.internal:8444' },
      envDir,
      devPkiDir,
    });
    expect(config.baseUrls).toEqual({ mtls: 'https://localhost:9443', oneway: 'https://sandbox.internal:8444' });
    expect(config.sources.MTLS_URL).toEqual({
      kind: 'env-file',
      variable: 'CONNECTPAY_LOCAL_MTLS_URL',
      file: join(envDir, '.env.local'),
    });
    expect(config.sources.ONEWAY_URL).toEqual({ kind: 'env', variable: 'CONNECTPAY_LOCAL_ONEWAY_URL' });
    expect(config.mtls.certFile).toBe(own.certFile);
    expect(config.mtls.leafFingerprint256).toBe(own.fingerprint256);
    // The other groups still come from the dev PKI.
    expect(config.basic.clientId).toBe('local-dev-client');
  });

  it('takes CONNECTPAY_LOCAL_CLIENT_ID with its secret file instead of the dev PKI pair', () => {
    const secretFile = write(tempDir(), 'secret.txt', 'other-secret');
    const config = loadConfig('local', {
      ...source,
      env: { CONNECTPAY_LOCAL_CLIENT_ID: 'my-client', CONNECTPAY_LOCAL_CLIENT_SECRET_FILE: secretFile },
    });
    expect(config.basic.clientId).toBe('my-client');
    expect(config.basic.clientSecret.reveal()).toBe('other-secret');
  });

  it('refuses half a pair instead of mixing it with the dev PKI', () => {
    const own = makeCertAndKey(join(dir, 'half'), 'half');
    const error = invalidConfig(() =>
      loadConfig('local', { ...source, env: { CONNECTPAY_LOCAL_CLIENT_CERT_FILE: own.certFile } }),
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ variable: 'CONNECTPAY_LOCAL_CLIENT_KEY_FILE', code: 'CONFIG_INCOMPLETE_PAIR' }),
    ]);
    expect(error.message).toContain('or neither to use the dev PKI');
  });

  it('without a dev PKI, names every missing file and how to create them', () => {
    const empty = tempDir();
    const error = invalidConfig(() =>
      loadConfig('local', { env: {}, envDir: empty, devPkiDir: join(empty, '.dev-pki') }),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'CONNECTPAY_LOCAL_CLIENT_CERT_FILE',
      'CONNECTPAY_LOCAL_CLIENT_KEY_FILE',
      'CONNECTPAY_LOCAL_CLIENT_ID',
      'CONNECTPAY_LOCAL_CLIENT_SECRET_FILE',
      'CONNECTPAY_LOCAL_MERCHANT_KEY_FILE',
    ]);
    expect(new Set(error.issues.map((issue) => issue.code))).toEqual(new Set(['CONFIG_MISSING']));
    expect(error.message).toContain('ensureDevPki');
  });

  it('loads what is there when nothing is required', () => {
    const empty = tempDir();
    const config = loadConfig('local', { env: {}, envDir: empty, devPkiDir: join(empty, '.dev-pki') }, { require: [] });
    expect(config.mtls).toBeUndefined();
    expect(config.basic).toBeUndefined();
    expect(config.merchant).toBeUndefined();
    expect(config.caPem).toBeUndefined();
    expect(config.warnings.join('\n')).toContain('CONNECTPAY_LOCAL_CA_FILE');
  });
});
