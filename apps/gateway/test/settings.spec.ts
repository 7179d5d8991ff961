import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError, type SettingsContext } from '@connectpay-kit/service-kit';
import { loadGatewaySettings } from '../src/bootstrap/settings.js';

let dir: string;
let local: SettingsContext;
let prod: SettingsContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-settings-'));
  local = { environment: 'local', workspaceRoot: dir, devPkiDir: join(dir, '.dev-pki'), cwd: dir };
  prod = { ...local, environment: 'prod' };
  writeFileSync(join(dir, 'token.key'), 'k'.repeat(43) + '=');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function issues(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    if (error instanceof SettingsError)
      return Object.fromEntries(error.issues.map((issue) => [issue.variable, issue.message]));
    throw error;
  }
  throw new Error('expected invalid settings');
}

describe('gateway settings', () => {
  it('has working local defaults: port 3000 on loopback, SQLite in the workspace, the local brand and dev key', () => {
    const loaded = loadGatewaySettings({ CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local);
    expect(loaded.settings).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      storageLocation: join(dir, '.data', 'connectpay.sqlite'),
      merchantBrandId: 'local-brand',
      upstreamTimeoutMs: 30_000,
      maxInFlight: 64,
      maxQueued: 64,
      queueTimeoutMs: 1_000,
      headersTimeoutMs: 5_000,
      bodyTimeoutMs: 5_000,
    });
    expect(loaded.apiKeys.accepts('local-dev-key')).toBe(true);
    expect(loaded.tokenKey?.reveal()).toBe('k'.repeat(43) + '=');
    expect(String(loaded.tokenKey)).toBe('[redacted]');
  });

  it('reads api keys from a file, one per line, and accepts only those', () => {
    writeFileSync(join(dir, 'keys'), '# billing\nkey-one\n\n  key-two  \n');
    const loaded = loadGatewaySettings({ GATEWAY_API_KEYS_FILE: 'keys', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, prod);
    expect(
      ['key-one', 'key-two', 'key-three', 'local-dev-key', '# billing'].map((key) => loaded.apiKeys.accepts(key)),
    ).toEqual([true, true, false, false, false]);
    expect(loaded.settings.merchantBrandId).toBeUndefined();
  });

  it('reports every bad variable at once, by name, without file contents', () => {
    writeFileSync(join(dir, 'bad.key'), 'not-a-key-but-a-secret');
    const found = issues(() =>
      loadGatewaySettings(
        {
          GATEWAY_API_KEYS_FILE: 'missing-keys',
          CONNECTPAY_TOKEN_KEY_FILE: 'bad.key',
          GATEWAY_NOTIFICATION_URL: 'http://shop.example/notify',
        },
        prod,
      ),
    );
    expect(Object.keys(found).sort()).toEqual([
      'CONNECTPAY_TOKEN_KEY_FILE',
      'GATEWAY_API_KEYS_FILE',
      'GATEWAY_NOTIFICATION_URL',
    ]);
    expect(found['GATEWAY_API_KEYS_FILE']).toContain('does not exist');
    expect(found['CONNECTPAY_TOKEN_KEY_FILE']).toContain('32-byte');
    expect(found['CONNECTPAY_TOKEN_KEY_FILE']).not.toContain('not-a-key-but-a-secret');
    expect(found['GATEWAY_NOTIFICATION_URL']).toContain('https');
  });

  it('refuses a port that is not a number', () => {
    expect(Object.keys(issues(() => loadGatewaySettings({ GATEWAY_PORT: '80a' }, local)))).toEqual(['GATEWAY_PORT']);
    expect(Object.keys(issues(() => loadGatewaySettings({ GATEWAY_PORT: '70000' }, local)))).toEqual(['GATEWAY_PORT']);
  });

  it('runs without OAuth outside local when no token key is set, and says so', () => {
    writeFileSync(join(dir, 'keys'), 'key-one\n');
    const loaded = loadGatewaySettings({ GATEWAY_API_KEYS_FILE: 'keys' }, prod);
    expect(loaded.tokenKey).toBeUndefined();
    expect(loaded.warnings.join('\n')).toContain('CONNECTPAY_TOKEN_KEY_FILE');
  });

  it('warns outside local that OAuth tokens in SQLite cannot be shared by replicas, and not with PostgreSQL', () => {
    writeFileSync(join(dir, 'keys'), 'key-one\n');
    const base = { GATEWAY_API_KEYS_FILE: 'keys', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' };
    const replicaWarning = (warnings: readonly string[]) =>
      warnings.filter((w) => w.includes('single gateway replica'));
    expect(replicaWarning(loadGatewaySettings(base, prod).warnings)).toHaveLength(1);
    expect(replicaWarning(loadGatewaySettings({ ...base, GATEWAY_STORAGE: 'gw.sqlite' }, prod).warnings)).toHaveLength(
      1,
    );
    const shared = { ...base, GATEWAY_STORAGE: 'postgres://gateway@db.internal:5432/connectpay' };
    expect(replicaWarning(loadGatewaySettings(shared, prod).warnings)).toEqual([]);
    expect(replicaWarning(loadGatewaySettings({ CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local).warnings)).toEqual([]);
  });

  it('keeps a postgres URL as given and resolves a relative SQLite path', () => {
    const url = 'postgres://gateway@db.internal:5432/connectpay';
    expect(
      loadGatewaySettings({ GATEWAY_STORAGE: url, CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local).settings
        .storageLocation,
    ).toBe(url);
    expect(
      loadGatewaySettings({ GATEWAY_STORAGE: 'data/gw.sqlite', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local).settings
        .storageLocation,
    ).toBe(join(dir, 'data', 'gw.sqlite'));
  });

  it('reads the storage URL from GATEWAY_STORAGE_FILE, so its password stays out of the environment', () => {
    const url = 'postgres://gateway:s3cret-pw@db.internal:5432/connectpay';
    writeFileSync(join(dir, 'database-url'), `${url}\n`);
    expect(
      loadGatewaySettings({ GATEWAY_STORAGE_FILE: 'database-url', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local)
        .settings.storageLocation,
    ).toBe(url);

    const both = issues(() =>
      loadGatewaySettings(
        { GATEWAY_STORAGE: url, GATEWAY_STORAGE_FILE: 'database-url', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' },
        local,
      ),
    );
    expect(both['GATEWAY_STORAGE_FILE']).toMatch(/and GATEWAY_STORAGE are both set/);

    const missing = issues(() =>
      loadGatewaySettings({ GATEWAY_STORAGE_FILE: 'nope', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local),
    );
    expect(missing['GATEWAY_STORAGE_FILE']).toContain(join(dir, 'nope'));

    writeFileSync(join(dir, 'two-lines'), `${url}\nsomething else\n`);
    const twoLines = issues(() =>
      loadGatewaySettings({ GATEWAY_STORAGE_FILE: 'two-lines', CONNECTPAY_TOKEN_KEY_FILE: 'token.key' }, local),
    );
    expect(twoLines['GATEWAY_STORAGE_FILE']).toMatch(/one line/);
    // No message repeats the file's content.
    expect(JSON.stringify([both, missing, twoLines])).not.toContain('s3cret-pw');
  });
});
