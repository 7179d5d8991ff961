import { join, resolve } from 'node:path';

/** File names of the dev PKI; the sandbox and the `local` config read them by these names. */
export const DEV_PKI_FILES = {
  root: 'root.pem',
  intermediate: 'intermediate.pem',
  ca: 'ca.pem',
  clientChain: 'client-chain.pem',
  clientKey: 'client.key',
  serverMtlsChain: 'server-mtls-chain.pem',
  serverMtlsKey: 'server-mtls.key',
  serverOnewayChain: 'server-oneway-chain.pem',
  serverOnewayKey: 'server-oneway.key',
  merchantKey: 'merchant.key',
  merchantPublicKey: 'merchant.pub.pem',
  clientId: 'client-id.txt',
  clientSecret: 'client-secret.txt',
  webhookToken: 'webhook-token.txt',
  tokenEncryptionKey: 'token-encryption.key',
  manifest: 'manifest.json',
} as const;

export type DevPkiFile = keyof typeof DEV_PKI_FILES;

/** Private keys and secrets: readable by the owner only. */
export const SECRET_FILES: ReadonlySet<DevPkiFile> = new Set<DevPkiFile>([
  'clientKey',
  'serverMtlsKey',
  'serverOnewayKey',
  'merchantKey',
  'clientSecret',
  'webhookToken',
  'tokenEncryptionKey',
]);

/** Keeps the keys out of git even where the repository's own .gitignore misses the folder. */
export const GITIGNORE_FILE = '.gitignore';

export const DEV_CLIENT_ID = 'local-dev-client';

export type DevPkiPaths = { readonly dir: string } & { readonly [file in DevPkiFile]: string };

/**
 * Bumped whenever what the dev PKI holds changes, so an older folder is regenerated, not reused.
 * 2: the sandbox's server certificates also name `sandbox` (its docker-compose service name).
 */
export const DEV_PKI_VERSION = 2;

/** Host names the sandbox's server certificates are valid for: local runs and docker-compose. */
export const DEV_SERVER_NAMES = ['localhost', 'sandbox'] as const;

export interface DevPkiManifest {
  readonly version: typeof DEV_PKI_VERSION;
  readonly createdAt: string;
  readonly clientNotAfter: string;
  readonly files: { readonly [file in DevPkiFile]: string };
}

/** Absolute paths of the dev PKI files in `dir`, whether or not they exist yet. */
export function devPkiPaths(dir: string): DevPkiPaths {
  const absolute = resolve(dir);
  const files = Object.fromEntries(
    Object.entries(DEV_PKI_FILES).map(([file, name]) => [file, join(absolute, name)]),
  ) as { [file in DevPkiFile]: string };
  return { dir: absolute, ...files };
}
