import {
  type BasicCredentials,
  type CredentialKind,
  loadConfig,
  loadConfigFromEnv,
  type MerchantCredentials,
  type MtlsCredentials,
} from '@connectpay-kit/config';
import { cleanup, makeDevPki, makeProfile, tempDir } from './support/pki.js';

afterAll(cleanup);

// These checks fail `npm run typecheck` (which covers test/) when the result types stop narrowing;
// the runtime assertions show the narrowing matches what a load really guarantees.
const dir = tempDir();
const devPkiDir = makeDevPki(dir);
const stage = makeProfile(dir, 'stage');

describe('result types follow require', () => {
  it('stage guarantees mTLS and Basic by default, not merchant', () => {
    const config = loadConfig('stage', { env: stage.env, envDir: dir });
    const mtls: MtlsCredentials = config.mtls;
    const basic: BasicCredentials = config.basic;
    // @ts-expect-error merchant is optional unless required
    const merchant: MerchantCredentials = config.merchant;
    expect([mtls.certFile, basic.clientId, merchant]).toEqual([stage.cert.certFile, 'stage-client', undefined]);
  });

  it('local guarantees all three by default', () => {
    const config = loadConfig('local', { env: {}, envDir: dir, devPkiDir });
    const merchant: MerchantCredentials = config.merchant;
    expect(merchant.keyFile).toContain('merchant.key');
  });

  it('a literal require list guarantees exactly those groups', () => {
    const config = loadConfig('stage', { env: stage.env, envDir: dir }, { require: ['basic'] });
    const basic: BasicCredentials = config.basic;
    // @ts-expect-error mtls was not required
    const mtls: MtlsCredentials = config.mtls;
    expect([basic.clientId, mtls.certFile]).toEqual(['stage-client', stage.cert.certFile]);
  });

  it('a require list known only at run time guarantees nothing', () => {
    const kinds: CredentialKind[] = [];
    const config = loadConfig('stage', { env: {}, envDir: dir }, { require: kinds });
    // @ts-expect-error the list could be empty, as it is here
    const mtls: MtlsCredentials = config.mtls;
    expect(mtls).toBeUndefined();
  });

  it('an environment chosen at run time guarantees what every environment requires', () => {
    const config = loadConfigFromEnv({ env: { CONNECTPAY_ENV: 'stage', ...stage.env }, envDir: dir });
    const mtls: MtlsCredentials = config.mtls;
    // @ts-expect-error stage and prod do not require merchant
    const merchant: MerchantCredentials = config.merchant;
    expect([mtls.certFile, merchant]).toEqual([stage.cert.certFile, undefined]);
  });
});
