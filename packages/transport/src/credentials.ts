import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { CredentialsRejectedError } from './errors.js';
import { revealSecret, type SecretInput } from './secret.js';

/** The client identity presented on the mTLS host: the chain (leaf first) and the leaf's private key. */
export interface ClientCredentials {
  readonly certChainPem: string;
  readonly privateKeyPem: SecretInput;
}

/**
 * Checks a candidate identity before any connection uses it. Returns the problems that make the
 * provider refuse it (an empty list accepts it). The default (see client options) runs
 * packages/certs' rules and keeps only error findings.
 */
export type CredentialCheck = (credentials: ClientCredentials) => Promise<readonly string[]>;

export interface LoadedCredentials {
  readonly cert: string;
  readonly key: string;
  readonly leafFingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Parses the identity and refuses a key that is not the leaf's: cheap, local, always on. */
export function loadCredentials(credentials: ClientCredentials): LoadedCredentials {
  const key = revealSecret(credentials.privateKeyPem);
  const firstPem = credentials.certChainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/);
  if (!firstPem) {
    throw new CredentialsRejectedError('The client certificate file holds no PEM certificate.', ['no certificate']);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(firstPem[0]);
  } catch {
    throw new CredentialsRejectedError('The first certificate of the client chain cannot be parsed.', [
      'unparsable leaf',
    ]);
  }
  let publicFromKey: string;
  try {
    publicFromKey = createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new CredentialsRejectedError('The client private key cannot be parsed (expected a PEM private key).', [
      'unparsable key',
    ]);
  }
  if (leaf.publicKey.export({ type: 'spki', format: 'pem' }).toString() !== publicFromKey) {
    throw new CredentialsRejectedError(
      'The client private key does not belong to the first certificate of the chain: put the leaf first and pair it with its own key.',
      ['key mismatch'],
    );
  }
  return {
    cert: credentials.certChainPem,
    key,
    leafFingerprint: leaf.fingerprint256,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
  };
}
