import { createServiceLogger } from '../src/logger.js';
import { StartupFailedError } from '../src/errors.js';
import { startService } from '../src/start.js';

const SERVICE = { displayName: 'The test service', portVariable: 'TEST_PORT', hostVariable: 'TEST_HOST' };

describe('startService', () => {
  const exitCode = process.exitCode;
  let stderr: string;
  let write: typeof process.stderr.write;
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

  beforeEach(() => {
    stderr = '';
    write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      stderr += chunk;
      return true;
    }) as typeof process.stderr.write;
  });

  afterEach(() => {
    process.stderr.write = write;
    process.exitCode = exitCode;
    // Only the listeners startService added: the test runner's own stay.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!before[signal].includes(listener)) process.off(signal, listener);
      }
    }
  });

  it('listens, logs the startup line and arms the shutdown deadline on SIGTERM and SIGINT', async () => {
    const logs: string[] = [];
    const logger = createServiceLogger({
      service: { name: 'test' },
      destination: { write: (line) => void logs.push(line) },
    });
    const service = {
      listen: async () => 'http://127.0.0.1:1',
      close: async () => undefined,
      startupLine: (url: string) => ({ fields: { url }, message: `listening on ${url}` }),
      runtime: { logger, settings: { shutdownTimeoutMs: 1_000 } },
    };
    const started = await startService(SERVICE, async () => service);
    expect(started).toBe(service);
    expect(logs.join('')).toContain('"msg":"listening on http://127.0.0.1:1"');
    expect(process.listenerCount('SIGTERM')).toBe(before.SIGTERM.length + 1);
    expect(process.listenerCount('SIGINT')).toBe(before.SIGINT.length + 1);
  });

  it('turns a failed start into one message on stderr and the exit code, and closes what was built', async () => {
    let closed = false;
    const started = await startService(SERVICE, async () => ({
      listen: async () => {
        throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
      },
      close: async () => {
        closed = true;
      },
      startupLine: () => {
        throw new Error('not reached');
      },
      runtime: { logger: createServiceLogger({ service: { name: 'test' } }), settings: { shutdownTimeoutMs: 1 } },
    }));
    expect(started).toBeUndefined();
    expect(closed).toBe(true);
    expect(process.exitCode).toBe(1);
    expect(stderr).toContain('The test service cannot listen (EADDRINUSE)');
    expect(stderr).toContain('TEST_PORT');
    expect(stderr).not.toContain('    at ');
  });

  it('exits 1 with the reason when the service cannot be built', async () => {
    await startService(SERVICE, () => Promise.reject(new StartupFailedError('storage is unreachable')));
    expect(process.exitCode).toBe(1);
    expect(stderr).toBe('The test service cannot start: storage is unreachable\n');
  });
});
