import type { ConnectPayConfig } from '@connectpay-kit/config';
import {
  certsCredentialCheck,
  type ClientCredentials,
  type ConnectPayClient,
  CredentialRotation,
} from '@connectpay-kit/transport';
import type { Logger } from 'pino';

/**
 * The staged rotation of the client certificate (CONNECTPAY_<ENV>_NEXT_CLIENT_CERT_FILE, _KEY_FILE,
 * _SWITCH_AT): the next pair is checked with the same trust as a reload and probed against the mTLS
 * host, and presented only from the switch on. The webhook receiver builds the same one from the same
 * settings, so both switch at the same instant.
 */
export function createClientRotation(parts: {
  readonly config: ConnectPayConfig;
  readonly client: ConnectPayClient;
  readonly trust: readonly string[];
  readonly logger: Logger;
  readonly onCurrentChange: (credentials: ClientCredentials) => void;
}): CredentialRotation {
  const { config } = parts;
  const next = config.nextMtls;
  return new CredentialRotation({
    client: parts.client,
    ...(config.mtls ? { current: { certChainPem: config.mtls.certChainPem, privateKeyPem: config.mtls.key } } : {}),
    ...(next ? { next: { certFile: next.certFile, keyFile: next.keyFile } } : {}),
    ...(next?.switchAt ? { switchAt: new Date(next.switchAt) } : {}),
    check: certsCredentialCheck({ trust: parts.trust }),
    probe: { url: config.baseUrls.mtls, ...(config.caPem ? { caPem: config.caPem } : {}) },
    logger: parts.logger.child({ component: 'rotation' }),
    onCurrentChange: parts.onCurrentChange,
  });
}
