import { closeInOrder, createServiceLogger } from '../src/index.js';

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
