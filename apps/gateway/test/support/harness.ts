import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
// Apps never import apps at run time; the tests start the real sandbox in-process from its source.
import { optionsFromDevPki, startSandbox, type RunningSandbox, type SandboxOptions } from '@connectpay-kit/sandbox';
import { createGateway, type Gateway } from '../../src/bootstrap/create-gateway.js';

export interface Harness {
  readonly pkiDir: string;
  readonly sandbox: RunningSandbox;
  readonly gateway: Gateway;
  readonly url: string;
  /** Every JSON log line the gateway wrote, for assertions and the secret scan. */
  readonly logs: string[];
  /** Request ids the sandbox saw, in order. */
  readonly sandboxRequestIds: string[];
  read(name: string): string;
  close(): Promise<void>;
}

export interface GatewayOnlyHarness {
  readonly gateway: Gateway;
  readonly url: string;
  readonly logs: string[];
  close(): Promise<void>;
}

/** A dev PKI in a fresh temp folder: what `nx serve` writes into `.dev-pki/`. */
export async function tempDevPki(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'gateway-test-')), 'pki');
  await ensureDevPki(dir);
  return dir;
}

/** What a test may change about the sandbox it starts (e.g. how it verifies X-Signature). */
export type SandboxOverrides = Pick<SandboxOptions, 'merchantSignature'>;

/** The sandbox on free ports, and a `local` gateway pointed at it over real TLS. */
export async function startHarness(
  extraEnv: Record<string, string> = {},
  sandboxOverrides: SandboxOverrides = {},
): Promise<Harness> {
  const pkiDir = await tempDevPki();
  const sandboxRequestIds: string[] = [];
  const sandbox = await startSandbox({
    ...optionsFromDevPki(pkiDir),
    ...sandboxOverrides,
    mtlsPort: 0,
    onewayPort: 0,
    log: (line) => {
      if (typeof line['requestId'] === 'string') sandboxRequestIds.push(line['requestId']);
    },
  });
  try {
    const started = await startGateway(pkiDir, {
      CONNECTPAY_LOCAL_MTLS_URL: sandbox.mtlsUrl,
      CONNECTPAY_LOCAL_ONEWAY_URL: sandbox.onewayUrl,
      ...extraEnv,
    });
    return {
      pkiDir,
      sandbox,
      ...started,
      sandboxRequestIds,
      read: (name) => readFileSync(join(pkiDir, name), 'utf8'),
      async close() {
        await started.close();
        await sandbox.close();
        rmSync(dirname(pkiDir), { recursive: true, force: true });
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** A gateway built but not listening: routes can still be added before `gateway.listen()`. */
export type UnstartedGateway = Omit<GatewayOnlyHarness, 'url'>;

/**
 * A `local` gateway on the given dev PKI, with storage in its own temp folder and logs captured,
 * listening on a free port; `{ listen: false }` leaves it built but not listening.
 */
export function startGateway(pkiDir: string, extraEnv: Record<string, string>): Promise<GatewayOnlyHarness>;
export function startGateway(
  pkiDir: string,
  extraEnv: Record<string, string>,
  options: { readonly listen: false },
): Promise<UnstartedGateway>;
export async function startGateway(
  pkiDir: string,
  extraEnv: Record<string, string>,
  options: { readonly listen?: boolean } = {},
): Promise<GatewayOnlyHarness | UnstartedGateway> {
  const workDir = mkdtempSync(join(tmpdir(), 'gateway-work-'));
  const logs: string[] = [];
  const gateway = await createGateway({
    cwd: workDir,
    env: {
      CONNECTPAY_ENV: 'local',
      CONNECTPAY_DEV_PKI_DIR: pkiDir,
      GATEWAY_PORT: '0',
      GATEWAY_STORAGE: join(workDir, 'gateway.sqlite'),
      LOG_LEVEL: 'debug',
      ...extraEnv,
    },
    logDestination: { write: (line: string) => void logs.push(line) },
  });
  const built: UnstartedGateway = {
    gateway,
    logs,
    async close() {
      await gateway.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  if (options.listen === false) return built;
  return { ...built, url: await gateway.listen() };
}

/**
 * The smallest payment a caller sends: the provider's mandatory fields (connectpay-api-facts.md §3),
 * brandId left to the gateway's default. The README's curl line sends this body.
 */
export const MINIMAL_PAYMENT = {
  merchant: { redirectUrl: 'https://shop.example/return' },
  payment: {
    paymentMethod: ['PIS'],
    providerCountryCode: 'LT',
    instructedAmount: { amount: '12.34', currency: 'EUR' },
  },
  identifiers: { merchantReference: 'order-1' },
};

export const API_KEY = { 'x-api-key': 'local-dev-key' };
