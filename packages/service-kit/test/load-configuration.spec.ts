import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_CATALOG, API_NAMES } from '@connectpay-kit/hosts';
import {
  describeStartupFailure,
  flattenServiceConfiguration,
  loadServiceConfiguration,
  SettingsError,
  type SettingsContext,
  StartupConfigError,
  StartupFailedError,
  type Variables,
} from '../src/index.js';
import { GATEWAY } from './support/services.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'service-kit-configuration-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * What an app's prepareLocal does with @connectpay-kit/testing-pki, done here with the openssl CLI
 * (the kit must not depend on testing-pki): a self-signed client certificate that is also the CA, a
 * client id and secret, and the same RSA key as the merchant key. Returns the root PEM.
 */
async function opensslDevPki(pkiDir: string): Promise<string> {
  mkdirSync(pkiDir, { recursive: true });
  const key = join(pkiDir, 'client.key');
  const chain = join(pkiDir, 'client-chain.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      chain,
      '-days',
      '2',
      '-subj',
      '/CN=service-kit test',
    ],
    { stdio: 'ignore' },
  );
  copyFileSync(chain, join(pkiDir, 'ca.pem'));
  copyFileSync(key, join(pkiDir, 'merchant.key'));
  writeFileSync(join(pkiDir, 'client-id.txt'), 'service-kit-test');
  writeFileSync(join(pkiDir, 'client-secret.txt'), execFileSync('openssl', ['rand', '-hex', '16']).toString().trim());
  return readFileSync(chain, 'utf8');
}

