import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  describeIssue,
  flag,
  integer,
  logLevel,
  optionalText,
  pathFrom,
  readText,
  readVariables,
  SettingsError,
  type SettingsIssue,
} from '../src/index.js';
import { GATEWAY } from './support/services.js';

const SCHEMA = z.object({
  KIT_PORT: integer(0, 65_535, 3000),
  KIT_NAME: optionalText,
  KIT_CHECK: flag(true),
  LOG_LEVEL: logLevel,
});

function issuesOf(env: Record<string, string>): SettingsIssue[] {
  try {
    readVariables(GATEWAY, SCHEMA, env);
  } catch (error) {
    if (error instanceof SettingsError) return [...error.issues];
    throw error;
  }
  throw new Error('expected invalid settings');
}

describe('settings readers', () => {
  it('give the defaults for unset and blank variables, and trim text', () => {
    const unset = readVariables(GATEWAY, SCHEMA, {});
    expect(unset).toEqual({ KIT_PORT: 3000, KIT_NAME: undefined, KIT_CHECK: true, LOG_LEVEL: 'info' });
    const blank = readVariables(GATEWAY, SCHEMA, { KIT_PORT: '  ', KIT_NAME: ' ', KIT_CHECK: '', LOG_LEVEL: '' });
    expect(blank).toEqual(unset);
    const set = readVariables(GATEWAY, SCHEMA, {
      KIT_PORT: '8080',
      KIT_NAME: ' shop ',
      KIT_CHECK: 'no',
      LOG_LEVEL: 'debug',
    });
    expect(set).toEqual({ KIT_PORT: 8080, KIT_NAME: 'shop', KIT_CHECK: false, LOG_LEVEL: 'debug' });
  });

  it("read only the schema's variables", () => {
    expect(readVariables(GATEWAY, SCHEMA, { OTHER: 'x' })).not.toHaveProperty('OTHER');
  });

  it('report every bad variable at once, by name', () => {
    expect(issuesOf({ KIT_PORT: '70000', KIT_CHECK: 'maybe', LOG_LEVEL: 'loud' }).map((i) => i.variable)).toEqual([
      'KIT_PORT',
      'KIT_CHECK',
      'LOG_LEVEL',
    ]);
  });
});

describe('describeIssue wording', () => {
  const message = (env: Record<string, string>) => issuesOf(env)[0]?.message;

  it("too_big and too_small: zod's bound, with a full stop", () => {
    expect(message({ KIT_PORT: '70000' })).toBe('Too big: expected number to be <=65535.');
    expect(message({ KIT_PORT: '-1' })).toBe('Too small: expected number to be >=0.');
  });

  it('invalid_type: without zod\'s "Invalid input: " prefix', () => {
    expect(message({ KIT_PORT: '80a' })).toBe('expected number, received NaN.');
    expect(message({ KIT_PORT: '8.5' })).toBe('expected int, received number.');
  });

  it('invalid_value: the allowed values spelled out', () => {
    expect(message({ LOG_LEVEL: 'loud' })).toBe('must be one of fatal, error, warn, info, debug, trace, silent.');
    expect(message({ KIT_CHECK: 'maybe' })).toBe('must be one of 0, 1, true, false, yes, no.');
  });

  it("anything else: the schema's own message, with a full stop", () => {
    const result = z
      .string()
      .regex(/^[a-z]+$/, 'must be lower-case letters')
      .safeParse('ABC');
    expect(result.success).toBe(false);
    expect(describeIssue(result.error!.issues[0]!)).toBe('must be lower-case letters.');
  });
});

describe('readText and pathFrom', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves relative paths against the working directory and keeps absolute ones', () => {
    const path = pathFrom(dir);
    expect(path('keys.txt')).toBe(join(dir, 'keys.txt'));
    expect(path('/etc/keys.txt')).toBe('/etc/keys.txt');
  });

  it('reads a file a variable names', () => {
    writeFileSync(join(dir, 'keys.txt'), 'key-one\n');
    const issues: SettingsIssue[] = [];
    expect(readText(join(dir, 'keys.txt'), 'KIT_KEYS_FILE', issues)).toBe('key-one\n');
    expect(issues).toEqual([]);
  });

  it('turns a missing file or a folder into an issue under the variable, naming the path', () => {
    const issues: SettingsIssue[] = [];
    expect(readText(join(dir, 'missing.txt'), 'KIT_KEYS_FILE', issues)).toBeUndefined();
    mkdirSync(join(dir, 'folder'));
    expect(readText(join(dir, 'folder'), 'KIT_TOKEN_FILE', issues)).toBeUndefined();
    expect(issues.map((issue) => issue.variable)).toEqual(['KIT_KEYS_FILE', 'KIT_TOKEN_FILE']);
    expect(issues[0]?.message).toContain(join(dir, 'missing.txt'));
    expect(issues[0]?.message).toContain('does not exist');
    expect(issues[1]?.message).toContain(join(dir, 'folder'));
  });

  it("never puts an unreadable file's content in the issue", () => {
    const file = join(dir, 'secret.key');
    writeFileSync(file, 'the-secret-value');
    chmodSync(file, 0o000);
    const issues: SettingsIssue[] = [];
    const text = readText(file, 'KIT_KEY_FILE', issues);
    // root reads a 000 file anyway; either way the content never lands in an issue.
    if (text === undefined) expect(issues[0]?.message).toContain(file);
    expect(JSON.stringify(issues)).not.toContain('the-secret-value');
  });
});
