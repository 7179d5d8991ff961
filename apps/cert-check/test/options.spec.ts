// Option parsing a user meets before any certificate is read.
import { colourEnabled } from '../src/io.js';
import { keepFilesAfterPsd2, parseAt, parsePsd2, parseWarnDays } from '../src/options.js';
import { escapeLabelValue } from '../src/format/prometheus.js';
import { safeLine } from '../src/format/sanitize.js';

describe('--psd2 [roles] next to file names', () => {
  it.each([
    [
      ['verify', '--psd2', 'chain.pem'],
      ['verify', 'chain.pem', '--psd2'],
    ],
    [
      ['verify', '--psd2', 'a.pem', 'b.pem', '--offline'],
      ['verify', 'a.pem', 'b.pem', '--offline', '--psd2'],
    ],
    [
      ['verify', '--psd2', 'PSP_AI,PSP_PI', 'chain.pem'],
      ['verify', '--psd2', 'PSP_AI,PSP_PI', 'chain.pem'],
    ],
    [
      ['verify', '--psd2', 'psp_ai', 'chain.pem'],
      ['verify', '--psd2', 'psp_ai', 'chain.pem'],
    ],
    [
      ['verify', '--psd2', '0.4.0.19495.1.3', 'chain.pem'],
      ['verify', '--psd2', '0.4.0.19495.1.3', 'chain.pem'],
    ],
    [
      ['verify', '--psd2', '--offline', 'chain.pem'],
      ['verify', '--psd2', '--offline', 'chain.pem'],
    ],
    [
      ['verify', '--psd2', 'x.pem', '--', '-odd.pem'],
      ['verify', 'x.pem', '--psd2', '--', '-odd.pem'],
    ],
  ])('%j is read as %j', (argv, expected) => {
    expect(keepFilesAfterPsd2(argv)).toEqual(expected);
  });

  it('splits a role list and treats an empty one as "PSD2 on"', () => {
    expect(parsePsd2('PSP_AI, PSP_PI')).toEqual(['PSP_AI', 'PSP_PI']);
    expect(parsePsd2(true)).toBe(true);
    expect(parsePsd2('')).toBe(true);
    expect(parsePsd2(undefined)).toBeUndefined();
  });
});

describe('--at and --warn-days', () => {
  it('accepts ISO dates and date-times, a date alone meaning midnight UTC', () => {
    expect(parseAt('2026-11-29')?.toISOString()).toBe('2026-11-29T00:00:00.000Z');
    expect(parseAt('2026-11-29T12:30:00+02:00')?.toISOString()).toBe('2026-11-29T10:30:00.000Z');
  });

  it.each(['29.11.2026', 'now', '2026-02-30T00:00:00Z', '1700000000'])('refuses %s', (value) => {
    expect(() => parseAt(value)).toThrow(/--at .* is not an ISO 8601 date/);
  });

  it('takes whole days from 0 up', () => {
    expect(parseWarnDays('0')).toBe(0);
    expect(parseWarnDays('45')).toBe(45);
    expect(parseWarnDays(undefined)).toBe(30);
    for (const bad of ['-3', '1.5', '', 'x']) expect(() => parseWarnDays(bad)).toThrow(/--warn-days/);
  });
});

describe('safe output', () => {
  it('escapes terminal control sequences and bidi overrides, keeps ordinary Unicode', () => {
    expect(safeLine('CN=a\u001b[31mb\u202ec\nd')).toBe('CN=a\\u001b[31mb\\u202ec\\nd');
    expect(safeLine('CN=Zürich Straße ✓')).toBe('CN=Zürich Straße ✓');
  });

  it('escapes Prometheus label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('colour needs a TTY and no NO_COLOR', () => {
    expect(colourEnabled({ stdout: () => {}, stderr: () => {}, isTTY: true, env: {} })).toBe(true);
    expect(colourEnabled({ stdout: () => {}, stderr: () => {}, isTTY: true, env: { NO_COLOR: 'yes' } })).toBe(false);
    expect(colourEnabled({ stdout: () => {}, stderr: () => {} })).toBe(false);
  });
});
