import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import {
  type DevPkiFile,
  type IssueSpec,
  type RenewedDevClient,
  writeRenewableDevPki,
} from '@connectpay-kit/testing-pki';

export interface RotationPki {
  /** The dev PKI folder, as `nx serve` writes it into `.dev-pki/`. */
  readonly dir: string;
  read(file: DevPkiFile): string;
  /** A renewed client chain from the dev intermediate CA (testing-pki's RenewableDevPki.renewClient). */
  issueClient(spec?: IssueSpec): Promise<RenewedDevClient>;
  remove(): void;
}

/** A dev PKI in a temporary folder whose intermediate CA the test holds, to issue renewed client chains. */
export async function rotationPki(): Promise<RotationPki> {
  const pki = await writeRenewableDevPki(join(mkdtempSync(join(tmpdir(), 'webhook-rotation-')), 'pki'));
  return {
    dir: pki.dir,
    read: (file) => readFileSync(pki[file], 'utf8'),
    issueClient: (spec) => pki.renewClient(spec),
    remove: () => rmSync(dirname(pki.dir), { recursive: true, force: true }),
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
