import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_PKI_COMMAND, loadConfigFromEnv } from '@connectpay-kit/config';
import { API_CATALOG, API_NAMES } from '@connectpay-kit/hosts';
import {
  describeStartupFailure,
  explainProfileFailure,
  loadServiceConfiguration,
  loadServiceSettings,
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
 * What `nx run sandbox:dev-pki` writes with @connectpay-kit/testing-pki, done here with the openssl CLI
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
  it('reads the local dev PKI, then loads config and settings', async () => {
    const pkiDir = join(dir, 'pki');
    const root = await opensslDevPki(pkiDir);
    const contexts: SettingsContext[] = [];
    const loaded = await loadServiceConfiguration({
      env: { CONNECTPAY_ENV: 'local', CONNECTPAY_DEV_PKI_DIR: pkiDir, KIT_PORT: '4000' },
      cwd: dir,
      service: GATEWAY,
      loadSettings: (env: Variables, context: SettingsContext) => {
        contexts.push(context);
        return { port: Number(env['KIT_PORT']), warnings: ['settings warning'] };
      },
    });
    expect(root).toMatch(/^-----BEGIN CERTIFICATE-----/);
    // The dev root is what `local` checks its own client chain against (gateway and webhook alike).
    expect(loaded.clientTrustPems).toEqual([root]);
    expect(loaded.config.environment).toBe('local');
    expect(loaded.config.basic?.clientId).toBe('service-kit-test');
    expect(loaded.settings.port).toBe(4000);
    expect(contexts).toEqual([{ environment: 'local', workspaceRoot: dir, devPkiDir: pkiDir, cwd: dir }]);
    expect(loaded.warnings.at(-1)).toBe('settings warning');
    expect(loaded.warnings.some((warning) => warning.includes('example paths'))).toBe(false);
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

  it('never makes a missing local dev PKI: the first issue says it is missing and names the command that makes it', async () => {
    const pkiDir = join(dir, 'pki');
    const error = await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_DEV_PKI_DIR: pkiDir },
        cwd: dir,
        service: GATEWAY,
        loadSettings: noSettings,
      }),
    );
    expect(existsSync(pkiDir)).toBe(false);
    expect(error).toBeInstanceOf(StartupConfigError);
    const { exitCode, message } = describeStartupFailure(GATEWAY, error);
    expect(exitCode).toBe(78);
    const [first, ...rest] = (error as StartupConfigError).issues;
    expect(first).toEqual({
      variable: 'CONNECTPAY_DEV_PKI_DIR',
      message: expect.stringContaining(`the local dev PKI is missing: ${pkiDir} does not exist.`),
    });
    expect(first?.message).toContain(`make it with \`${DEV_PKI_COMMAND}\``);
    expect(DEV_PKI_COMMAND).toBe('npx nx run sandbox:dev-pki');
    // config's own issues, each naming the file it looked for, follow.
    expect(rest.map((issue) => issue.variable)).toContain('CONNECTPAY_LOCAL_CLIENT_CERT_FILE');
    expect(message).toContain(`  - CONNECTPAY_DEV_PKI_DIR: the local dev PKI is missing`);
  });

  it('names the files an incomplete local dev PKI lacks', async () => {
    const pkiDir = join(dir, 'pki');
    await opensslDevPki(pkiDir);
    rmSync(join(pkiDir, 'client-id.txt'));
    const error = (await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_DEV_PKI_DIR: pkiDir },
        cwd: dir,
        service: GATEWAY,
        loadSettings: noSettings,
      }),
    )) as StartupConfigError;
    expect(error.issues[0]?.message).toMatch(
      new RegExp(`^the local dev PKI is incomplete: ${pkiDir} has no client-id\\.txt, [a-z-]+\\.(txt|key)`),
    );
  });

  it('says nothing of a missing dev PKI when the issues are not about it', async () => {
    // Every credential set to files of its own: local does not need the dev PKI then.
    const own = join(dir, 'own');
    await opensslDevPki(own);
    const error = (await failure(
      loadServiceConfiguration({
        env: {
          CONNECTPAY_DEV_PKI_DIR: join(dir, 'pki'),
          CONNECTPAY_LOCAL_CLIENT_CERT_FILE: join(own, 'client-chain.pem'),
          CONNECTPAY_LOCAL_CLIENT_KEY_FILE: join(own, 'client.key'),
          CONNECTPAY_LOCAL_CLIENT_ID: 'service-kit-test',
          CONNECTPAY_LOCAL_CLIENT_SECRET_FILE: join(own, 'client-secret.txt'),
          CONNECTPAY_LOCAL_MERCHANT_KEY_FILE: join(own, 'merchant.key'),
        },
        cwd: dir,
        service: GATEWAY,
        loadSettings: () => {
          throw new SettingsError(GATEWAY, [{ variable: 'GATEWAY_PORT', message: 'expected number, received NaN.' }]);
        },
      }),
    )) as StartupConfigError;
    expect(error.issues.map((issue) => issue.variable)).toEqual(['GATEWAY_PORT']);
  });

  it('turns an unreadable dev root into SERVICE_STARTUP_FAILED (exit 1) that says what to do', async () => {
    const pkiDir = join(dir, 'pki');
    mkdirSync(join(pkiDir, 'ca.pem'), { recursive: true });
    const error = await failure(
      loadServiceConfiguration({
        env: { CONNECTPAY_DEV_PKI_DIR: pkiDir },
        cwd: dir,
        service: GATEWAY,
        loadSettings: noSettings,
      }),
    );
    expect(error).toBeInstanceOf(StartupFailedError);
    const { exitCode, message } = describeStartupFailure(GATEWAY, error);
    expect(exitCode).toBe(1);
    expect(message).toMatch(
      new RegExp(`^The gateway cannot start: the local dev PKI's root ${pkiDir}/ca\\.pem cannot be read: EISDIR`),
    );
    expect(message).toContain(`or delete this one and run \`${DEV_PKI_COMMAND}\``);
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

// A Nest service reads its settings first and lets ConnectPayConfigModule load the profile: the two
// halves must report exactly what loadServiceConfiguration reports in one go.
describe('loadServiceSettings and explainProfileFailure', () => {
  it('returns valid settings and the profile source without loading the profile', async () => {
    const pkiDir = join(dir, 'pki');
    const env = { CONNECTPAY_ENV: 'stage', CONNECTPAY_DEV_PKI_DIR: pkiDir };
    const loaded = await loadServiceSettings({ env, cwd: dir, service: GATEWAY, loadSettings: noSettings });
    // The stage profile lacks every credential: only loading it would have failed.
    expect(loaded).toMatchObject({ environment: 'stage', devPkiDir: pkiDir, clientTrustPems: [] });
    expect(loaded.source).toEqual({ env, envDir: dir, devPkiDir: pkiDir });
  });

  it("gives the profile's failure, as the module throws it, the words loadServiceConfiguration gives it", async () => {
    const pkiDir = join(dir, 'pki');
    const env = { CONNECTPAY_DEV_PKI_DIR: pkiDir };
    const loaded = await loadServiceSettings({ env, cwd: dir, service: GATEWAY, loadSettings: noSettings });
    let thrown: unknown;
    try {
      loadConfigFromEnv(loaded.source);
    } catch (error) {
      thrown = error;
    }
    const explained = explainProfileFailure(GATEWAY, loaded, thrown);
    const together = await failure(
      loadServiceConfiguration({ env, cwd: dir, service: GATEWAY, loadSettings: noSettings }),
    );
    expect(explained).toBeInstanceOf(StartupConfigError);
    expect((explained as StartupConfigError).message).toBe((together as StartupConfigError).message);
    expect((explained as StartupConfigError).issues[0]?.variable).toBe('CONNECTPAY_DEV_PKI_DIR');
    const other = new Error('a provider failed');
    expect(explainProfileFailure(GATEWAY, loaded, other)).toBe(other);
  });
});
