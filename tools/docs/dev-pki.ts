// The docs test's dev PKI keeps its intermediate CA in memory (testing-pki's writeRenewableDevPki):
// docs/rotating-certificates.md needs a renewed client certificate the sandbox accepts, and
// ensureDevPki() keeps no CA key anywhere.
import { writeRenewableDevPki } from '@connectpay-kit/testing-pki';

export interface DocsDevPki {
  readonly dir: string;
  /** Issues a client certificate the sandbox trusts, as a CA would answer a CSR: leaf and key. */
  renewClient(validityDays: number): Promise<{ certificatePem: string; privateKeyPem: string }>;
}

export async function writeDevPki(dir: string): Promise<DocsDevPki> {
  const pki = await writeRenewableDevPki(dir);
  return {
    dir: pki.dir,
    async renewClient(validityDays) {
      const renewed = await pki.renewClient({ validity: { days: validityDays } });
      return { certificatePem: renewed.leafPem, privateKeyPem: renewed.keyPem };
    },
  };
}
