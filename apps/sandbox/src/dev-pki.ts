import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_PKI_COMMAND } from '@connectpay-kit/config';
import type { SandboxOptions } from './sandbox.js';

/** The dev PKI files the sandbox reads, by the names packages/testing-pki's ensureDevPki() writes. */
const FILES = [
  'ca.pem',
  'server-mtls-chain.pem',
  'server-mtls.key',
  'server-oneway-chain.pem',
  'server-oneway.key',
  'merchant.pub.pem',
  'client-id.txt',
  'client-secret.txt',
  'webhook-token.txt',
] as const;

/** Codes of the errors the sandbox raises itself (its answers use SANDBOX_PROBLEM_CODES, in http.ts). */
export const SANDBOX_ERROR_CODES = ['SANDBOX_DEV_PKI_MISSING'] as const;
export type SandboxErrorCode = (typeof SANDBOX_ERROR_CODES)[number];

/** What each code means, one line each: docs/errors.md is generated from this (tools/docs/errors-doc.mjs). */
export const SANDBOX_ERROR_MEANING: Readonly<Record<SandboxErrorCode, string>> = {
  SANDBOX_DEV_PKI_MISSING:
    'The dev PKI folder lacks a file the sandbox needs; the message names the command that makes it.',
};

/** A dev PKI folder that lacks a file the sandbox needs; the message names it and the command that makes it. */
export class DevPkiMissingError extends Error {
  readonly code: SandboxErrorCode = 'SANDBOX_DEV_PKI_MISSING';

  constructor(
    readonly dir: string,
    readonly missing: readonly string[],
  ) {
    super(
      `the local dev PKI in ${dir} has no ${missing.join(', ')}. Make it with \`${DEV_PKI_COMMAND}\` ` +
        '(`npx nx serve sandbox` and `npx nx serve gateway` run it first), or set CONNECTPAY_DEV_PKI_DIR to a folder that holds one.',
    );
    this.name = 'DevPkiMissingError';
  }
}

/**
 * Sandbox options from a dev PKI folder as packages/testing-pki's ensureDevPki() writes it. Only reads:
 * a folder that lacks a file throws DevPkiMissingError, naming every missing file at once.
 */
export function optionsFromDevPki(dir: string): Pick<
  SandboxOptions,
  'clientCaPem' | 'mtlsServer' | 'onewayServer' | 'merchantPublicKeyPem' | 'clientId' | 'clientSecret'
> & {
  webhookToken: string;
} {
  const missing = FILES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) throw new DevPkiMissingError(dir, missing);
  const read = (name: (typeof FILES)[number]) => readFileSync(join(dir, name), 'utf8');
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
