import { createLogger } from '../src/observability/logger.js';

describe('logger', () => {
  it('redacts credential fields that reach a log line by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
    logger.info(
      {
        token: 'secret-token',
        adminKey: 'secret-admin',
        headers: { 'x-connectpay-webhook-token': 'secret-header', accept: 'application/json' },
        err: { accessToken: 'secret-access', message: 'failed' },
      },
      'oops',
    );
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(lines[0]).not.toMatch(/secret-/);
    expect(line).toMatchObject({
      service: 'webhook',
      token: '[redacted]',
      headers: { 'x-connectpay-webhook-token': '[redacted]', accept: 'application/json' },
      err: { accessToken: '[redacted]', message: 'failed' },
    });
  });
});
