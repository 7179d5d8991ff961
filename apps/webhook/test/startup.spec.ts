import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStartupFailure, EXIT_CONFIG, StartupConfigError } from '@connectpay-kit/service-kit';
import { createWebhookApp } from '../src/bootstrap/create-webhook-app.js';
import { WEBHOOK_SERVICE } from '../src/bootstrap/service.js';
import { start } from '../src/bootstrap/start.js';

let workDir: string;

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'webhook-startup-'));
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
  throw new Error('expected the receiver to refuse to start');
}

function tokenFile(): string {
  const file = join(workDir, 'token');
  writeFileSync(file, 'b5c0d0a8-6c1e-4a8e-9d53-2f5f2a7c9e11\n');
  return file;
}

// The receiver validates its settings before the app exists and the profile while ConnectPayConfigModule
// loads it, inside app creation: whichever fails, the start reports the same way.
describe('startup with an invalid configuration', () => {
  it('lists every variable to fix, ConnectPay and receiver ones together, when a setting is bad too', async () => {
    const error = await failure(
      createWebhookApp({ cwd: workDir, env: { CONNECTPAY_ENV: 'stage', WEBHOOK_PORT: 'http' } }),
    );
    expect(error).toBeInstanceOf(StartupConfigError);
    const variables = (error as StartupConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['CONNECTPAY_STAGE_CLIENT_CERT_FILE', 'CONNECTPAY_STAGE_CLIENT_ID', 'WEBHOOK_PORT']),
    );
    // The profile's issues first, as one load of both always listed them.
    expect(variables.at(-1)).not.toMatch(/^CONNECTPAY_/);
  });

  it('reports a bad profile found by ConnectPayConfigModule as the same configuration error, exit 78', async () => {
    const error = await failure(
      createWebhookApp({ cwd: workDir, env: { CONNECTPAY_ENV: 'stage', WEBHOOK_TOKEN_FILE: tokenFile() } }),
    );
    expect(error).toBeInstanceOf(StartupConfigError);
    const variables = (error as StartupConfigError).issues.map((issue) => issue.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['CONNECTPAY_STAGE_CLIENT_CERT_FILE', 'CONNECTPAY_STAGE_CLIENT_ID']),
    );
    expect(variables.every((variable) => variable.startsWith('CONNECTPAY_STAGE_'))).toBe(true);
    const { exitCode, message } = describeStartupFailure(WEBHOOK_SERVICE, error);
    expect(exitCode).toBe(EXIT_CONFIG);
    expect(message).toMatch(/^The webhook receiver cannot start: the stage configuration is invalid/);
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('prints one message to stderr and sets exit code 78 (EX_CONFIG) from the process entry', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      await start({
        env: { CONNECTPAY_ENV: 'stage', WEBHOOK_TOKEN_FILE: tokenFile(), LOG_LEVEL: 'silent' },
        cwd: workDir,
      });
      expect(process.exitCode).toBe(78);
    } finally {
      process.stderr.write = write;
      process.exitCode = 0;
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('CONNECTPAY_STAGE_CLIENT_CERT_FILE');
    expect(written[0]).not.toMatch(/\n\s+at /);
  });

  it('names an unknown environment', async () => {
    const error = (await failure(
      createWebhookApp({ cwd: workDir, env: { CONNECTPAY_ENV: 'production' } }),
    )) as StartupConfigError;
    expect(error.issues.map((issue) => issue.variable)).toEqual(['CONNECTPAY_ENV']);
    expect(describeStartupFailure(WEBHOOK_SERVICE, error).exitCode).toBe(EXIT_CONFIG);
  });
});
