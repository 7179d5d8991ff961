import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadConfigFromEnv } from '@connectpay-kit/config';
import { codesByVariable, invalidConfig } from './support/errors.js';
import { cleanup, makeDevPki, makeProfile, tempDir, write } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const devPkiDir = makeDevPki(dir);
const stage = makeProfile(dir, 'stage');

describe('choosing the environment', () => {
  it('defaults to local when CONNECTPAY_ENV is unset or blank', () => {
    for (const env of [{}, { CONNECTPAY_ENV: '' }]) {
      const config = loadConfigFromEnv({ env, envDir: dir, devPkiDir });
      expect(config.environment).toBe('local');
      expect(config.sources.environment).toEqual({ kind: 'default', variable: 'CONNECTPAY_ENV' });
    }
  });

  it('loads the environment CONNECTPAY_ENV names, and only its variables', () => {
    const config = loadConfigFromEnv({
      env: {
        CONNECTPAY_ENV: 'stage',
        ...stage.env,
        // Broken local and prod values must not matter to a stage process.
        CONNECTPAY_LOCAL_MTLS_URL: 'not a url',
        CONNECTPAY_PROD_CLIENT_ID: 'a:b',
      },
      envDir: dir,
    });
    expect(config.environment).toBe('stage');
    expect(config.sources.environment).toEqual({ kind: 'env', variable: 'CONNECTPAY_ENV' });
    expect(config.basic.clientId).toBe('stage-client');
  });

  it.each(['staging', 'PROD', 'dev'])('refuses CONNECTPAY_ENV=%s, naming the variable and the choices', (value) => {
    const error = invalidConfig(() => loadConfigFromEnv({ env: { CONNECTPAY_ENV: value }, envDir: dir }));
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_ENV: 'CONFIG_UNKNOWN_ENVIRONMENT' });
    expect(error.message).toContain('expected local, stage or prod');
    expect(error.message).toContain(`"${value}"`);
  });

  it('refuses an unknown environment passed to loadConfig at run time', () => {
    const error = invalidConfig(() => loadConfig('qa' as 'stage', { env: {}, envDir: dir }));
    expect(error.issues[0]?.code).toBe('CONFIG_UNKNOWN_ENVIRONMENT');
  });

  it('refuses a require option it does not know', () => {
    expect(() => loadConfig('local', { env: {}, envDir: dir, devPkiDir }, { require: ['oauth' as 'basic'] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID_OPTIONS' }),
    );
  });
});

describe('.env.<environment> files', () => {
  it('are optional, and process env wins over them', () => {
    const envDir = tempDir();
    write(
      envDir,
      '.env.stage',
      `CONNECTPAY_STAGE_CLIENT_ID=from-file\nCONNECTPAY_STAGE_CLIENT_SECRET_FILE=${stage.secretFile}\n`,
    );
    const fromFile = loadConfig('stage', {
      env: {
        CONNECTPAY_STAGE_CLIENT_CERT_FILE: stage.cert.certFile,
        CONNECTPAY_STAGE_CLIENT_KEY_FILE: stage.cert.keyFile,
      },
      envDir,
    });
    expect(fromFile.basic.clientId).toBe('from-file');
    const overridden = loadConfig('stage', { env: { ...stage.env, CONNECTPAY_STAGE_CLIENT_ID: 'from-env' }, envDir });
    expect(overridden.basic.clientId).toBe('from-env');
  });

  it("ignore other environments' variables in them, with a warning", () => {
    const envDir = tempDir();
    write(envDir, '.env.stage', 'CONNECTPAY_PROD_CLIENT_ID=prod-client\nCONNECTPAY_ENV=prod\nOTHER_TOOL=1\n');
    const config = loadConfig('stage', { env: stage.env, envDir });
    expect(config.basic.clientId).toBe('stage-client');
    expect(config.warnings).toHaveLength(2);
    expect(config.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('sets CONNECTPAY_PROD_CLIENT_ID, which belongs to another environment and is ignored'),
        expect.stringContaining('sets CONNECTPAY_ENV, which is ignored there'),
      ]),
    );
  });

  it('warn about unknown variables of the environment, suggesting the right one', () => {
    const config = loadConfig('stage', {
      env: { ...stage.env, CONNECTPAY_STAGE_CA: '/etc/ca.pem', CONNECTPAY_STAGE_MTLS: 'x' },
      envDir: dir,
    });
    expect(config.warnings).toEqual([
      expect.stringContaining(
        'CONNECTPAY_STAGE_CA, which is ignored: keys, certificates and secrets are read only from files',
      ),
      expect.stringContaining('Did you mean CONNECTPAY_STAGE_MTLS_URL?'),
    ]);
  });

  it('that exist but cannot be read are an error, not silently skipped', () => {
    const envDir = tempDir();
    mkdirSync(join(envDir, '.env.stage'));
    chmodSync(join(envDir, '.env.stage'), 0o700);
    const error = invalidConfig(() => loadConfig('stage', { env: stage.env, envDir }));
    expect(error.issues).toEqual([
      expect.objectContaining({ variable: join(envDir, '.env.stage'), code: 'CONFIG_FILE_NOT_READABLE' }),
    ]);
  });
});
