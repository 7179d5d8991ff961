import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStartupFailure, EXIT_CONFIG, StartupConfigError } from '@connectpay-kit/service-kit';
import { createGateway } from '../src/bootstrap/create-gateway.js';
import { GATEWAY_SERVICE } from '../src/bootstrap/service.js';
import { start } from '../src/bootstrap/start.js';

let workDir: string;

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'gateway-startup-'));
});

afterEach(() => {
  rmSync(workDir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the gateway to refuse to start');
}

describe('startup with an invalid configuration', () => {
  it('lists every variable to fix, ConnectPay and gateway ones together', async () => {
    const error = await failure(
      createGateway({ cwd: workDir, env: { CONNECTPAY_ENV: 'stage', GATEWAY_PORT: 'http' } }),
    );
    expect(error).toBeInstanceOf(StartupConfigError);
    const variables = (error as StartupConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['CONNECTPAY_STAGE_CLIENT_CERT_FILE', 'CONNECTPAY_STAGE_CLIENT_ID', 'GATEWAY_PORT']),
    );
    const { exitCode, message } = describeStartupFailure(GATEWAY_SERVICE, error);
    expect(exitCode).toBe(EXIT_CONFIG);
    expect(message).toMatch(/^The gateway cannot start: the stage configuration is invalid/);
    expect(message).toContain('CONNECTPAY_STAGE_CLIENT_CERT_FILE');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('reports a bad profile found by ConnectPayConfigModule, the settings being fine, as the same error (exit 78)', async () => {
    const keys = join(workDir, 'keys.txt');
    writeFileSync(keys, 'a-caller-key-of-at-least-32-characters-0001\n');
    const error = await failure(
      createGateway({ cwd: workDir, env: { CONNECTPAY_ENV: 'stage', GATEWAY_API_KEYS_FILE: keys } }),
    );
    expect(error).toBeInstanceOf(StartupConfigError);
    const variables = (error as StartupConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['CONNECTPAY_STAGE_CLIENT_CERT_FILE', 'CONNECTPAY_STAGE_CLIENT_ID']),
    );
    expect(variables.every((variable) => variable.startsWith('CONNECTPAY_STAGE_'))).toBe(true);
    const { exitCode, message } = describeStartupFailure(GATEWAY_SERVICE, error);
    expect(exitCode).toBe(EXIT_CONFIG);
    expect(message).toMatch(/^The gateway cannot start: the stage configuration is invalid/);
  });

  it('requires internal api keys outside local, and refuses the public local key there', async () => {
    const keys = join(workDir, 'keys.txt');
    writeFileSync(keys, '# callers\nlocal-dev-key\n');
    const error = (await failure(
      createGateway({ cwd: workDir, env: { CONNECTPAY_ENV: 'prod', GATEWAY_API_KEYS_FILE: keys } }),
    )) as StartupConfigError;
    const apiKeyIssues = error.issues.filter((issue) => issue.variable === 'GATEWAY_API_KEYS_FILE');
    expect(apiKeyIssues).toHaveLength(1);
    expect(apiKeyIssues[0]?.message).toContain('public local development key');
  });

  it('prints one message to stderr and sets exit code 78 (EX_CONFIG) from the process entry', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      await start({ env: { CONNECTPAY_ENV: 'prod' }, cwd: workDir });
      expect(process.exitCode).toBe(78);
    } finally {
      process.stderr.write = write;
      process.exitCode = 0;
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('CONNECTPAY_PROD_CLIENT_CERT_FILE');
    expect(written[0]).toContain('GATEWAY_API_KEYS_FILE');
    expect(written[0]).not.toMatch(/\n\s+at /);
  });

  it('names an unknown environment', async () => {
    const error = (await failure(
      createGateway({ cwd: workDir, env: { CONNECTPAY_ENV: 'production' } }),
    )) as StartupConfigError;
    expect(error.issues.map((issue) => issue.variable)).toEqual(['CONNECTPAY_ENV']);
    expect(describeStartupFailure(GATEWAY_SERVICE, error).exitCode).toBe(EXIT_CONFIG);
  });
});
