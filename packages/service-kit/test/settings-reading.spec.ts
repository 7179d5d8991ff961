import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  integer,
  optionalText,
  readSettings,
  SettingsError,
  settingsLoader,
  type SettingsContext,
} from '../src/index.js';
import { GATEWAY } from './support/services.js';
import { settingsContextIn } from './support/settings-context.js';

const SCHEMA = z.object({
  KIT_PORT: integer(0, 65_535, 3000),
  KIT_KEYS_FILE: optionalText,
  CONNECTPAY_TOKEN_KEY_FILE: optionalText,
});

describe('SettingsReading', () => {
  let dir: string;
  const context = (environment: SettingsContext['environment']) => settingsContextIn(dir, environment);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'service-kit-settings-reading-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the parsed variables, whether it runs in local, and paths from the working directory', () => {
    const reading = readSettings(GATEWAY, SCHEMA, { KIT_PORT: '8080' }, context('stage'));
    expect(reading.values).toEqual({ KIT_PORT: 8080, KIT_KEYS_FILE: undefined, CONNECTPAY_TOKEN_KEY_FILE: undefined });
    expect(reading.local).toBe(false);
    expect(readSettings(GATEWAY, SCHEMA, {}, context('local')).local).toBe(true);
    expect(reading.path('keys.txt')).toBe(join(dir, 'keys.txt'));
    expect(reading.path('/etc/keys.txt')).toBe('/etc/keys.txt');
    expect(reading.issues).toEqual([]);
    expect(reading.warnings).toEqual([]);
  });

  it('throws the SettingsError of every wrong variable before anything else is read', () => {
    expect(() => readSettings(GATEWAY, SCHEMA, { KIT_PORT: '70000' }, context('stage'))).toThrow(SettingsError);
  });

  it('throwIfInvalid throws one SettingsError with every issue collected, and nothing without one', () => {
    const reading = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
    expect(() => reading.throwIfInvalid()).not.toThrow();
    reading.issues.push({ variable: 'KIT_A', message: 'is wrong.' }, { variable: 'KIT_B', message: 'is too.' });
    let thrown: unknown;
    try {
      reading.throwIfInvalid();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SettingsError);
    expect((thrown as SettingsError).issues).toEqual([
      { variable: 'KIT_A', message: 'is wrong.' },
      { variable: 'KIT_B', message: 'is too.' },
    ]);
    expect((thrown as SettingsError).message).toContain('- KIT_A: is wrong.\n- KIT_B: is too.');
  });

  it('keyFile reads a relative key file, and accepts the local key only in local', () => {
    writeFileSync(join(dir, 'keys.txt'), 'a-real-key\n');
    const stage = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
    const keys = stage.keyFile('keys.txt', { variable: 'KIT_KEYS_FILE', localKey: 'local-key' });
    expect(keys.accepts('a-real-key')).toBe(true);
    expect(keys.accepts('local-key')).toBe(false);
    const local = readSettings(GATEWAY, SCHEMA, {}, context('local'));
    expect(local.keyFile('keys.txt', { variable: 'KIT_KEYS_FILE', localKey: 'local-key' }).accepts('local-key')).toBe(
      true,
    );
    const missing = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
    missing.keyFile('nope.txt', { variable: 'KIT_KEYS_FILE', localKey: 'local-key' });
    expect(missing.issues.map((issue) => issue.variable)).toEqual(['KIT_KEYS_FILE']);
  });

  describe('oauthTokenKey', () => {
    it("takes a 32-byte key transport's TokenCipher accepts", () => {
      const key = randomBytes(32).toString('base64');
      writeFileSync(join(dir, 'token.key'), key);
      const reading = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
      expect(reading.oauthTokenKey('token.key', 'OAuth answers 503.')?.reveal()).toBe(key);
      expect(reading.issues).toEqual([]);
    });

    it('refuses a file TokenCipher does not accept, naming the variable and the file', () => {
      writeFileSync(join(dir, 'token.key'), 'too-short');
      const reading = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
      expect(reading.oauthTokenKey('token.key', 'OAuth answers 503.')).toBeUndefined();
      expect(reading.issues).toEqual([
        {
          variable: 'CONNECTPAY_TOKEN_KEY_FILE',
          message: `${join(dir, 'token.key')} is not a 32-byte key (base64, hex or raw); generate one with \`openssl rand -base64 32\`.`,
        },
      ]);
    });

    it("unset: the dev PKI's key in local, a warning saying what stops working elsewhere", () => {
      const key = randomBytes(32).toString('base64');
      mkdirSync(join(dir, '.dev-pki'));
      writeFileSync(join(dir, '.dev-pki', 'token-encryption.key'), key);
      expect(readSettings(GATEWAY, SCHEMA, {}, context('local')).oauthTokenKey(undefined, 'x')?.reveal()).toBe(key);
      const prod = readSettings(GATEWAY, SCHEMA, {}, context('prod'));
      expect(prod.oauthTokenKey(undefined, 'OAuth answers 503.')).toBeUndefined();
      expect(prod.warnings).toEqual(['CONNECTPAY_TOKEN_KEY_FILE is not set: OAuth answers 503.']);
      expect(prod.issues).toEqual([]);
    });
  });

  describe('url', () => {
    const options = { example: 'https://shop.example/hook', httpsBecause: 'ConnectPay only calls https URLs.' };

    it('refuses a value that is not an absolute URL, with the example', () => {
      const reading = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
      expect(reading.url('KIT_URL', 'shop.example/hook', options)).toBeUndefined();
      expect(reading.issues).toEqual([
        { variable: 'KIT_URL', message: 'is not an absolute URL (e.g. https://shop.example/hook).' },
      ]);
    });

    it('wants https outside local, and still returns the URL for further checks', () => {
      const reading = readSettings(GATEWAY, SCHEMA, {}, context('prod'));
      expect(reading.url('KIT_URL', 'http://shop.example/hook', options)?.host).toBe('shop.example');
      expect(reading.issues).toEqual([
        { variable: 'KIT_URL', message: 'must use https: ConnectPay only calls https URLs.' },
      ]);
      expect(reading.url('KIT_URL', 'ftp://shop.example', options)).toBeDefined();
      expect(reading.issues).toHaveLength(2);
    });

    it('takes http or https in local, https anywhere', () => {
      const local = readSettings(GATEWAY, SCHEMA, {}, context('local'));
      expect(local.url('KIT_URL', 'http://localhost/hook', options)?.toString()).toBe('http://localhost/hook');
      const stage = readSettings(GATEWAY, SCHEMA, {}, context('stage'));
      expect(stage.url('KIT_URL', 'https://shop.example/hook', options)?.toString()).toBe('https://shop.example/hook');
      expect([...local.issues, ...stage.issues]).toEqual([]);
    });
  });

  it('settingsLoader gives the read function the reading of the env and context it is called with', () => {
    const load = settingsLoader(GATEWAY, SCHEMA, (reading) => ({
      port: reading.values.KIT_PORT,
      environment: reading.context.environment,
    }));
    expect(load({ KIT_PORT: '4000' }, context('stage'))).toEqual({ port: 4000, environment: 'stage' });
    expect(() => load({ KIT_PORT: 'x' }, context('stage'))).toThrow(SettingsError);
  });
});
