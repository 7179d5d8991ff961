import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { type ConnectPayConfig, CredentialNotConfiguredError, InvalidConfigError } from '@connectpay-kit/config';
import {
  CONNECTPAY_CONFIG,
  ConnectPayConfigModule,
  type ConnectPayConfigNamespace,
  ConnectPayConfigService,
} from '@connectpay-kit/config/nest';
import { cleanup, makeDevPki, makeProfile, tempDir } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const devPkiDir = makeDevPki(dir);
const stage = makeProfile(dir, 'stage');

/** A feature module that does not import the config module: it relies on it being global. */
@Injectable()
class PaymentsClient {
  constructor(
    readonly config: ConnectPayConfigService,
    @Inject(CONNECTPAY_CONFIG) readonly raw: ConnectPayConfig,
  ) {}
}
@Module({ providers: [PaymentsClient], exports: [PaymentsClient] })
class PaymentsModule {}

describe('ConnectPayConfigModule', () => {
  it('provides the validated profile through the token, the service and ConfigService', async () => {
    const onWarning = jest.fn<(warning: string) => void>();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConnectPayConfigModule.forRoot({
          source: { env: { CONNECTPAY_ENV: 'stage', ...stage.env, CONNECTPAY_STAGE_TYPO: 'x' }, envDir: dir },
          onWarning,
        }),
        PaymentsModule,
      ],
    }).compile();

    const client = moduleRef.get(PaymentsClient);
    expect(client.config.environment).toBe('stage');
    expect(client.config.baseUrls.mtls).toBe('https://api-stage.connectpay.com');
    expect(client.config.mtls?.certFile).toBe(stage.cert.certFile);
    expect(client.config.require('basic').clientSecret.reveal()).toBe('stage-secret-value');
    expect(client.raw).toBe(client.config.config);
    expect(moduleRef.get(ConfigService<ConnectPayConfigNamespace, true>).get('connectpay', { infer: true })).toBe(
      client.raw,
    );
    expect(onWarning).toHaveBeenCalledWith(expect.stringContaining('CONNECTPAY_STAGE_TYPO'));
    await moduleRef.close();
  });

  it('loads an explicit environment with its require option', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConnectPayConfigModule.forRoot({
          environment: 'local',
          source: { env: { CONNECTPAY_ENV: 'prod' }, envDir: dir, devPkiDir },
          require: ['mtls'],
        }),
      ],
    }).compile();
    const service = moduleRef.get(ConnectPayConfigService);
    expect(service.environment).toBe('local');
    expect(service.baseUrls.oneway).toBe('https://127.0.0.1:8444');
    expect(service.caPem).toContain('-----BEGIN CERTIFICATE-----');
    expect(service.merchant?.keyFile).toContain('merchant.key');
    await moduleRef.close();
  });

  it('refuses to start with an invalid profile, listing every variable to fix', async () => {
    const start = Test.createTestingModule({
      imports: [ConnectPayConfigModule.forRoot({ source: { env: { CONNECTPAY_ENV: 'prod' }, envDir: dir } })],
    }).compile();
    await expect(start).rejects.toBeInstanceOf(InvalidConfigError);
    const error = (await start.catch((caught: unknown) => caught)) as InvalidConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    for (const variable of [
      'CONNECTPAY_PROD_CLIENT_CERT_FILE',
      'CONNECTPAY_PROD_CLIENT_KEY_FILE',
      'CONNECTPAY_PROD_CLIENT_ID',
      'CONNECTPAY_PROD_CLIENT_SECRET_FILE',
    ]) {
      expect(error.message).toContain(`- ${variable}: is not set`);
    }
  });

  it('names the variables when code asks for a group that was not loaded', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConnectPayConfigModule.forRoot({ environment: 'stage', source: { env: stage.env, envDir: dir } })],
    }).compile();
    const service = moduleRef.get(ConnectPayConfigService);
    expect(() => service.require('merchant')).toThrow(CredentialNotConfiguredError);
    expect(() => service.require('merchant')).toThrow(/CONNECTPAY_STAGE_MERCHANT_KEY_FILE/);
    await moduleRef.close();
  });
});
