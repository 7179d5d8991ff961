import { CredentialsMissingError } from '../errors.js';
import type { AuthStrategy, OutgoingRequest } from './strategy.js';

/**
 * mTLS adds no header: the identity lives on the connection (see HostKindDispatchers). The strategy
 * only refuses to send a cert-protected call when no identity is configured, instead of letting the
 * provider drop the handshake.
 */
export function mtlsStrategy(hasIdentity: () => boolean, environment: string): AuthStrategy {
  return {
    name: 'mtls',
    apply(request: OutgoingRequest) {
      if (!hasIdentity()) {
        const env = environment.toUpperCase();
        throw new CredentialsMissingError(
          `API "${request.api}" needs the client certificate: set CONNECTPAY_${env}_CLIENT_CERT_FILE and CONNECTPAY_${env}_CLIENT_KEY_FILE.`,
          { api: request.api },
        );
      }
    },
  };
}