const noSettings = () => ({ warnings: [] as string[] });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadServiceConfiguration', () => {
  it('prepares the local dev PKI first, then loads config and settings, and hands back what prepareLocal returned', async () => {
    const pkiDir = join(dir, 'pki');
    const contexts: SettingsContext[] = [];
    const loaded = await loadServiceConfiguration({
      env: { CONNECTPAY_ENV: 'local', CONNECTPAY_DEV_PKI_DIR: pkiDir, KIT_PORT: '4000' },
      cwd: dir,
      service: GATEWAY,
      prepareLocal: opensslDevPki,
      loadSettings: (env: Variables, context: SettingsContext) => {
        contexts.push(context);
        return { port: Number(env['KIT_PORT']), warnings: ['settings warning'] };
      },
    });
    expect(loaded.prepared).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(loaded.prepared).toBe(readFileSync(join(pkiDir, 'ca.pem'), 'utf8'));
    // The dev root is what `local` checks its own client chain against (gateway and webhook alike).
    expect(loaded.clientTrustPems).toEqual([readFileSync(join(pkiDir, 'ca.pem'), 'utf8')]);
    expect(loaded.config.environment).toBe('local');
    expect(loaded.config.basic?.clientId).toBe('service-kit-test');
    expect(loaded.settings.port).toBe(4000);
    expect(contexts).toEqual([{ environment: 'local', workspaceRoot: dir, devPkiDir: pkiDir, cwd: dir }]);
    expect(loaded.warnings.at(-1)).toBe('settings warning');
    expect(loaded.warnings.some((warning) => warning.includes('example paths'))).toBe(false);

    // What the apps' bootstraps read: the settings' fields beside config, with every warning.
    const flat = flattenServiceConfiguration(loaded);
    expect(flat.port).toBe(4000);
    expect(flat.config).toBe(loaded.config);
    expect(flat.workspaceRoot).toBe(dir);
    expect(flat.clientTrustPems).toBe(loaded.clientTrustPems);
    expect(flat.warnings).toEqual(loaded.warnings);
  });

  it('never trusts the dev root outside local, even with a dev PKI on disk', async () => {
    const pkiDir = join(dir, 'pki');
    await opensslDevPki(pkiDir);
    const stageDir = join(dir, 'stage');
    await opensslDevPki(stageDir);
    const loaded = await loadServiceConfiguration({
      env: {
        CONNECTPAY_ENV: 'stage',
        CONNECTPAY_DEV_PKI_DIR: pkiDir,
        CONNECTPAY_STAGE_CLIENT_CERT_FILE: join(stageDir, 'client-chain.pem'),
        CONNECTPAY_STAGE_CLIENT_KEY_FILE: join(stageDir, 'client.key'),
        CONNECTPAY_STAGE_CLIENT_ID: 'service-kit-test',
        CONNECTPAY_STAGE_CLIENT_SECRET_FILE: join(stageDir, 'client-secret.txt'),
      },
      cwd: dir,
      service: GATEWAY,
      prepareLocal: () => Promise.reject(new Error('prepareLocal runs in local only')),
      loadSettings: noSettings,
    });
    expect(loaded.config.environment).toBe('stage');
    expect(loaded.clientTrustPems).toEqual([]);
    // Outside local, the catalog's example paths are named so nobody mistakes them for ConnectPay's.
    const examples = API_NAMES.filter((name) => API_CATALOG[name].source === 'example');
    expect(examples.length).toBeGreaterThan(0);
    expect(loaded.warnings).toContainEqual(
      expect.stringContaining(`catalog APIs use example paths ConnectPay has not published (${examples.join(', ')})`),
    );
  });

  it('collects config and settings issues into one SERVICE_CONFIG_INVALID error (exit 78)', async () => {
    const error = await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_ENV: 'stage' },
        cwd: dir,
        service: GATEWAY,
        prepareLocal: () => Promise.reject(new Error('prepareLocal runs in local only')),
        loadSettings: () => {
          throw new SettingsError(GATEWAY, [
            { variable: 'GATEWAY_PORT', message: 'expected number, received NaN.' },
            { variable: 'GATEWAY_API_KEYS_FILE', message: 'is required outside local.' },
          ]);
        },
      }),
    );
    expect(error).toBeInstanceOf(StartupConfigError);
    const config = error as StartupConfigError;
    expect(config.code).toBe('SERVICE_CONFIG_INVALID');
    expect(config.environment).toBe('stage');
    expect(config.issues.map((issue) => issue.variable)).toEqual(
      expect.arrayContaining([
        'CONNECTPAY_STAGE_CLIENT_CERT_FILE',
        'CONNECTPAY_STAGE_CLIENT_ID',
        'GATEWAY_PORT',
        'GATEWAY_API_KEYS_FILE',
      ]),
    );
    const { exitCode, message } = describeStartupFailure(GATEWAY, error);
    expect(exitCode).toBe(78);
    expect(message).toMatch(/^The gateway cannot start: the stage configuration is invalid \(\d+ problems\):\n/);
    expect(message).toContain('  - GATEWAY_PORT: expected number, received NaN.');
    expect(message).toMatch(/apps\/gateway\/README\.md lists them all\.$/);
  });

  it('names an unknown environment and does not ask the settings about it', async () => {
    let asked = false;
    const error = (await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_ENV: 'production' },
        cwd: dir,
        service: GATEWAY,
        loadSettings: () => {
          asked = true;
          return noSettings();
        },
      }),
    )) as StartupConfigError;
    expect(error.issues.map((issue) => issue.variable)).toEqual(['CONNECTPAY_ENV']);
    expect(error.message).toMatch(/^The gateway cannot start: the requested configuration is invalid \(1 problem\)/);
    expect(asked).toBe(false);
  });

  it('turns a dev PKI that cannot be prepared into SERVICE_STARTUP_FAILED (exit 1) that says what to do', async () => {
    writeFileSync(join(dir, 'not-a-folder'), '');
    const pkiDir = join(dir, 'not-a-folder', 'pki');
    const error = await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_DEV_PKI_DIR: pkiDir },
        cwd: dir,
        service: GATEWAY,
        prepareLocal: opensslDevPki,
        loadSettings: noSettings,
      }),
    );
    expect(error).toBeInstanceOf(StartupFailedError);
    expect((error as StartupFailedError).code).toBe('SERVICE_STARTUP_FAILED');
    const { exitCode, message } = describeStartupFailure(GATEWAY, error);
    expect(exitCode).toBe(1);
    expect(message).toMatch(
      new RegExp(`^The gateway cannot start: the local dev PKI in ${pkiDir} could not be prepared: ENOTDIR`),
    );
    expect(message).toMatch(/\(set CONNECTPAY_DEV_PKI_DIR to another folder, or delete this one to regenerate it\)\.$/);
  });

  it('lets a settings loader bug through as it is, not as a configuration problem', async () => {
    const error = await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_ENV: 'stage' },
        cwd: dir,
        service: GATEWAY,
        loadSettings: () => {
          throw new TypeError('settings.port is not a function');
        },
      }),
    );
    expect(error).toBeInstanceOf(TypeError);
  });
});
