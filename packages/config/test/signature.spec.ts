import {
  DEFAULT_MERCHANT_SIGNATURE_SETTINGS,
  loadConfig,
  loadMerchantSignature,
  type MerchantSignatureSettings,
} from '@connectpay-kit/config';
import { codesByVariable, invalidConfig } from './support/errors.js';
import { cleanup, makeDevPki, makeProfile, rsaPrivateKeyPem, tempDir, write } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const devPkiDir = makeDevPki(dir);
const stage = makeProfile(dir, 'stage');
const stageMerchant = {
  ...stage.env,
  CONNECTPAY_STAGE_MERCHANT_KEY_FILE: write(dir, 'stage-merchant.key', rsaPrivateKeyPem()),
};

function stageSignature(env: Record<string, string>): MerchantSignatureSettings {
  return loadConfig('stage', { env: { ...stageMerchant, ...env }, envDir: dir }, { require: ['merchant'] }).merchant
    .signature;
}

describe('merchant X-Signature settings', () => {
  it("default to no separator, the query string signed, PKCS#1 v1.5, each from 'default'", () => {
    const config = loadConfig('local', { env: {}, envDir: dir, devPkiDir });
    expect(config.merchant.signature).toEqual({ separator: '', includeQuery: true, padding: 'pkcs1' });
    expect(DEFAULT_MERCHANT_SIGNATURE_SETTINGS).toEqual(config.merchant.signature);
    expect(config.sources.MERCHANT_SIGNATURE_PADDING).toEqual({
      kind: 'default',
      variable: 'CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_PADDING',
    });
    expect(config.warnings).toEqual([]);
  });

  it('treat a blank value as unset', () => {
    expect(
      stageSignature({
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: '',
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_QUERY: ' ',
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: '',
      }),
    ).toEqual(DEFAULT_MERCHANT_SIGNATURE_SETTINGS);
  });

  it.each([
    ['|', '|'],
    ['::', '::'],
    ['  |  ', '|'], // surrounding white space is dropped, as for every setting
    ['%20', ' '],
    ['%0A', '\n'],
    ['%20|%20', ' | '],
    ['%25', '%'],
  ])('take the separator %j as %j (percent-decoded)', (value, separator) => {
    expect(stageSignature({ CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: value }).separator).toBe(separator);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['no', false],
  ])('take QUERY=%s as includeQuery %s', (value, includeQuery) => {
    expect(stageSignature({ CONNECTPAY_STAGE_MERCHANT_SIGNATURE_QUERY: value }).includeQuery).toBe(includeQuery);
  });

  it.each(['pkcs1', 'pss'] as const)('take PADDING=%s', (padding) => {
    expect(stageSignature({ CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: padding }).padding).toBe(padding);
  });

  it('come from the .env file too, and record where each value came from', () => {
    const envDir = tempDir();
    write(envDir, '.env.stage', 'CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR="%0A"\n');
    const config = loadConfig(
      'stage',
      { env: { ...stageMerchant, CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'pss' }, envDir },
      { require: ['merchant'] },
    );
    expect(config.merchant.signature).toEqual({ separator: '\n', includeQuery: true, padding: 'pss' });
    expect(config.sources.MERCHANT_SIGNATURE_SEPARATOR).toMatchObject({ kind: 'env-file' });
    expect(config.sources.MERCHANT_SIGNATURE_PADDING).toEqual({
      kind: 'env',
      variable: 'CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING',
    });
  });

  it('refuse invalid values all at once, naming each variable and the allowed values', () => {
    const error = invalidConfig(() =>
      stageSignature({
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: '100%',
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_QUERY: 'maybe',
        CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'PSS',
      }),
    );
    expect(codesByVariable(error)).toEqual({
      CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: 'CONFIG_INVALID_VALUE',
      CONNECTPAY_STAGE_MERCHANT_SIGNATURE_QUERY: 'CONFIG_INVALID_VALUE',
      CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'CONFIG_INVALID_VALUE',
    });
    expect(error.message).toContain('CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: ');
    expect(error.message).toContain('%25 for a literal %');
    expect(error.message).toContain('CONNECTPAY_STAGE_MERCHANT_SIGNATURE_QUERY: must be true or false');
    expect(error.message).toContain('CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: must be pkcs1');
    expect(error.message).toContain('or pss');
  });

  it('refuse an invalid value even when no merchant key is configured', () => {
    const error = invalidConfig(() =>
      loadConfig('stage', { env: { ...stage.env, CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'rsa' }, envDir: dir }),
    );
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'CONFIG_INVALID_VALUE' });
  });

  it('warn when set without a merchant key, since nothing is signed with them', () => {
    const config = loadConfig('stage', {
      env: { ...stage.env, CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR: '|' },
      envDir: dir,
    });
    expect(config.merchant).toBeUndefined();
    expect(config.warnings).toEqual([
      expect.stringContaining(
        'CONNECTPAY_STAGE_MERCHANT_SIGNATURE_SEPARATOR is set but CONNECTPAY_STAGE_MERCHANT_KEY_FILE is not',
      ),
    ]);
  });

  it('belong to their environment: a stage value does not change prod', () => {
    const prod = makeProfile(dir, 'prod');
    const config = loadConfig(
      'prod',
      {
        env: {
          ...prod.env,
          CONNECTPAY_PROD_MERCHANT_KEY_FILE: write(dir, 'prod-merchant.key', rsaPrivateKeyPem()),
          CONNECTPAY_STAGE_MERCHANT_SIGNATURE_PADDING: 'pss',
        },
        envDir: dir,
      },
      { require: ['merchant'] },
    );
    expect(config.merchant.signature.padding).toBe('pkcs1');
  });
});

describe('loadMerchantSignature (the verifying side: apps/sandbox)', () => {
  it('reads only the signature settings, with their defaults', () => {
    expect(loadMerchantSignature('local', { env: {}, envDir: tempDir() })).toEqual(DEFAULT_MERCHANT_SIGNATURE_SETTINGS);
    expect(
      loadMerchantSignature('local', {
        env: {
          CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_SEPARATOR: '%7C',
          CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_QUERY: 'false',
          CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_PADDING: 'pss',
          // Broken values of other settings are not the verifier's business.
          CONNECTPAY_LOCAL_CLIENT_ID: 'a:b',
        },
        envDir: tempDir(),
      }),
    ).toEqual({ separator: '|', includeQuery: false, padding: 'pss' });
  });

  it('refuses an invalid value the way loadConfig does', () => {
    const error = invalidConfig(() =>
      loadMerchantSignature('local', {
        env: { CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_QUERY: 'TRUE ' },
        envDir: tempDir(),
      }),
    );
    expect(codesByVariable(error)).toEqual({ CONNECTPAY_LOCAL_MERCHANT_SIGNATURE_QUERY: 'CONFIG_INVALID_VALUE' });
  });
});
