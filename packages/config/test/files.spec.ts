import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CredentialKind, loadConfig } from '@connectpay-kit/config';
import { describeReadError } from '../src/files.js';
import { codesByVariable, invalidConfig } from './support/errors.js';
import {
  cleanup,
  ecPrivateKeyPem,
  makeCertAndKey,
  makeProfile,
  rsaPrivateKeyPem,
  tempDir,
  write,
} from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const stage = makeProfile(dir, 'stage');
const other = makeCertAndKey(join(dir, 'other'), 'other');

function loadStage(overrides: Record<string, string | undefined>) {
  return loadConfig('stage', { env: { ...stage.env, ...overrides }, envDir: dir });
}

function loadStageRequiring(overrides: Record<string, string | undefined>, require: CredentialKind[]) {
  return loadConfig('stage', { env: { ...stage.env, ...overrides }, envDir: dir }, { require });
}

describe('credential files', () => {
  it('load a complete stage profile', () => {
    const config = loadStage({});
    expect(config.mtls.certFile).toBe(stage.cert.certFile);
    expect(config.mtls.leafFingerprint256).toBe(stage.cert.fingerprint256);
    expect(config.mtls.key.reveal()).toBe(readFileSync(stage.cert.keyFile, 'utf8'));
    expect(config.basic.clientId).toBe('stage-client');
    expect(config.basic.clientSecret.reveal()).toBe('stage-secret-value');
    expect(config.merchant).toBeUndefined();
    expect(config.caPem).toBeUndefined();
  });

  it('resolve relative paths against envDir', () => {
    const config = loadStage({
      CONNECTPAY_STAGE_CLIENT_CERT_FILE: 'stage/client.pem',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: './stage/client.key',
    });
    expect(config.mtls.certFile).toBe(stage.cert.certFile);
  });

  it('are required for mTLS and Basic in stage by default, each named', () => {
    const error = invalidConfig(() => loadConfig('stage', { env: {}, envDir: dir }));
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_CLIENT_CERT_FILE: 'CONFIG_MISSING',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_MISSING',
      CONNECTPAY_STAGE_CLIENT_ID: 'CONFIG_MISSING',
      CONNECTPAY_STAGE_CLIENT_SECRET_FILE: 'CONFIG_MISSING',
    });
  });

  it('honour require: merchant becomes mandatory, mTLS optional', () => {
    const error = invalidConfig(() =>
      loadStageRequiring(
        { CONNECTPAY_STAGE_CLIENT_CERT_FILE: undefined, CONNECTPAY_STAGE_CLIENT_KEY_FILE: undefined },
        ['basic', 'merchant'],
      ),
    );
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: 'CONFIG_MISSING' });
  });

  it('treat a blank variable as unset', () => {
    const config = loadStage({ CONNECTPAY_STAGE_CA_FILE: '  ' });
    expect(config.caFile).toBeUndefined();
  });

  it.each([
    ['certificate without key', { CONNECTPAY_STAGE_CLIENT_KEY_FILE: undefined }, 'CONNECTPAY_STAGE_CLIENT_KEY_FILE'],
    ['key without certificate', { CONNECTPAY_STAGE_CLIENT_CERT_FILE: undefined }, 'CONNECTPAY_STAGE_CLIENT_CERT_FILE'],
    [
      'client id without secret file',
      { CONNECTPAY_STAGE_CLIENT_SECRET_FILE: undefined },
      'CONNECTPAY_STAGE_CLIENT_SECRET_FILE',
    ],
    ['secret file without client id', { CONNECTPAY_STAGE_CLIENT_ID: undefined }, 'CONNECTPAY_STAGE_CLIENT_ID'],
  ])('refuse half a pair even when the group is not required: %s', (_case, overrides, variable) => {
    const error = invalidConfig(() => loadStageRequiring(overrides, []));
    expect(codesByVariable(error)).toEqual({ [variable]: 'CONFIG_INCOMPLETE_PAIR' });
  });

  it('say ENOENT when a file is missing and "is a directory" for a folder', () => {
    const error = invalidConfig(() =>
      loadStage({ CONNECTPAY_STAGE_CLIENT_CERT_FILE: join(dir, 'nope.pem'), CONNECTPAY_STAGE_CLIENT_KEY_FILE: dir }),
    );
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_CLIENT_CERT_FILE: 'CONFIG_FILE_NOT_FOUND',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_FILE_NOT_READABLE',
    });
    expect(error.message).toContain(`${join(dir, 'nope.pem')} does not exist (ENOENT)`);
    expect(error.message).toContain('is a directory');
  });

  const isRoot = process.getuid?.() === 0;
  // root reads any file whatever its mode, so this case can only be shown by an ordinary user.
  (isRoot ? it.skip : it)('say EACCES when a file exists but may not be read', () => {
    const locked = write(tempDir(), 'locked.key', ecPrivateKeyPem());
    chmodSync(locked, 0o000);
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: locked }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_FILE_NOT_READABLE' });
    expect(error.message).toContain('EACCES');
  });

  it('describe a permission error as such (what the EACCES case reports)', () => {
    const denied = Object.assign(new Error('denied'), { code: 'EACCES' });
    expect(describeReadError(denied, '/run/secrets/key')).toEqual({
      code: 'CONFIG_FILE_NOT_READABLE',
      reason: expect.stringContaining(
        '/run/secrets/key exists but this process may not read it (EACCES, permission denied)',
      ),
    });
  });

  it('refuse a certificate file without a PEM certificate and say when the files look swapped', () => {
    const error = invalidConfig(() =>
      loadStage({
        CONNECTPAY_STAGE_CLIENT_CERT_FILE: stage.cert.keyFile,
        CONNECTPAY_STAGE_CLIENT_KEY_FILE: stage.cert.certFile,
      }),
    );
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_CLIENT_CERT_FILE: 'CONFIG_NOT_A_CERTIFICATE',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_NOT_A_PRIVATE_KEY',
    });
    expect(error.message).toMatch(/swapped/);
  });

  it('refuse a DER certificate and a key node cannot parse', () => {
    const folder = tempDir();
    const der = join(folder, 'client.der');
    execFileSync('openssl', ['x509', '-in', stage.cert.certFile, '-outform', 'der', '-out', der]);
    // Assembled so this source file holds no private key header (the workspace hygiene test scans for it).
    const label = ['PRIVATE', 'KEY'].join(' ');
    const brokenKey = write(folder, 'broken.key', `-----BEGIN ${label}-----\nbm90IGEga2V5\n-----END ${label}-----\n`);
    const error = invalidConfig(() =>
      loadStage({ CONNECTPAY_STAGE_CLIENT_CERT_FILE: der, CONNECTPAY_STAGE_CLIENT_KEY_FILE: brokenKey }),
    );
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_CLIENT_CERT_FILE: 'CONFIG_NOT_A_CERTIFICATE',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_NOT_A_PRIVATE_KEY',
    });
    expect(error.message).toContain('openssl x509 -inform der');
  });

  it('refuse an encrypted private key with the command that decrypts it', () => {
    const encrypted = join(tempDir(), 'protected.key');
    execFileSync('openssl', ['pkey', '-in', stage.cert.keyFile, '-aes256', '-passout', 'pass:pw', '-out', encrypted]);
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: encrypted }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_NOT_A_PRIVATE_KEY' });
    expect(error.message).toContain('is an encrypted private key');
    expect(error.message).toContain('openssl pkey');
  });

  it('refuse a key that is not the leaf certificate’s', () => {
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: other.keyFile }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_KEY_MISMATCH' });
  });

  it('say "put the leaf first" when the key belongs to a later certificate of the chain', () => {
    const folder = tempDir();
    const reversed = write(
      folder,
      'reversed.pem',
      readFileSync(other.certFile, 'utf8') + readFileSync(stage.cert.certFile, 'utf8'),
    );
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CLIENT_CERT_FILE: reversed }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_KEY_MISMATCH' });
    expect(error.message).toContain('certificate #2');
    expect(error.message).toContain('leaf certificate first');
  });

  it('keep a private key pasted into the chain file out of certChainPem, with a warning', () => {
    const combined = write(
      tempDir(),
      'combined.pem',
      readFileSync(stage.cert.certFile, 'utf8') + readFileSync(stage.cert.keyFile, 'utf8'),
    );
    const config = loadStage({ CONNECTPAY_STAGE_CLIENT_CERT_FILE: combined });
    expect(config.mtls.certChainPem).not.toContain('PRIVATE KEY');
    expect(config.mtls.certChainPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(config.warnings.join('\n')).toContain('also holds a private key');
  });

  it('read the CA file, and refuse one without certificates', () => {
    expect(loadStage({ CONNECTPAY_STAGE_CA_FILE: other.certFile }).caPem).toContain('-----BEGIN CERTIFICATE-----');
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CA_FILE: stage.secretFile }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CA_FILE: 'CONFIG_NOT_A_CERTIFICATE' });
  });

  it('need an RSA merchant key', () => {
    const folder = tempDir();
    const rsa = write(folder, 'merchant.key', rsaPrivateKeyPem());
    expect(loadStage({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: rsa }).merchant?.privateKey.reveal()).toBe(
      rsaPrivateKeyPem(),
    );
    const ec = write(folder, 'merchant-ec.key', ecPrivateKeyPem());
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: ec }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: 'CONFIG_MERCHANT_KEY_NOT_RSA' });
  });

  it('need a merchant key of 2048 bits, as ConnectPay registers', () => {
    const folder = tempDir();
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const file = write(folder, 'merchant-1024.key', short as string);
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: file }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_MERCHANT_KEY_FILE: 'CONFIG_MERCHANT_KEY_TOO_SHORT' });
    expect(error.message).toMatch(/1024-bit RSA key; ConnectPay expects a 2048-bit .*rsa_keygen_bits:2048/);
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('trim the trailing newline of a secret file and refuse an empty or multi-line one', () => {
    const folder = tempDir();
    const config = loadStage({ CONNECTPAY_STAGE_CLIENT_SECRET_FILE: write(folder, 'crlf.txt', 'abc\r\n') });
    expect(config.basic.clientSecret.reveal()).toBe('abc');

    const empty = invalidConfig(() =>
      loadStage({ CONNECTPAY_STAGE_CLIENT_SECRET_FILE: write(folder, 'empty.txt', '\n') }),
    );
    expect(codesByVariable(empty)).toEqual({ CONNECTPAY_STAGE_CLIENT_SECRET_FILE: 'CONFIG_FILE_EMPTY' });
    const twoLines = invalidConfig(() =>
      loadStage({ CONNECTPAY_STAGE_CLIENT_SECRET_FILE: write(folder, 'two.txt', 'abc\ndef\n') }),
    );
    expect(codesByVariable(twoLines)).toEqual({ CONNECTPAY_STAGE_CLIENT_SECRET_FILE: 'CONFIG_INVALID_SECRET' });
  });

  it('refuse a client id Basic auth cannot carry', () => {
    const error = invalidConfig(() => loadStage({ CONNECTPAY_STAGE_CLIENT_ID: 'id:with-colon' }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_CLIENT_ID: 'CONFIG_INVALID_CLIENT_ID' });
  });

  it('report every problem at once, one line each, with where the value was set', () => {
    const folder = tempDir();
    mkdirSync(join(folder, 'sub'));
    const envDir = tempDir();
    write(envDir, '.env.stage', `CONNECTPAY_STAGE_CA_FILE=${join(folder, 'missing-ca.pem')}\n`);
    const error = invalidConfig(() =>
      loadConfig(
        'stage',
        {
          env: {
            CONNECTPAY_STAGE_MTLS_URL: 'https://api2-stage.connectpay.com',
            CONNECTPAY_STAGE_ONEWAY_URL: 'ftp://api2-stage.connectpay.com',
            CONNECTPAY_STAGE_CLIENT_CERT_FILE: stage.cert.certFile,
            CONNECTPAY_STAGE_CLIENT_KEY_FILE: other.keyFile,
            CONNECTPAY_STAGE_CLIENT_ID: 'stage-client',
            CONNECTPAY_STAGE_MERCHANT_KEY_FILE: join(folder, 'sub'),
          },
          envDir,
        },
        { require: ['mtls', 'basic', 'merchant'] },
      ),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_MTLS_URL: 'CONFIG_WRONG_HOST_KIND',
      CONNECTPAY_STAGE_ONEWAY_URL: 'CONFIG_URL_NOT_HTTPS',
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: 'CONFIG_KEY_MISMATCH',
      CONNECTPAY_STAGE_CLIENT_SECRET_FILE: 'CONFIG_INCOMPLETE_PAIR',
      CONNECTPAY_STAGE_MERCHANT_KEY_FILE: 'CONFIG_FILE_NOT_READABLE',
      CONNECTPAY_STAGE_CA_FILE: 'CONFIG_FILE_NOT_FOUND',
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('ConnectPay stage configuration is invalid (6 problems):');
    for (const issue of error.issues) expect(lines).toContain(`- ${issue.variable}: ${issue.message}`);
    expect(lines).toHaveLength(7);
    expect(error.message).toContain(`[set in ${join(envDir, '.env.stage')}]`);
  });
});
