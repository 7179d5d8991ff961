import { closeIfBuildFails, closeInOrder, createServiceLogger } from '../src/index.js';

describe('closeInOrder', () => {
  it('closes in the given order, logs a failure and goes on, then says it stopped', async () => {
    const lines: Array<{ msg: string; err?: string; level: number }> = [];
    const logger = createServiceLogger({
      service: { name: 'kit-test' },
      destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    });
    const closed: string[] = [];
    await closeInOrder(
      logger,
      {
        'the ConnectPay client': { close: async () => void closed.push('client') },
        storage: {
          close: async () => {
            closed.push('storage');
            throw new Error('database is locked');
          },
        },
        'the metrics server': { close: async () => void closed.push('metrics') },
      },
      'kit-test stopped',
    );
    expect(closed).toEqual(['client', 'storage', 'metrics']);
    expect(lines.map((line) => [line.msg, line.err])).toEqual([
      ['closing storage failed', 'database is locked'],
      ['kit-test stopped', undefined],
    ]);
  });
});

describe('closeIfBuildFails', () => {
  it('answers what was built and leaves what was made open', async () => {
    let closed = 0;
    const made = { close: async () => void closed++ };
    await expect(closeIfBuildFails(made, async () => 'built')).resolves.toBe('built');
    expect(closed).toBe(0);
  });

  it('closes what was made when building fails, then passes the same error on', async () => {
    const order: string[] = [];
    const made = { close: async () => void order.push('closed') };
    const failure = new Error('listen EADDRINUSE');
    const built = closeIfBuildFails(made, async () => {
      order.push('building');
      throw failure;
    });
    await expect(built).rejects.toBe(failure);
    expect(order).toEqual(['building', 'closed']);
  });
});
