import { createServer, type Server } from 'node:net';
import {
  describeStartupFailure,
  EXIT_CONFIG,
  EXIT_FAILURE,
  ServiceKitError,
  SettingsError,
  StartupConfigError,
  StartupFailedError,
} from '../src/index.js';
import { GATEWAY, WEBHOOK } from './support/services.js';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

describe('StartupConfigError', () => {
  it('lists every issue under one heading that names the service, the environment and its README', () => {
    const error = new StartupConfigError(GATEWAY, 'stage', [
      { variable: 'GATEWAY_PORT', message: 'must be a number.' },
      { variable: 'CONNECTPAY_STAGE_CLIENT_ID', message: 'is required.' },
    ]);
    expect(error).toBeInstanceOf(ServiceKitError);
    expect(error.code).toBe('SERVICE_CONFIG_INVALID');
    expect(error.name).toBe('StartupConfigError');
    expect(error.message).toBe(
      'The gateway cannot start: the stage configuration is invalid (2 problems):\n' +
        '  - GATEWAY_PORT: must be a number.\n' +
        '  - CONNECTPAY_STAGE_CLIENT_ID: is required.\n' +
        'Set or fix these variables and start again; apps/gateway/README.md lists them all.',
    );
  });

  it('says "1 problem" for one, with the webhook receiver its own name and README', () => {
    const error = new StartupConfigError(WEBHOOK, 'prod', [
      { variable: 'WEBHOOK_TOKEN_FILE', message: 'is required.' },
    ]);
    expect(error.message).toMatch(
      /^The webhook receiver cannot start: the prod configuration is invalid \(1 problem\):\n/,
    );
    expect(error.message).toMatch(/apps\/webhook\/README\.md lists them all\.$/);
  });
});

describe('SettingsError', () => {
  it("keeps each service's own first line and lists the issues", () => {
    const issues = [{ variable: 'WEBHOOK_PORT', message: 'Too big: expected number to be <=65535.' }];
    const webhook = new SettingsError(WEBHOOK, issues);
    expect(webhook.code).toBe('SERVICE_SETTINGS_INVALID');
    expect(webhook.issues).toEqual(issues);
    expect(webhook.message).toBe(
      'Webhook receiver settings are invalid:\n- WEBHOOK_PORT: Too big: expected number to be <=65535.',
    );
    expect(new SettingsError(GATEWAY, []).message).toMatch(/^Gateway settings are invalid:/);
  });
});

describe('describeStartupFailure', () => {
  it('exits 78 (EX_CONFIG) with the configuration message as it is', () => {
    const error = new StartupConfigError(GATEWAY, 'prod', [
      { variable: 'GATEWAY_API_KEYS_FILE', message: 'is required.' },
    ]);
    expect(EXIT_CONFIG).toBe(78);
    expect(describeStartupFailure(GATEWAY, error)).toEqual({ exitCode: 78, message: error.message });
  });

  it('exits 1 and puts the service in front of a failed start', () => {
    const error = new StartupFailedError('storage could not be opened (SQLITE_BUSY): database is locked');
    expect(error.code).toBe('SERVICE_STARTUP_FAILED');
    expect(EXIT_FAILURE).toBe(1);
    expect(describeStartupFailure(WEBHOOK, error)).toEqual({
      exitCode: 1,
      message: 'The webhook receiver cannot start: storage could not be opened (SQLITE_BUSY): database is locked',
    });
  });

  it('names the port and host variables when the port is taken (a real EADDRINUSE)', async () => {
    const holder = createServer();
    const second = createServer();
    try {
      const port = await listen(holder, 0);
      const error = await listen(second, port).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect((error as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      expect(describeStartupFailure(GATEWAY, error)).toEqual({
        exitCode: 1,
        message:
          'The gateway cannot listen (EADDRINUSE): another process may use the port, or GATEWAY_HOST is not an address of this machine. Set GATEWAY_PORT / GATEWAY_HOST.',
      });
      expect(describeStartupFailure(WEBHOOK, error).message).toBe(
        'The webhook receiver cannot listen (EADDRINUSE): another process may use the port, or WEBHOOK_HOST is not an address of this machine. Set WEBHOOK_PORT / WEBHOOK_HOST.',
      );
    } finally {
      second.close();
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('gives anything else exit 1 and its message, never a stack trace', () => {
    const described = describeStartupFailure(GATEWAY, new TypeError('boom'));
    expect(described).toEqual({ exitCode: 1, message: 'The gateway cannot start: boom' });
    expect(describeStartupFailure(GATEWAY, undefined)).toEqual({
      exitCode: 1,
      message: 'The gateway cannot start: undefined',
    });
  });
});
