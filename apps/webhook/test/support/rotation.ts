import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  DEV_CLIENT_ID,
  DEV_PKI_FILES,
  DEV_PKI_SECRET_FILES,
  type DevPkiFile,
  ensureDevPki,
  generateDevPki,
  generateKeyPair,
  type IssueSpec,
  toPem,
} from '@connectpay-kit/testing-pki';

export interface RotationPki {
  /** The dev PKI folder, as `nx serve` writes it into `.dev-pki/`. */
  readonly dir: string;
  read(file: DevPkiFile): string;
  /**
   * A client chain from the dev intermediate CA, as that CA would answer a renewal: a new key and a
   * leaf like the dev one unless `spec` says otherwise (expired, another extended key usage, ...).
   */
  issueClient(spec?: IssueSpec): Promise<IssuedClient>;
  remove(): void;
}

export interface IssuedClient {
  readonly chainPem: string;
  readonly keyPem: string;
  /** SHA-256 of the leaf as TLS peers and packages/transport print it (AB:CD:…). */
  readonly fingerprint: string;
  readonly notAfter: Date;
}

/**
 * A dev PKI whose intermediate CA stays in memory, so the test can issue renewed client certificates
 * the dev root vouches for: ensureDevPki() keeps no CA key on disk. Written in the layout
 * ensureDevPki() reuses, which the receiver calls on start.
 */
export async function rotationPki(): Promise<RotationPki> {
  const dir = join(mkdtempSync(join(tmpdir(), 'webhook-rotation-')), 'pki');
  const { contents, intermediate } = await generateDevPki(new Date());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, '.gitignore'), '*\n');
  for (const file of Object.keys(DEV_PKI_FILES) as DevPkiFile[]) {
    const path = join(dir, DEV_PKI_FILES[file]);
    writeFileSync(path, contents[file]);
    chmodSync(path, DEV_PKI_SECRET_FILES.has(file) ? 0o600 : 0o644);
  }
  // Had ensureDevPki() anything to object to, the receiver would start on a PKI whose CA the test
  // does not hold, and every renewed chain would be refused for a reason far from this file.
  const check = await ensureDevPki(dir);
  if (check.generated) {
    throw new Error(
      `the dev PKI written by test/support/rotation.ts no longer matches packages/testing-pki's layout (${check.reason ?? 'no reason given'})`,
    );
  }
  const root = { pem: contents.root };
  return {
    dir,
    read: (file) => readFileSync(join(dir, DEV_PKI_FILES[file]), 'utf8'),
    async issueClient(spec = {}) {
      const leaf = await intermediate.issue({
        subject: { organization: 'ConnectPay Kit Dev', commonName: DEV_CLIENT_ID },
        key: await generateKeyPair({ type: 'rsa', bits: 2048 }),
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: ['clientAuth'],
        ...spec,
      });
      return {
        chainPem: toPem([leaf, intermediate, root]),
        keyPem: leaf.privateKeyPem,
        fingerprint: new X509Certificate(leaf.pem).fingerprint256,
        notAfter: leaf.notAfter,
      };
    },
    remove: () => rmSync(dirname(dir), { recursive: true, force: true }),
  };
}

/** Replaces a file the way secret mounts and cert-manager do: write next to it, rename over it. */
export function replaceFile(file: string, text: string): void {
  writeFileSync(`${file}.new`, text, { mode: 0o600 });
  renameSync(`${file}.new`, file);
}

export interface TokenEndpoint {
  /** Base URL to use as the mTLS host (`CONNECTPAY_LOCAL_MTLS_URL`). */
  readonly url: string;
  /** The leaf fingerprint each token request's connection presented, in arrival order. */
  readonly presented: string[];
  close(): Promise<void>;
}

/**
 * ConnectPay's mTLS host as far as the receiver uses it: the token endpoint of the PSD2 code exchange.
 * A real TLS server on 127.0.0.1 that requires a client certificate from the dev root and records the
 * one presented.
 */
export async function startTokenEndpoint(pki: RotationPki): Promise<TokenEndpoint> {
  const presented: string[] = [];
  let issued = 0;
  const server = createServer(
    {
      cert: pki.read('serverMtlsChain'),
      key: pki.read('serverMtlsKey'),
      ca: pki.read('root'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      request.resume();
      request.on('end', () => {
        presented.push((request.socket as TLSSocket).getPeerCertificate().fingerprint256);
        if (request.method !== 'POST' || request.url !== '/auth/v1/oauth2/token') {
          response.writeHead(404).end();
          return;
        }
        issued += 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            access_token: `at-${issued}`,
            token_type: 'Bearer',
            expires_in: 3600,
            refresh_token: `rt-${issued}`,
            refresh_token_expires_in: 86_400,
            scope: 'psd2-ais',
          }),
        );
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    presented,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
