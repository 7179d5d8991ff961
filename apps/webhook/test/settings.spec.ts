import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsError, type SettingsContext } from '@connectpay-kit/service-kit';
import { loadWebhookSettings } from '../src/bootstrap/settings.js';

describe('receiver settings', () => {
  let dir: string;
  const context = (environment: SettingsContext['environment']): SettingsContext => ({
    environment,
    workspaceRoot: dir,
    devPkiDir: join(dir, 'pki'),
    cwd: dir,
  });
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const issues = (env: Record<string, string>, environment: SettingsContext['environment'] = 'stage') => {
    try {
      loadWebhookSettings(env, context(environment));
    } catch (error) {
      if (error instanceof SettingsError) return error.issues;
      throw error;
    }
    return [];
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'webhook-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('has working defaults in stage once the token file is given', () => {
    const loaded = loadWebhookSettings(
      { WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11\n') },
      context('stage'),
    );
    expect(loaded.settings).toMatchObject({
      port: 3001,
      host: '0.0.0.0',
      tokenHeader: 'x-connectpay-webhook-token',
      bodyLimitBytes: 262_144,
      storageLocation: join(dir, '.data', 'webhook.sqlite'),
      tokenStorageLocation: join(dir, '.data', 'connectpay.sqlite'),
      workers: 4,
    });
    expect(loaded.sources.allows('52.31.71.221')).toBe(true);
    expect(loaded.sources.allows('127.0.0.1')).toBe(false);
    expect(loaded.adminKeys).toBeUndefined();
    expect(loaded.warnings.join('\n')).toMatch(
      /WEBHOOK_ADMIN_KEYS_FILE[\s\S]*CONNECTPAY_TOKEN_KEY_FILE[\s\S]*WEBHOOK_PUBLIC_URL/,
    );
  });

  it('reports every problem at once, by variable, without file contents', () => {
    const found = issues({
      WEBHOOK_PORT: '99999',
    });
    expect(found.map((issue) => issue.variable)).toEqual(['WEBHOOK_PORT']);

    const many = issues({
      WEBHOOK_TRUSTED_PROXIES: '10.0.0.0/8, proxy.internal',
      WEBHOOK_PUBLIC_URL: 'http://hooks.example.com/?a=1',
      WEBHOOK_ADMIN_KEYS_FILE: file('admin', 'local-dev-key\n'),
      CONNECTPAY_TOKEN_KEY_FILE: file('key', 'too-short'),
    });
    expect(many.map((issue) => issue.variable).sort()).toEqual([
      'CONNECTPAY_TOKEN_KEY_FILE',
      'WEBHOOK_ADMIN_KEYS_FILE',
      'WEBHOOK_PUBLIC_URL',
      'WEBHOOK_PUBLIC_URL',
      'WEBHOOK_TOKEN_FILE',
      'WEBHOOK_TRUSTED_PROXIES',
    ]);
    expect(JSON.stringify(many)).not.toContain('too-short');
    expect(many.find((issue) => issue.variable === 'WEBHOOK_TRUSTED_PROXIES')?.message).toContain('proxy.internal');
  });

  it('reads each webhook token file verbatim: a token with or starting with # is a token, not a comment', () => {
    // 36 characters of the provider's alphabet (A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~).
    const current = "#Qx7!k$2%m&'*+-.^_`|~aB3cD4eF5gH6iJ7";
    const previous = 'Ab3#dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z0';
    expect(current).toHaveLength(36);
    expect(previous).toHaveLength(36);
    const loaded = loadWebhookSettings(
      {
        WEBHOOK_TOKEN_FILE: file('token', `${current}\n`),
        WEBHOOK_TOKEN_PREVIOUS_FILE: file('previous', previous),
      },
      context('prod'),
    );
    expect(loaded.webhookTokens.size).toBe(2);
    expect(loaded.webhookTokens.accepts(current)).toBe(true);
    expect(loaded.webhookTokens.accepts(previous)).toBe(true);
    expect(loaded.webhookTokens.accepts(current.slice(1))).toBe(false);
    expect(loaded.warnings.join('\n')).not.toContain('WEBHOOK_TOKEN');
    // A CRLF editor's line ending is not part of the token either.
    const crlf = loadWebhookSettings({ WEBHOOK_TOKEN_FILE: file('crlf', `${current}\r\n`) }, context('prod'));
    expect(crlf.webhookTokens.accepts(current)).toBe(true);
  });

  it('refuses token files it would have to guess at, naming the file and never the token', () => {
    const refused = (content: string) => issues({ WEBHOOK_TOKEN_FILE: file('token', content) });
    const lines = refused('# old, until Friday\nold-token-0000000000000000\nnew-token-1111111111111111\n');
    expect(lines.map((issue) => issue.variable)).toEqual(['WEBHOOK_TOKEN_FILE']);
    expect(lines[0]?.message).toMatch(/more than one line.*WEBHOOK_TOKEN_PREVIOUS_FILE/);
    expect(JSON.stringify(lines)).not.toContain('old-token');
    expect(refused('')[0]?.message).toMatch(/is empty/);
    expect(refused(' padded-token-000000000000000000000 ')[0]?.message).toMatch(/spaces or tabs/);
    expect(refused('short')[0]?.message).toMatch(/shorter than 16/);
  });

  it('warns outside local about a token that is not 36 characters of the documented alphabet', () => {
    const loaded = loadWebhookSettings(
      { WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11-extra') },
      context('stage'),
    );
    expect(loaded.warnings.join('\n')).toMatch(/WEBHOOK_TOKEN_FILE .* is not 36 characters/);
    expect(loaded.warnings.join('\n')).not.toContain('b5c0d0a8');
  });

  it('keeps the OAuth tokens in the shared database when the inbox is on PostgreSQL', () => {
    const loaded = loadWebhookSettings(
      {
        WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11'),
        WEBHOOK_STORAGE: 'postgres://hooks@db/connectpay',
      },
      context('prod'),
    );
    expect(loaded.settings.tokenStorageLocation).toBe('postgres://hooks@db/connectpay');
  });

  it('reads the inbox and token database URLs from _FILE variables', () => {
    const inbox = 'postgres://hooks:inbox-pw@db/connectpay';
    const tokens = 'postgres://gateway:token-pw@db/gateway';
    const loaded = loadWebhookSettings(
      {
        WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11'),
        WEBHOOK_STORAGE_FILE: file('inbox-url', `${inbox}\n`),
        WEBHOOK_TOKEN_STORAGE_FILE: file('token-url', tokens),
      },
      context('prod'),
    );
    expect(loaded.settings).toMatchObject({ storageLocation: inbox, tokenStorageLocation: tokens });
    const both = issues({
      WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11'),
      WEBHOOK_STORAGE: inbox,
      WEBHOOK_STORAGE_FILE: file('inbox-url', inbox),
    });
    expect(both).toEqual([{ variable: 'WEBHOOK_STORAGE_FILE', message: expect.stringContaining('both set') }]);
    expect(JSON.stringify(both)).not.toContain('inbox-pw');
  });

  it('requires the upstream timeout to fit in half a lease', () => {
    const found = issues({
      WEBHOOK_TOKEN_FILE: file('token', 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11'),
      WEBHOOK_LEASE_MS: '10000',
      WEBHOOK_UPSTREAM_TIMEOUT_MS: '6000',
    });
    expect(found.map((issue) => issue.variable)).toEqual(['WEBHOOK_UPSTREAM_TIMEOUT_MS']);
  });
});
