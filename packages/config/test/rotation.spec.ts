import { join } from 'node:path';
import { loadConfig } from '@connectpay-kit/config';
import { codesByVariable, invalidConfig } from './support/errors.js';
import { cleanup, makeProfile, tempDir } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const stage = makeProfile(dir, 'stage');

describe('the staged next client certificate (NEXT_CLIENT_CERT_FILE, _NEXT_CLIENT_KEY_FILE, _SWITCH_AT)', () => {
  it('is absent unless configured', () => {
    expect(loadConfig('stage', { env: stage.env, envDir: dir }).nextMtls).toBeUndefined();
  });

  it('resolves the two paths against envDir and normalises the switch instant to UTC, without reading the files', () => {
    const config = loadConfig('stage', {
      env: {
        ...stage.env,
        CONNECTPAY_STAGE_NEXT_CLIENT_CERT_FILE: 'next/client-chain.pem',
        CONNECTPAY_STAGE_NEXT_CLIENT_KEY_FILE: 'next/client.key',
        CONNECTPAY_STAGE_SWITCH_AT: '2027-03-01T07:00:00+01:00',
      },
      envDir: dir,
    });
    expect(config.nextMtls).toEqual({
      certFile: join(dir, 'next/client-chain.pem'),
      keyFile: join(dir, 'next/client.key'),
      switchAt: '2027-03-01T06:00:00.000Z',
    });
    expect(config.sources.NEXT_CLIENT_CERT_FILE).toEqual({
      kind: 'env',
      variable: 'CONNECTPAY_STAGE_NEXT_CLIENT_CERT_FILE',
    });
    expect(config.warnings.join('\n')).not.toContain('NEXT_CLIENT');
  });

  it('switches by admin call when _SWITCH_AT is not set', () => {
    const config = loadConfig('stage', {
      env: {
        ...stage.env,
        CONNECTPAY_STAGE_NEXT_CLIENT_CERT_FILE: '/run/next.pem',
        CONNECTPAY_STAGE_NEXT_CLIENT_KEY_FILE: '/run/next.key',
      },
      envDir: dir,
    });
    expect(config.nextMtls).toEqual({ certFile: '/run/next.pem', keyFile: '/run/next.key' });
  });

  it('refuses half a pair, and a switch instant without a pair', () => {
    const half = invalidConfig(() =>
      loadConfig('stage', {
        env: { ...stage.env, CONNECTPAY_STAGE_NEXT_CLIENT_CERT_FILE: '/run/next.pem' },
        envDir: dir,
      }),
    );
    expect(codesByVariable(half)).toEqual({ CONNECTPAY_STAGE_NEXT_CLIENT_KEY_FILE: 'CONFIG_INCOMPLETE_PAIR' });
    expect(half.message).toContain('Set both, or neither');

    const lonely = invalidConfig(() =>
      loadConfig('stage', { env: { ...stage.env, CONNECTPAY_STAGE_SWITCH_AT: '2027-03-01T06:00:00Z' }, envDir: dir }),
    );
    expect(codesByVariable(lonely)).toEqual({ CONNECTPAY_STAGE_SWITCH_AT: 'CONFIG_INCOMPLETE_PAIR' });
  });

  it.each(['2027-03-01', '2027-03-01T06:00:00', 'tomorrow', '2027-13-01T06:00:00Z'])(
    'refuses _SWITCH_AT=%s: an instant needs its offset',
    (value) => {
      const error = invalidConfig(() =>
        loadConfig('stage', {
          env: {
            ...stage.env,
            CONNECTPAY_STAGE_NEXT_CLIENT_CERT_FILE: '/run/next.pem',
            CONNECTPAY_STAGE_NEXT_CLIENT_KEY_FILE: '/run/next.key',
            CONNECTPAY_STAGE_SWITCH_AT: value,
          },
          envDir: dir,
        }),
      );
      expect(codesByVariable(error)).toEqual({ CONNECTPAY_STAGE_SWITCH_AT: 'CONFIG_INVALID_VALUE' });
      expect(error.message).toContain('ISO 8601 instant with its offset');
    },
  );
});
