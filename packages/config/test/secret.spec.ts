import { inspect } from 'node:util';
import { Secret } from '@connectpay-kit/config';

describe('Secret', () => {
  const secret = new Secret('s3cr3t-value');

  it('hands out the value only through reveal()', () => {
    expect(secret.reveal()).toBe('s3cr3t-value');
  });

  it('prints [redacted] however it is turned into text', () => {
    const renderings = [
      String(secret),
      `${secret}`,
      'x' + secret,
      JSON.stringify({ secret }),
      inspect(secret),
      inspect({ nested: { secret } }, { depth: 5 }),
      inspect(secret, { showHidden: true }),
      JSON.stringify(structuredClone({ secret })),
    ];
    for (const text of renderings) expect(text).not.toContain('s3cr3t-value');
    expect(String(secret)).toBe('[redacted]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
    expect(inspect(secret)).toBe('[redacted]');
  });

  it('cannot be altered', () => {
    expect(Object.isFrozen(secret)).toBe(true);
    expect(Object.keys(secret)).toEqual([]);
  });
});
