import { randomBytes, randomUUID } from 'node:crypto';
import { createRoot, type CertificateAuthority } from '../authority.js';
import { toPem } from '../chain.js';
import { generateKeyPair } from '../keys.js';
import {
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DEV_PKI_VERSION,
  DEV_SERVER_NAMES,
  type DevPkiFile,
  type DevPkiManifest,
} from './layout.js';

/** The organisation every dev PKI certificate names. */
export const DEV_ORGANIZATION = 'ConnectPay Kit Dev';
const ORGANIZATION = DEV_ORGANIZATION;

/** Contents of every dev PKI file, from fresh keys (never the test key pool: these live on disk). */
export async function generateDevPkiContents(now: Date): Promise<Record<DevPkiFile, string>> {
  return (await generateDevPki(now)).contents;
}

/**
 * A fresh dev PKI: every file's contents and, for tests that must issue more certificates the
 * sandbox trusts (a renewed client certificate), the intermediate CA with its key. ensureDevPki()
 * writes only the contents: no CA key is kept on disk.
 */
export async function generateDevPki(
  now: Date,
): Promise<{ contents: Record<DevPkiFile, string>; intermediate: CertificateAuthority; root: CertificateAuthority }> {
  const [rootKey, intermediateKey, clientKey, mtlsKey, onewayKey, merchantKey] = await Promise.all([
    generateKeyPair({ type: 'ec', curve: 'P-256' }),
    generateKeyPair({ type: 'ec', curve: 'P-256' }),
    generateKeyPair({ type: 'rsa', bits: 2048 }),
    generateKeyPair({ type: 'ec', curve: 'P-256' }),
    generateKeyPair({ type: 'ec', curve: 'P-256' }),
    generateKeyPair({ type: 'rsa', bits: 2048 }),
  ]);
  const root = await createRoot({
    subject: { organization: ORGANIZATION, commonName: 'ConnectPay Kit Dev Root CA' },
    key: rootKey,
    validity: { days: 3650, from: now },
  });
  const intermediate = await root.issue({
    subject: { organization: ORGANIZATION, commonName: 'ConnectPay Kit Dev Intermediate CA' },
    key: intermediateKey,
    ca: { pathLength: 0 },
    validity: { days: 1825, from: now },
  });
  const client = await intermediate.issue({
    subject: { organization: ORGANIZATION, commonName: DEV_CLIENT_ID },
    key: clientKey,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['clientAuth'],
    validity: { days: 365, from: now },
  });
  const server = (listener: string, key: typeof mtlsKey) =>
    intermediate.issue({
      subject: { organization: ORGANIZATION, organizationalUnit: listener, commonName: 'localhost' },
      key,
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: { dns: [...DEV_SERVER_NAMES], ip: ['127.0.0.1', '::1'] },
      validity: { days: 365, from: now },
    });
  const serverMtls = await server('sandbox mTLS listener', mtlsKey);
  const serverOneway = await server('sandbox one-way listener', onewayKey);

  const manifest: DevPkiManifest = {
    version: DEV_PKI_VERSION,
    createdAt: now.toISOString(),
    clientNotAfter: client.notAfter.toISOString(),
    files: DEV_PKI_FILES,
  };
  const contents: Record<DevPkiFile, string> = {
    root: root.pem,
    intermediate: intermediate.pem,
    ca: root.pem,
    clientChain: toPem([client, intermediate, root]),
    clientKey: client.privateKeyPem,
    serverMtlsChain: toPem([serverMtls, intermediate, root]),
    serverMtlsKey: serverMtls.privateKeyPem,
    serverOnewayChain: toPem([serverOneway, intermediate, root]),
    serverOnewayKey: serverOneway.privateKeyPem,
    merchantKey: merchantKey.privateKeyPem,
    merchantPublicKey: merchantKey.publicKeyPem,
    clientId: DEV_CLIENT_ID,
    clientSecret: randomBytes(32).toString('base64url'),
    webhookToken: randomUUID(),
    tokenEncryptionKey: randomBytes(32).toString('base64'),
    manifest: `${JSON.stringify(manifest, null, 2)}\n`,
  };
  return { contents, intermediate, root };
}
