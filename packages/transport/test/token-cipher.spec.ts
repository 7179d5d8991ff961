import { randomBytes } from 'node:crypto';
import { TokenCipher } from '../src/index.js';

describe('TokenCipher.accepts', () => {
  it('takes a 32-byte key as base64, hex or raw, as the constructor does', () => {
    const key = randomBytes(32);
    for (const text of [key.toString('base64'), key.toString('hex')]) {
      expect(TokenCipher.accepts(text)).toBe(true);
      expect(() => new TokenCipher(text)).not.toThrow();
    }
  });

  it('refuses anything else without throwing, where the constructor throws', () => {
    for (const text of ['', 'short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex')]) {
      expect(TokenCipher.accepts(text)).toBe(false);
      expect(() => new TokenCipher(text)).toThrow();
    }
  });
});
