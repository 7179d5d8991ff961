import { type Environment, PROVIDER_BASE_URLS } from '@connectpay-kit/hosts';
import { ENVIRONMENT_SCHEMAS, loadConfig } from '@connectpay-kit/config';
import { invalidConfig } from './support/errors.js';
import { cleanup, makeDevPki, makeProfile, tempDir } from './support/pki.js';

afterAll(cleanup);

const dir = tempDir();
const devPkiDir = makeDevPki(dir);
const profiles = { stage: makeProfile(dir, 'stage'), prod: makeProfile(dir, 'prod') };

/** Loads `environment` with a complete profile plus the given URL variables. */
function load(environment: Environment, urls: Record<string, string>) {
  const env = environment === 'local' ? urls : { ...profiles[environment].env, ...urls };
  return loadConfig(environment, { env, envDir: dir, devPkiDir });
}

function issueFor(environment: Environment, variable: string, value: string) {
  const error = invalidConfig(() => load(environment, { [variable]: value }));
  expect(error.issues).toHaveLength(1);
  const [issue] = error.issues;
  expect(issue?.variable).toBe(variable);
  return issue;
}

describe('base URLs', () => {
  it('default to the provider hosts for stage and prod', () => {
    expect(load('stage', {}).baseUrls).toEqual(PROVIDER_BASE_URLS.stage);
    expect(load('prod', {}).baseUrls).toEqual(PROVIDER_BASE_URLS.prod);
  });

  it("accept the provider's own host for that environment and kind, trailing slash or not", () => {
    const config = load('prod', {
      CONNECTPAY_PROD_MTLS_URL: 'https://api.connectpay.com/',
      CONNECTPAY_PROD_ONEWAY_URL: 'https://API2.connectpay.com',
    });
    expect(config.baseUrls).toEqual(PROVIDER_BASE_URLS.prod);
  });

  it.each([
    ['stage', 'CONNECTPAY_STAGE_MTLS_URL', 'https://mock.example.com'],
    ['stage', 'CONNECTPAY_STAGE_ONEWAY_URL', 'https://127.0.0.1:8444'],
    ['stage', 'CONNECTPAY_STAGE_MTLS_URL', 'https://api.connectpay.com'],
    ['prod', 'CONNECTPAY_PROD_MTLS_URL', 'https://proxy.internal'],
    ['prod', 'CONNECTPAY_PROD_ONEWAY_URL', 'https://api2.connectpay.com/v2'],
  ] as const)('refuse an override in %s (%s=%s)', (environment, variable, value) => {
    expect(issueFor(environment, variable, value)?.code).toBe('CONFIG_URL_OVERRIDE_NOT_ALLOWED');
  });

  it.each([
    ['CONNECTPAY_PROD_MTLS_URL', 'https://api-stage.connectpay.com'],
    ['CONNECTPAY_PROD_ONEWAY_URL', 'https://api2-stage.connectpay.com'],
    // Stage and the wrong kind at once: the stage part is what prod must hear about.
    ['CONNECTPAY_PROD_MTLS_URL', 'https://api2-stage.connectpay.com'],
  ])('refuse a stage host in prod with its own code (%s=%s)', (variable, value) => {
    const issue = issueFor('prod', variable, value);
    expect(issue?.code).toBe('CONFIG_PROD_USES_STAGE_HOST');
    expect(issue?.message).toContain('stage host');
  });

  it.each([
    ['local', 'CONNECTPAY_LOCAL_MTLS_URL', 'https://api2-stage.connectpay.com'],
    ['local', 'CONNECTPAY_LOCAL_ONEWAY_URL', 'https://api-stage.connectpay.com'],
    ['stage', 'CONNECTPAY_STAGE_MTLS_URL', 'https://api2-stage.connectpay.com'],
    ['stage', 'CONNECTPAY_STAGE_ONEWAY_URL', 'https://api-stage.connectpay.com'],
    ['prod', 'CONNECTPAY_PROD_ONEWAY_URL', 'https://api.connectpay.com'],
  ] as const)('refuse the other host kind in %s (%s=%s)', (environment, variable, value) => {
    expect(issueFor(environment, variable, value)?.code).toBe('CONFIG_WRONG_HOST_KIND');
  });

  it.each(['local', 'stage', 'prod'] as const)('refuse plain http in %s', (environment) => {
    const variable = `CONNECTPAY_${environment.toUpperCase()}_MTLS_URL`;
    const issue = issueFor(environment, variable, 'http://127.0.0.1:8443');
    expect(issue?.code).toBe('CONFIG_URL_NOT_HTTPS');
    expect(issue?.message).toContain('https');
  });

  it('refuse a value that is not a URL, and one with credentials, without echoing either', () => {
    const notUrl = issueFor('local', 'CONNECTPAY_LOCAL_MTLS_URL', 'api.connectpay.com');
    expect(notUrl?.code).toBe('CONFIG_INVALID_URL');
    expect(notUrl?.message).not.toContain('api.connectpay.com');

    const withPassword = issueFor('local', 'CONNECTPAY_LOCAL_ONEWAY_URL', 'https://user:hunter2@localhost:8444');
    expect(withPassword?.code).toBe('CONFIG_INVALID_URL');
    expect(withPassword?.message).not.toContain('hunter2');
  });

  it.each(['https://api.connectpay.com', 'https://api2.connectpay.com'])(
    'refuse a prod host in local, where the prod guards do not run (%s)',
    (value) => {
      const variable = value.includes('api2') ? 'CONNECTPAY_LOCAL_ONEWAY_URL' : 'CONNECTPAY_LOCAL_MTLS_URL';
      const issue = issueFor('local', variable, value);
      expect(issue?.code).toBe('CONFIG_URL_OVERRIDE_NOT_ALLOWED');
      expect(issue?.message).toContain('CONNECTPAY_ENV=prod');
    },
  );

  it('allow any other https host in local, stage hosts included', () => {
    expect(load('local', { CONNECTPAY_LOCAL_MTLS_URL: 'https://api-stage.connectpay.com' }).baseUrls.mtls).toBe(
      'https://api-stage.connectpay.com',
    );

    const config = load('local', { CONNECTPAY_LOCAL_MTLS_URL: 'https://sandbox.test:443/base/' });
    expect(config.baseUrls.mtls).toBe('https://sandbox.test/base');
  });

  it('are checked by the exported zod schema as well', () => {
    const result = ENVIRONMENT_SCHEMAS.prod.safeParse({ CONNECTPAY_PROD_MTLS_URL: 'https://api-stage.connectpay.com' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['CONNECTPAY_PROD_MTLS_URL']);
    const ok = ENVIRONMENT_SCHEMAS.stage.safeParse({
      CONNECTPAY_STAGE_ONEWAY_URL: 'https://api2-stage.connectpay.com/',
    });
    expect(ok.data).toEqual({ CONNECTPAY_STAGE_ONEWAY_URL: 'https://api2-stage.connectpay.com' });
  });
});
