import { createRoot, type CertificateAuthority, type GeneratedCertificate, toPem } from '@connectpay-kit/testing-pki';

export interface TransportPki {
  /** The provider's server CA: a different hierarchy from the client's, as in production. */
  readonly serverRoot: CertificateAuthority;
  /** The merchant's client CA, which the provider has in its trust store. */
  readonly root: CertificateAuthority;
  readonly intermediate: CertificateAuthority;
  readonly server: GeneratedCertificate;
  readonly client: GeneratedCertificate;
  readonly serverChainPem: string;
  readonly clientChainPem: string;
  /** Issues another client identity from the same CA (rotation) or with a spec (expired, ...). */
  issueClient(
    spec?: Parameters<CertificateAuthority['issue']>[0],
  ): Promise<{ chainPem: string; keyPem: string; leaf: GeneratedCertificate }>;
}

/**
 * Two hierarchies, as in production: the provider's server certificate from its CA, the merchant's
 * client chain from another. (Node trusts the CA certificates of its own `cert` chain for the peer
 * too, so one shared CA would hide a missing CA_FILE.)
 */
export async function createTransportPki(): Promise<TransportPki> {
  const serverRoot = await createRoot({ subject: 'CN=Provider Server Test Root' });
  const root = await createRoot({ subject: 'CN=Transport Test Root' });
  const intermediate = await root.issue({ subject: 'CN=Transport Test Intermediate', ca: { pathLength: 0 } });
  const server = await serverRoot.issue({
    subject: 'CN=localhost',
    extendedKeyUsage: ['serverAuth'],
    subjectAltNames: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
  });
  const client = await intermediate.issue({ subject: 'CN=merchant-client', extendedKeyUsage: ['clientAuth'] });
  const issueClient: TransportPki['issueClient'] = async (spec = {}) => {
    const leaf = await intermediate.issue({ subject: 'CN=merchant-client', extendedKeyUsage: ['clientAuth'], ...spec });
    return { chainPem: toPem([leaf, intermediate, root]), keyPem: leaf.privateKeyPem, leaf };
  };
  return {
    serverRoot,
    root,
    intermediate,
    server,
    client,
    serverChainPem: toPem([server]),
    clientChainPem: toPem([client, intermediate, root]),
    issueClient,
  };
}
