import { type ConnectPayConfig, Secret } from '@connectpay-kit/config';
import {
  CredentialsRejectedError,
  RotationRefusedError,
  type RotationStatus,
  type TokenPersistence,
} from '@connectpay-kit/transport';
import { pino } from 'pino';
import {
  ClientParts,
  connectPayClientOptions,
  createServiceClient,
  manageClientCredentials,
  switchClientCertificateNow,
} from '../src/client/index.js';

const logger = pino({ level: 'silent' });
const baseUrls = { mtls: 'https://api-stage.connectpay.com', oneway: 'https://api2-stage.connectpay.com' };

/** A stage profile with only the groups a case names: the mapping must carry exactly those. */
function profile(parts: Partial<ConnectPayConfig> = {}): ConnectPayConfig {
  return { environment: 'stage', baseUrls, warnings: [], sources: {} as ConnectPayConfig['sources'], ...parts };
}

const store: TokenPersistence = {
  get: async () => undefined,
  put: async () => undefined,
  delete: async () => undefined,
} as unknown as TokenPersistence;

describe('connectPayClientOptions: the profile -> transport mapping both services use', () => {
  it('carries every credential group the profile configured, as transport names them', () => {
    const key = new Secret('private key');
    const secret = new Secret('client secret');
    const merchantKey = new Secret('merchant key');
    const signature = { algorithm: 'RSA-SHA256' } as unknown as NonNullable<ConnectPayConfig['merchant']>['signature'];
    const options = connectPayClientOptions({
      config: profile({
        mtls: { certFile: '/c.pem', certChainPem: 'CHAIN', leafFingerprint256: 'AB', keyFile: '/k.pem', key },
        caPem: 'CA',
        basic: { clientId: 'id-1', clientSecretFile: '/s', clientSecret: secret },
        merchant: { keyFile: '/m.pem', privateKey: merchantKey, signature },
      }),
      clientTrustPems: [],
      tokens: { store, encryptionKey: new Secret('token key') },
      logger,
      userAgent: 'test-agent',
      tuning: { callTimeoutMs: 1234, timeouts: { headersMs: 5, bodyMs: 6 } },
    });
    expect(options).toMatchObject({
      environment: 'stage',
      baseUrls,
      mtls: { certChainPem: 'CHAIN', privateKeyPem: key },
      caPem: 'CA',
      basic: { clientId: 'id-1', clientSecret: secret },
      merchant: { privateKeyPem: merchantKey, signature },
      oauth: { store },
      callTimeoutMs: 1234,
      timeouts: { headersMs: 5, bodyMs: 6 },
      userAgent: 'test-agent',
    });
    expect(typeof options.credentialCheck).toBe('function');
  });

  it('leaves out what the profile did not configure, so transport reports it as missing when used', () => {
    const options = connectPayClientOptions({ config: profile(), clientTrustPems: [], logger, userAgent: 'a' });
    for (const group of ['mtls', 'caPem', 'basic', 'merchant', 'oauth', 'callTimeoutMs', 'onCall'] as const) {
      expect(Object.hasOwn(options, group)).toBe(false);
    }
  });
});

describe('manageClientCredentials', () => {
  it('without mTLS credentials watches no files, still holds a rotation, and closes twice without throwing', async () => {
    const client = createServiceClient({ config: profile(), clientTrustPems: [], logger, userAgent: 'a' });
    try {
      const credentials = await manageClientCredentials({ config: profile(), client, clientTrustPems: [], logger });
      expect(credentials.watcher).toBeUndefined();
      const status = credentials.rotation.status();
      expect(status.current).toBeUndefined();
      expect(status.next).toMatchObject({ loaded: false });
      credentials.close();
      credentials.close();
    } finally {
      await client.close();
    }
  });
});

describe('ClientParts', () => {
  it('closes what a failed start opened, the client before the storage, and never rejects', async () => {
    const closed: string[] = [];
    const storage = { close: async () => void closed.push('storage') };
    const parts = new ClientParts(storage);
    parts.client = { close: async () => void closed.push('client') } as unknown as ClientParts['client'];
    parts.credentials = {
      watcher: undefined,
      rotation: undefined as never,
      close: () => void closed.push('credentials'),
    };
    await parts.close();
    expect(closed).toEqual(['credentials', 'client', 'storage']);

    const failing = new ClientParts({ close: () => Promise.reject(new Error('already closed')) });
    await expect(failing.close()).resolves.toBeUndefined();
  });
});

describe('switchClientCertificateNow', () => {
  class Refused extends Error {}
  const refused = (message: string) => new Refused(message);
  const triggers: unknown[] = [];
  const rotation = (switchNow: () => Promise<RotationStatus>) => ({
    switchNow: (trigger?: 'schedule' | 'admin') => {
      triggers.push(trigger);
      return switchNow();
    },
  });

  it("switches as the admin and answers the rotation's status", async () => {
    const status = { next: { state: 'active' } } as unknown as RotationStatus;
    const staged = rotation(async () => status);
    await expect(switchClientCertificateNow(staged, refused)).resolves.toBe(status);
    expect(triggers).toEqual(['admin']);
  });

  it("turns a refused switch into the service's own error, with transport's message", async () => {
    const nothing = rotation(() => Promise.reject(new RotationRefusedError('no valid next certificate is staged')));
    await expect(switchClientCertificateNow(nothing, refused)).rejects.toEqual(
      new Refused('no valid next certificate is staged'),
    );
    const rejected = rotation(() =>
      Promise.reject(new CredentialsRejectedError('the next certificate has expired', ['expired'])),
    );
    const error: unknown = await switchClientCertificateNow(rejected, refused).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Refused);
    expect((error as Error).message).toBe('the next certificate has expired');
  });

  it('lets any other error through as it is', async () => {
    const broken = new Error('disk full');
    await expect(
      switchClientCertificateNow(
        rotation(() => Promise.reject(broken)),
        refused,
      ),
    ).rejects.toBe(broken);
  });
});
