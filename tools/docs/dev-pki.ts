// A dev PKI the docs test writes itself, in the layout testing-pki's ensureDevPki() reuses, so the
// test keeps the dev intermediate CA in memory. docs/rotating-certificates.md needs a renewed client
// certificate the sandbox accepts, and ensureDevPki() keeps no CA key on disk.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DEV_PKI_SECRET_FILES,
  type DevPkiFile,
  ensureDevPki,
  generateDevPki,
  generateKeyPair,
} from '@connectpay-kit/testing-pki';

// The dev PKI's organisation, as packages/testing-pki names it, for the renewed leaf.
const ORGANIZATION = 'ConnectPay Kit Dev';

export interface DocsDevPki {
  readonly dir: string;
  /** Issues a client certificate the sandbox trusts, as a CA would answer a CSR: leaf and key. */
  renewClient(validityDays: number): Promise<{ certificatePem: string; privateKeyPem: string }>;
}

export async function writeDevPki(dir: string): Promise<DocsDevPki> {
  const { contents, intermediate } = await generateDevPki(new Date());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  for (const file of Object.keys(DEV_PKI_FILES) as DevPkiFile[]) {
    const path = join(dir, DEV_PKI_FILES[file]);
    writeFileSync(path, contents[file]);
    chmodSync(path, DEV_PKI_SECRET_FILES.has(file) ? 0o600 : 0o644);
  }

  // The apps call ensureDevPki() on start: had it anything to object to, it would replace this PKI
  // with one whose CA the test does not hold, and the rotation page would fail far from the cause.
  const check = await ensureDevPki(dir);
  if (check.generated) {
    throw new Error(
      `the dev PKI written by tools/docs/dev-pki.ts no longer matches packages/testing-pki's layout (${check.reason ?? 'no reason given'}): update writeDevPki() to how ensureDevPki() writes it`,
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
