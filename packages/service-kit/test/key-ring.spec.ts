import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRing, readKeyFile, type SettingsIssue } from '../src/index.js';

describe('KeyRing', () => {
  it('accepts each of several keys and nothing else', () => {
    const ring = new KeyRing(['key-one', 'key-two']);
    expect(ring.size).toBe(2);
    expect(
      ['key-one', 'key-two', 'key-three', 'key-on', 'key-one ', 'KEY-ONE'].map((key) => ring.accepts(key)),
    ).toEqual([true, true, false, false, false, false]);
  });

  it('refuses an empty, missing or repeated candidate, even when an empty key was listed', () => {
    const ring = new KeyRing(['', 'key-one']);
    expect(ring.size).toBe(1);
    expect(ring.accepts('')).toBe(false);
    expect(ring.accepts(undefined)).toBe(false);
    // A header sent twice reaches Node as an array: never a match, even of two good keys.
    expect(ring.accepts(['key-one', 'key-one'])).toBe(false);
  });

  it('reads a file: one key per line, trimmed, blank lines and # comments ignored', () => {
    const text = '# billing service\nkey-one\r\n\n   key-two  \n  # rotated out: old-key\n';
    expect(KeyRing.parseLines(text)).toEqual(['key-one', 'key-two']);
    const ring = KeyRing.parse(text);
    expect(ring.size).toBe(2);
    expect(ring.accepts('key-two')).toBe(true);
    expect(ring.accepts('# billing service')).toBe(false);
    expect(ring.accepts('old-key')).toBe(false);
  });

  it('is empty for a file of comments only, and then accepts nothing', () => {
    const ring = KeyRing.parse('# no keys yet\n\n');
    expect(ring.size).toBe(0);
    expect(ring.accepts('# no keys yet')).toBe(false);
  });

  it('keeps no key in clear text', () => {
    const ring = new KeyRing(['key-kept-as-digest']);
    expect(JSON.stringify(ring)).not.toContain('key-kept-as-digest');
    expect(JSON.stringify(Object.values(ring))).not.toContain('key-kept-as-digest');
  });
});

describe('readKeyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (content: string) => {
    writeFileSync(join(dir, 'keys.txt'), content);
    return join(dir, 'keys.txt');
  };
  const stage = { variable: 'KIT_KEYS_FILE', localKey: 'local-dev-key', local: false };

  it("accepts the file's keys, and in local the local key as well", () => {
    const issues: SettingsIssue[] = [];
    const path = file('# callers\nkey-one\nkey-two\n');
    const ring = readKeyFile(path, stage, issues);
    expect(['key-one', 'key-two', 'local-dev-key'].map((key) => ring.accepts(key))).toEqual([true, true, false]);
    const local = readKeyFile(path, { ...stage, local: true }, issues);
    expect(['key-one', 'local-dev-key'].map((key) => local.accepts(key))).toEqual([true, true]);
    expect(issues).toEqual([]);
  });

  it('reports a file with no key, and the public local key outside local, naming the path but no key', () => {
    const issues: SettingsIssue[] = [];
    readKeyFile(file('# nothing yet\n'), stage, issues);
    readKeyFile(file('real-key-5c1e\nlocal-dev-key\n'), stage, issues);
    expect(issues).toEqual([
      {
        variable: 'KIT_KEYS_FILE',
        message: `${join(dir, 'keys.txt')} holds no key (one per line; # starts a comment).`,
      },
      {
        variable: 'KIT_KEYS_FILE',
        message: `${join(dir, 'keys.txt')} contains the public local development key; generate real keys (e.g. \`openssl rand -hex 32\`).`,
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain('real-key-5c1e');
    const local: SettingsIssue[] = [];
    readKeyFile(file('local-dev-key\n'), { ...stage, local: true }, local);
    expect(local).toEqual([]);
  });

  it('reports a missing file under the variable', () => {
    const issues: SettingsIssue[] = [];
    const ring = readKeyFile(join(dir, 'missing.txt'), stage, issues);
    expect(ring.size).toBe(0);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.variable).toBe('KIT_KEYS_FILE');
    expect(issues[0]?.message).toContain('does not exist');
  });
});
