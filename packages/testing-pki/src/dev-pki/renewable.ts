import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { IssueSpec } from '../authority.js';
import { toPem } from '../chain.js';
import { DevPkiWriteError } from '../errors.js';
import { generateKeyPair } from '../keys.js';
import { writeInto } from './ensure-dev-pki.js';
import { DEV_ORGANIZATION, generateDevPki } from './generate.js';
import { DEV_CLIENT_ID, devPkiPaths, type DevPkiPaths } from './layout.js';

/** A client certificate issued by the dev intermediate CA, as it would answer a renewal. */
export interface RenewedDevClient {
  /** The leaf alone, as a CA's answer to a CSR comes. */
  readonly leafPem: string;
  /** Hex, as a CRL lists it. */
  readonly serialNumber: string;
  /** Leaf, intermediate and root, as `client-chain.pem` holds them. */
  readonly chainPem: string;
  /** PKCS#8 PEM of the new leaf's key. */
  readonly keyPem: string;
  /** SHA-256 of the leaf as TLS peers and packages/transport print it (`AB:CD:…`). */
  readonly fingerprint: string;
  readonly notAfter: Date;
}

export interface RenewableDevPki extends DevPkiPaths {
  /**
   * Issues a client certificate the dev root vouches for: a new RSA key and a leaf like the dev one
   * (clientAuth, the dev client id) unless `spec` says otherwise (expired, another usage, …).
   */
  renewClient(spec?: IssueSpec): Promise<RenewedDevClient>;
  /**
   * CRLs a TLS server can check client certificates against (Node's `crl` option checks every level):
   * the dev root's (revoking nothing) and the dev intermediate's, revoking the given serial numbers.
   */
  clientCrls(revokedSerials: readonly string[]): Promise<string[]>;
}

/**
 * Writes a fresh dev PKI into `dir` exactly as ensureDevPki() does, and keeps its intermediate CA in
 * memory so a test can issue renewed client certificates the sandbox and the apps accept (certificate
 * rotation). ensureDevPki() itself keeps no CA key anywhere. For tests only: the CA key dies with the
 * process.
 */
export async function writeRenewableDevPki(dir: string, options: { now?: Date } = {}): Promise<RenewableDevPki> {
  const paths = devPkiPaths(dir);
  const { contents, intermediate, root: rootCa } = await generateDevPki(options.now ?? new Date());
  try {
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    await writeInto(paths.dir, contents);
  } catch (error) {
    throw new DevPkiWriteError(paths.dir, error);
  }
  const root = { pem: contents.root };
  return {
    ...paths,
    async clientCrls(revokedSerials) {
      const [rootCrl, intermediateCrl] = await Promise.all([
        rootCa.crl(),
        intermediate.crl({ revoked: revokedSerials }),
      ]);
      return [rootCrl.pem, intermediateCrl.pem];
    },
    async renewClient(spec = {}) {
      const leaf = await intermediate.issue({
        subject: { organization: DEV_ORGANIZATION, commonName: DEV_CLIENT_ID },
        key: await generateKeyPair({ type: 'rsa', bits: 2048 }),
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['clientAuth'],
        ...spec,
      });
      return {
        leafPem: leaf.pem,
        serialNumber: leaf.serialNumber,
        chainPem: toPem([leaf, intermediate, root]),
        keyPem: leaf.privateKeyPem,
        fingerprint: new X509Certificate(leaf.pem).fingerprint256,
        notAfter: leaf.notAfter,
      };
    },
  };
}
