import type { ConnectPayConfig } from '@connectpay-kit/config';
import {
  certsCredentialCheck,
  type ClientCredentials,
  type ConnectPayClient,
  type ConnectPayClientOptions,
  createConnectPayClient,
  CredentialRotation,
  type CredentialWatcher,
  isTransportError,
  RotationRefusedError,
  type RotationStatus,
  type SecretInput,
  type TokenPersistence,
  watchCredentials,
} from '@connectpay-kit/transport';
import type { Logger } from 'pino';
import type { Closable } from '../close.js';

/** What a service decides about its client beyond the profile: who it is, its budgets, its metrics. */
export type ServiceClientTuning = Pick<ConnectPayClientOptions, 'timeouts' | 'callTimeoutMs' | 'onCall'>;

export interface ServiceClientOptions {
  /** The validated profile: environment, hosts, and every credential group it configured. */
  readonly config: ConnectPayConfig;
  /** Extra roots for checking the service's own client chain with packages/certs (the dev PKI's in local). */
  readonly clientTrustPems: readonly string[];
  /** Where OAuth tokens persist and the key they are encrypted with; without it the client has no OAuth. */
  readonly tokens?: { readonly store: TokenPersistence; readonly encryptionKey: SecretInput } | undefined;
  readonly logger: Logger;
  /** `User-Agent` of every call, so the provider's logs tell the services apart. */
  readonly userAgent: string;
  readonly tuning?: ServiceClientTuning;
}

/**
 * The one mapping from a ConnectPay profile (packages/config) to transport's client options. It lives
 * here, not in transport: transport takes credentials as plain values and imports no config (DESIGN.md),
 * and every service would otherwise repeat it field by field.
 */
export function connectPayClientOptions(options: ServiceClientOptions): ConnectPayClientOptions {
  const { config, tokens } = options;
  return {
    environment: config.environment,
    baseUrls: config.baseUrls,
    ...(config.mtls ? { mtls: currentPair(config.mtls) } : {}),
    ...(config.caPem ? { caPem: config.caPem } : {}),
    ...(config.basic ? { basic: { clientId: config.basic.clientId, clientSecret: config.basic.clientSecret } } : {}),
    ...(config.merchant
      ? { merchant: { privateKeyPem: config.merchant.privateKey, signature: config.merchant.signature } }
      : {}),
    ...(tokens ? { oauth: { store: tokens.store, encryptionKey: tokens.encryptionKey } } : {}),
    ...options.tuning,
    credentialCheck: certsCredentialCheck({ trust: options.clientTrustPems }),
    logger: options.logger.child({ component: 'transport' }),
    userAgent: options.userAgent,
  };
}

/** A client for the profile: `createConnectPayClient(connectPayClientOptions(options))`. */
export function createServiceClient(options: ServiceClientOptions): ConnectPayClient {
  return createConnectPayClient(connectPayClientOptions(options));
}

export interface ClientCredentialsOptions {
  readonly config: ConnectPayConfig;
  readonly client: ConnectPayClient;
  readonly clientTrustPems: readonly string[];
  readonly logger: Logger;
  /** The chain the client presents changed (a reload of its files, a switch, a rollback). */
  readonly onCurrentChange?: (credentials: ClientCredentials) => void;
}

/** The client certificate's life while the service runs: reloads of its files and the staged switch. */
export interface ClientCredentialsLifecycle {
  /** Absent without mTLS credentials in the profile. */
  readonly watcher: CredentialWatcher | undefined;
  readonly rotation: CredentialRotation;
  /** Stops the watcher, then the rotation's timers. Idempotent. */
  close(): void;
}

/**
 * Watches the client certificate files and runs the staged rotation (CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE,
 * _KEY_FILE, _SWITCH_AT). A renewed certificate (cert-manager, a secret mount) is picked up without a
 * restart; a chain with packages/certs errors is refused and the current one kept. The next pair is
 * checked with the same trust as a reload, probed against the mTLS host and presented only from the
 * switch on, so every service built from the same settings switches at the same instant and each
 * rolls back on a certificate refusal.
 */
export async function manageClientCredentials(options: ClientCredentialsOptions): Promise<ClientCredentialsLifecycle> {
  const { config, client, logger } = options;
  const check = certsCredentialCheck({ trust: options.clientTrustPems });
  const next = config.nextMtls;
  const rotation = new CredentialRotation({
    client,
    ...(config.mtls ? { current: currentPair(config.mtls) } : {}),
    ...(next ? { next: { certFile: next.certFile, keyFile: next.keyFile } } : {}),
    ...(next?.switchAt ? { switchAt: new Date(next.switchAt) } : {}),
    check,
    probe: { url: config.baseUrls.mtls, ...(config.caPem ? { caPem: config.caPem } : {}) },
    logger: logger.child({ component: 'rotation' }),
    ...(options.onCurrentChange ? { onCurrentChange: options.onCurrentChange } : {}),
  });
  const watcher = config.mtls
    ? watchCredentials(client, {
        certFile: config.mtls.certFile,
        keyFile: config.mtls.keyFile,
        logger,
        onReload: (_identity, credentials) => {
          options.onCurrentChange?.(credentials);
          rotation.currentReloaded(credentials);
        },
      })
    : undefined;
  const close = () => {
    watcher?.close();
    rotation.close();
  };
  try {
    await rotation.start();
  } catch (error) {
    close();
    throw error;
  }
  return { watcher, rotation, close };
}

function currentPair(mtls: NonNullable<ConnectPayConfig['mtls']>): ClientCredentials {
  return { certChainPem: mtls.certChainPem, privateKeyPem: mtls.key };
}

/**
 * What a start has opened: the storage it began with, and what its runtime provider made so far (the
 * client, the certificate's life), so that a start failing anywhere after, inside or after app
 * creation, closes them all: the client before the storage its token store lives in. Never rejects.
 */
export class ClientParts {
  client: ConnectPayClient | undefined;
  credentials: ClientCredentialsLifecycle | undefined;

  constructor(readonly storage: Closable) {}

  async close(): Promise<void> {
    this.credentials?.close();
    await this.client?.close().catch(() => undefined);
    await this.storage.close().catch(() => undefined);
  }
}

/**
 * The admin switch to the staged next client certificate (`rotation.switchNow('admin')`). When
 * nothing valid is staged (transport's RotationRefusedError) or ConnectPay refused the next chain
 * (`TRANSPORT_CREDENTIALS_REJECTED`), the error becomes the service's own refusal, `refused(message)`
 * (a 409 in its error shape); any other error goes on as it is.
 */
export async function switchClientCertificateNow(
  rotation: Pick<CredentialRotation, 'switchNow'>,
  refused: (message: string) => Error,
): Promise<RotationStatus> {
  try {
    return await rotation.switchNow('admin');
  } catch (error) {
    if (
      isTransportError(error) &&
      (error instanceof RotationRefusedError || error.code === 'TRANSPORT_CREDENTIALS_REJECTED')
    ) {
      throw refused(error.message);
    }
    throw error;
  }
}
