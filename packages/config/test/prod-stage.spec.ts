import { execFileSync } from 'node:child_process';
import { copyFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@connectpay-kit/config';
import { codesByVariable, invalidConfig } from './support/errors.js';
import { cleanup, copy, makeCertAndKey, makeProfile, rsaPrivateKeyPem, tempDir, write } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const stage = makeProfile(dir, 'stage');
const prod = makeProfile(dir, 'prod');
const both = { ...stage.env, ...prod.env };

describe('prod refuses what stage uses', () => {
  it('loads prod when nothing is shared, and stage without warnings', () => {
    expect(loadConfig('prod', { env: both, envDir: dir }).mtls.leafFingerprint256).toBe(prod.cert.fingerprint256);
    expect(loadConfig('stage', { env: both, envDir: dir }).warnings).toEqual([]);
  });

  it('refuses a file that stage also names', () => {
    const env = { ...both, CONNECTPAY_PROD_CLIENT_SECRET_FILE: stage.secretFile };
    const error = invalidConfig(() => loadConfig('prod', { env, envDir: dir }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_PROD_CLIENT_SECRET_FILE: 'CONFIG_PROD_SHARES_STAGE_FILE' });
    expect(error.message).toContain('CONNECTPAY_STAGE_CLIENT_SECRET_FILE');
  });

  it('sees through a symlink and a relative path to the same file', () => {
    const link = join(tempDir(), 'prod-cert-link.pem');
    symlinkSync(stage.cert.certFile, link);
    const env = {
      ...both,
      CONNECTPAY_PROD_CLIENT_CERT_FILE: link,
      CONNECTPAY_PROD_CLIENT_KEY_FILE: 'stage/../stage/client.key',
    };
    const error = invalidConfig(() => loadConfig('prod', { env, envDir: dir }));
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_PROD_CLIENT_CERT_FILE: 'CONFIG_PROD_SHARES_STAGE_FILE',
      CONNECTPAY_PROD_CLIENT_KEY_FILE: 'CONFIG_PROD_SHARES_STAGE_FILE',
    });
  });

  it('reads stage from .env.stage too (the documented exception)', () => {
    const envDir = tempDir();
    write(envDir, '.env.stage', `CONNECTPAY_STAGE_MERCHANT_KEY_FILE=${prod.secretFile}\n`);
    const error = invalidConfig(() => loadConfig('prod', { env: prod.env, envDir }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_PROD_CLIENT_SECRET_FILE: 'CONFIG_PROD_SHARES_STAGE_FILE' });
    expect(error.message).toContain(`[set in ${join(envDir, '.env.stage')}]`);
  });

  it('refuses a copy of the stage certificate (same fingerprint, other path)', () => {
    const folder = tempDir();
    const env = {
      ...both,
      CONNECTPAY_PROD_CLIENT_CERT_FILE: copy(stage.cert.certFile, folder, 'cert.pem'),
      CONNECTPAY_PROD_CLIENT_KEY_FILE: copy(stage.cert.keyFile, folder, 'cert.key'),
    };
    const error = invalidConfig(() => loadConfig('prod', { env, envDir: dir }));
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_PROD_CLIENT_CERT_FILE: 'CONFIG_PROD_SHARES_STAGE_CERT',
      CONNECTPAY_PROD_CLIENT_KEY_FILE: 'CONFIG_PROD_SHARES_STAGE_KEY',
    });
    expect(error.message).toContain(stage.cert.fingerprint256);
  });

  it("refuses stage's key even when stage's key file is unreadable here (compared through its certificate)", () => {
    const folder = tempDir();
    // A new prod certificate for stage's key pair: different fingerprint, same key.
    const reissued = join(folder, 'reissued.pem');
    execFileSync('openssl', [
      'req',
      '-x509',
      '-new',
      '-key',
      stage.cert.keyFile,
      '-subj',
      '/CN=reissued',
      '-days',
      '30',
      '-out',
      reissued,
    ]);
    const env = {
      ...both,
      CONNECTPAY_STAGE_CLIENT_KEY_FILE: join(folder, 'not-on-this-machine.key'),
      CONNECTPAY_PROD_CLIENT_CERT_FILE: reissued,
      CONNECTPAY_PROD_CLIENT_KEY_FILE: copy(stage.cert.keyFile, folder, 'prod.key'),
    };
    const error = invalidConfig(() => loadConfig('prod', { env, envDir: dir }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_PROD_CLIENT_KEY_FILE: 'CONFIG_PROD_SHARES_STAGE_KEY' });
  });

  it('refuses a merchant key equal to stage’s', () => {
    const folder = tempDir();
    const env = {
      ...both,
      CONNECTPAY_STAGE_MERCHANT_KEY_FILE: write(folder, 'stage-merchant.key', rsaPrivateKeyPem()),
      CONNECTPAY_PROD_MERCHANT_KEY_FILE: write(folder, 'prod-merchant.key', rsaPrivateKeyPem()),
    };
    const error = invalidConfig(() => loadConfig('prod', { env, envDir: dir }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_PROD_MERCHANT_KEY_FILE: 'CONFIG_PROD_SHARES_STAGE_KEY' });
  });

  it('lets prod and stage trust the same CA file', () => {
    const ca = makeCertAndKey(tempDir(), 'ca');
    const env = { ...both, CONNECTPAY_STAGE_CA_FILE: ca.certFile, CONNECTPAY_PROD_CA_FILE: ca.certFile };
    expect(loadConfig('prod', { env, envDir: dir }).caFile).toBe(ca.certFile);
  });

  it('only warns when stage is the one loaded', () => {
    const folder = tempDir();
    copyFileSync(stage.cert.certFile, join(folder, 'cert.pem'));
    const env = {
      ...both,
      CONNECTPAY_PROD_CLIENT_CERT_FILE: join(folder, 'cert.pem'),
      CONNECTPAY_PROD_CLIENT_KEY_FILE: stage.cert.keyFile,
    };
    const config = loadConfig('stage', { env, envDir: dir });
    expect(config.warnings).toHaveLength(2);
    expect(config.warnings[0]).toMatch(
      /^CONNECTPAY_STAGE_CLIENT_KEY_FILE: .* is also CONNECTPAY_PROD_CLIENT_KEY_FILE; a prod profile refuses/,
    );
    expect(config.warnings[1]).toMatch(/^CONNECTPAY_STAGE_CLIENT_CERT_FILE: its leaf certificate/);
  });
});
