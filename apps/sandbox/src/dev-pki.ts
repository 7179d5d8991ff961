import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxOptions } from './sandbox.js';

/** Sandbox options from a dev PKI folder as packages/testing-pki's ensureDevPki() writes it. */
export function optionsFromDevPki(dir: string): Pick<
  SandboxOptions,
  'clientCaPem' | 'mtlsServer' | 'onewayServer' | 'merchantPublicKeyPem' | 'clientId' | 'clientSecret'
> & {
  webhookToken: string;
} {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    clientCaPem: read('ca.pem'),
    mtlsServer: { certPem: read('server-mtls-chain.pem'), keyPem: read('server-mtls.key') },
    onewayServer: { certPem: read('server-oneway-chain.pem'), keyPem: read('server-oneway.key') },
    merchantPublicKeyPem: read('merchant.pub.pem'),
    clientId: read('client-id.txt').trim(),
    clientSecret: read('client-secret.txt').trim(),
    webhookToken: read('webhook-token.txt').trim(),
  };
}
