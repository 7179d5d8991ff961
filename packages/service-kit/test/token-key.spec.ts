import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTokenKey, type SettingsContext, type SettingsIssue, type TokenKeyOptions } from '../src/index.js';
import { settingsContextIn } from './support/settings-context.js';

// Stands in for transport's TokenCipher.accepts: a 32-byte key as base64.
const isBase64Key = (text: string) => Buffer.from(text.trim(), 'base64').length === 32;

describe('readTokenKey', () => {
  let dir: string;
  const context = (environment: SettingsContext['environment']) => settingsContextIn(dir, environment);
  const read = (options: Partial<TokenKeyOptions> & Pick<TokenKeyOptions, 'context'>) => {
    const issues: SettingsIssue[] = [];
    const warnings: string[] = [];
    const key = readTokenKey(
      { file: undefined, withoutKey: 'the OAuth routes answer 503.', isUsableKey: isBase64Key, ...options },
      issues,
      warnings,
    );
    return { key, issues, warnings };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-token-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('in local, unset, reads the dev PKI key the sandbox and both apps share', () => {
    const key = randomBytes(32).toString('base64');
    mkdirSync(join(dir, '.dev-pki'));
    writeFileSync(join(dir, '.dev-pki', 'token-encryption.key'), `${key}\n`);
    const found = read({ context: context('local') });
    expect(found.issues).toEqual([]);
    expect(found.warnings).toEqual([]);
    expect(found.key?.reveal().trim()).toBe(key); // as written; TokenCipher ignores the newline
  });

  it('outside local, unset, warns with what stops working and starts without a key', () => {
    const { key, issues, warnings } = read({ context: context('prod') });
    expect(key).toBeUndefined();
    expect(issues).toEqual([]);
    expect(warnings).toEqual(['CONNECTPAY_TOKEN_KEY_FILE is not set: the OAuth routes answer 503.']);
  });

  it('reads a relative file from the working directory', () => {
    const key = randomBytes(32).toString('base64');
    writeFileSync(join(dir, 'token.key'), key);
    expect(read({ context: context('stage'), file: 'token.key' }).key?.reveal()).toBe(key);
  });

  it('refuses a file that is not a usable key, naming it and how to make one, and never echoing it', () => {
    writeFileSync(join(dir, 'token.key'), 'too-short-to-be-a-key');
    const { key, issues } = read({ context: context('stage'), file: 'token.key' });
    expect(key).toBeUndefined();
    expect(issues).toEqual([
      {
        variable: 'CONNECTPAY_TOKEN_KEY_FILE',
        message: expect.stringMatching(/token\.key is not a 32-byte key .*openssl rand -base64 32/),
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('too-short-to-be-a-key');
  });

  it('reports a missing file as an issue that stops the start', () => {
    const { key, issues } = read({ context: context('prod'), file: join(dir, 'missing.key') });
    expect(key).toBeUndefined();
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ variable: 'CONNECTPAY_TOKEN_KEY_FILE' });
    expect(issues[0]?.message).toContain('missing.key');
  });
});
