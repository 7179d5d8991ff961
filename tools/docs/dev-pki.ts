// A dev PKI the docs test writes itself, in the layout testing-pki's ensureDevPki() reuses, so the
// test keeps the dev intermediate CA in memory. docs/rotating-certificates.md needs a renewed client
// certificate the sandbox accepts, and ensureDevPki() keeps no CA key on disk.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertificateAuthority,
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DEV_PKI_VERSION,
  DEV_SERVER_NAMES,
  type DevPkiFile,
  createRoot,
  ensureDevPki,
  generateKeyPair,
  toPem,
} from '@connectpay-kit/testing-pki';

const ORGANIZATION = 'ConnectPay Kit Dev';
const SECRET_FILES = new Set<DevPkiFile>([
  'clientKey',
  'serverMtlsKey',
  'serverOnewayKey',
  'merchantKey',
  'clientSecret',
  'webhookToken',
  'tokenEncryptionKey',
]);

export interface DocsDevPki {
  readonly dir: string;
  /** Issues a client certificate the sandbox trusts, as a CA would answer a CSR: leaf and key. */
  renewClient(validityDays: number): Promise<{ certificatePem: string; privateKeyPem: string }>;
}

export async function writeDevPki(dir: string): Promise<DocsDevPki> {
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
    validity: { days: 3650 },
  });
  const intermediate = (await root.issue({
    subject: { organization: ORGANIZATION, commonName: 'ConnectPay Kit Dev Intermediate CA' },
    key: intermediateKey,
    ca: { pathLength: 0 },
    validity: { days: 1825 },
  })) as CertificateAuthority;
  const client = await intermediate.issue({
    subject: { organization: ORGANIZATION, commonName: DEV_CLIENT_ID },
    key: clientKey,
    keyUsage: ['digitalSignature'],
    extendedKeyUsage: ['clientAuth'],
    validity: { days: 365 },
  });
  const server = (unit: string, key: typeof mtlsKey) =>
    intermediate.issue({
      subject: { organization: ORGANIZATION, organizationalUnit: unit, commonName: 'localhost' },
      key,
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: ['serverAuth'],
      subjectAltNames: { dns: [...DEV_SERVER_NAMES], ip: ['127.0.0.1', '::1'] },
      validity: { days: 365 },
    });
  const serverMtls = await server('sandbox mTLS listener', mtlsKey);
  const serverOneway = await server('sandbox one-way listener', onewayKey);

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
    manifest: `${JSON.stringify(
      {
        version: DEV_PKI_VERSION,
        createdAt: new Date().toISOString(),
        clientNotAfter: client.notAfter.toISOString(),
        files: DEV_PKI_FILES,
      },
      null,
      2,
    )}\n`,
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  for (const file of Object.keys(DEV_PKI_FILES) as DevPkiFile[]) {
    const path = join(dir, DEV_PKI_FILES[file]);
    writeFileSync(path, contents[file]);
    chmodSync(path, SECRET_FILES.has(file) ? 0o600 : 0o644);
  }

  // The apps call ensureDevPki() on start: had it anything to object to, it would replace this PKI
  // with one whose CA the test does not hold, and the rotation page would fail far from the cause.
  const check = await ensureDevPki(dir);
  if (check.generated) {
    throw new Error(
      `the dev PKI written by tools/docs/dev-pki.ts no longer matches packages/testing-pki's layout (${check.reason ?? 'no reason given'}): update writeDevPki() to what generateDevPkiContents() writes`,
    );
  }

  return {
    dir,
    async renewClient(validityDays) {
      const leaf = await intermediate.issue({
        subject: { organization: ORGANIZATION, commonName: DEV_CLIENT_ID },
        key: await generateKeyPair({ type: 'rsa', bits: 2048 }),
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['clientAuth'],
        validity: { days: validityDays },
      });
      return { certificatePem: leaf.pem, privateKeyPem: leaf.privateKeyPem };
    },
  };
}
