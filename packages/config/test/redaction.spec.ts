import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { type ConnectPayConfig, loadConfig, loadConfigFromEnv } from '@connectpay-kit/config';
import { invalidConfig } from './support/errors.js';
import { cleanup, makeProfile, rsaPrivateKeyPem, tempDir, write } from './support/pki.js';

afterAll(cleanup);

const SECRET = 'Zq9-known-client-secret-7Xv';
const dir = tempDir();
const stage = makeProfile(dir, 'stage', SECRET);
const merchantKeyFile = write(dir, 'merchant.key', rsaPrivateKeyPem());
/** A line from the middle of each private key: if any of it shows up, key material leaked. */
const keyLines = [stage.cert.keyFile, merchantKeyFile].map((file) => readFileSync(file, 'utf8').split('\n')[1] ?? '');

function renderings(value: unknown): string[] {
  return [
    String(value),
    JSON.stringify(value),
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true }),
    value instanceof Error ? (value.stack ?? '') : '',
  ];
}

function expectNoSecrets(value: unknown): void {
  for (const text of renderings(value)) {
    expect(text).not.toContain(SECRET);
    for (const line of keyLines) expect(text).not.toContain(line);
  }
}

describe('secrets stay out of output', () => {
  it('in a loaded config, whichever way it is printed', () => {
    const config: ConnectPayConfig = loadConfig(
      'stage',
      { env: { ...stage.env, CONNECTPAY_STAGE_MERCHANT_KEY_FILE: merchantKeyFile }, envDir: dir },
      { require: ['mtls', 'basic', 'merchant'] },
    );
    expect(config.basic?.clientSecret.reveal()).toBe(SECRET);
    expect(keyLines.every((line) => line.length > 20)).toBe(true);
    expectNoSecrets(config);
    expect(JSON.stringify(config)).toContain('"clientSecret":"[redacted]"');
  });

  it('in warnings about a secret set directly in a variable', () => {
    const config = loadConfig('stage', { env: { ...stage.env, CONNECTPAY_STAGE_CLIENT_SECRET: SECRET }, envDir: dir });
    expect(config.warnings.join('\n')).toContain('CONNECTPAY_STAGE_CLIENT_SECRET_FILE');
    expectNoSecrets(config);
  });

  it('in errors about files holding secrets or keys in the wrong place', () => {
    const multiLine = write(tempDir(), 'two-lines.txt', `${SECRET}\n${SECRET}\n`);
    const error = invalidConfig(() =>
      loadConfig(
        'stage',
        {
          env: {
            CONNECTPAY_STAGE_CLIENT_CERT_FILE: stage.secretFile,
            CONNECTPAY_STAGE_CLIENT_KEY_FILE: stage.cert.certFile,
            CONNECTPAY_STAGE_CA_FILE: stage.cert.keyFile,
            CONNECTPAY_STAGE_MERCHANT_KEY_FILE: stage.secretFile,
            CONNECTPAY_STAGE_CLIENT_ID: stage.clientId,
            CONNECTPAY_STAGE_CLIENT_SECRET_FILE: multiLine,
          },
          envDir: dir,
        },
        { require: ['mtls', 'basic', 'merchant'] },
      ),
    );
    expect(error.issues.map((issue) => issue.code)).toEqual([
      'CONFIG_NOT_A_CERTIFICATE',
      'CONFIG_NOT_A_PRIVATE_KEY',
      'CONFIG_INVALID_SECRET',
      'CONFIG_NOT_A_PRIVATE_KEY',
      'CONFIG_NOT_A_CERTIFICATE',
    ]);
    expectNoSecrets(error);
  });

  it('in errors about variables that hold a secret by mistake', () => {
    const error = invalidConfig(() =>
      loadConfig('stage', {
        env: {
          ...stage.env,
          CONNECTPAY_STAGE_MTLS_URL: `https://client:${SECRET}@api-stage.connectpay.com`,
          CONNECTPAY_STAGE_ONEWAY_URL: SECRET,
          CONNECTPAY_STAGE_CLIENT_ID: `client:${SECRET}`,
        },
        envDir: dir,
      }),
    );
    expect(error.issues).toHaveLength(3);
    expectNoSecrets(error);

    const unknownEnvironment = invalidConfig(() => loadConfigFromEnv({ env: { CONNECTPAY_ENV: `${SECRET}!` } }));
    expect(unknownEnvironment.issues[0]?.code).toBe('CONFIG_UNKNOWN_ENVIRONMENT');
    expectNoSecrets(unknownEnvironment);
  });
});
