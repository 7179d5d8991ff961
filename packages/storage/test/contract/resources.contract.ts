import type { HarnessFactory } from '../support/harness.js';
import { at, shuffled, useHarness } from './helpers.js';

export function resourceStateStoreContract(factory: HarnessFactory): void {
  describe('ResourceStateStore', () => {
    const harness = useHarness(factory);
    const payment = { resourceType: 'payment', resourceId: 'pay-1' };

    it('never lets an older or equally old event overwrite a newer one', async () => {
      const storage = await harness().open();

      expect(
        await storage.resources.applyIfNewer({
          ...payment,
          status: 'Completed',
          timestamp: at(3000),
          data: { amount: '10.00' },
        }),
      ).toBe(true);
      expect(await storage.resources.applyIfNewer({ ...payment, status: 'Processing', timestamp: at(2000) })).toBe(
        false,
      );
      expect(await storage.resources.applyIfNewer({ ...payment, status: 'Failed', timestamp: at(3000) })).toBe(false);

      const stored = await storage.resources.get('payment', 'pay-1');
      expect(stored).toMatchObject({ ...payment, status: 'Completed', timestamp: at(3000), data: { amount: '10.00' } });
      expect(stored?.updatedAt).toBeInstanceOf(Date);

      expect(await storage.resources.applyIfNewer({ ...payment, status: 'Refunded', timestamp: at(3001) })).toBe(true);
      expect((await storage.resources.get('payment', 'pay-1'))?.status).toBe('Refunded');
      expect((await storage.resources.get('payment', 'pay-1'))?.data).toBeUndefined();
    });

    it('ends at the newest state whatever order two replicas apply a burst in', async () => {
      const replicaA = await harness().open();
      const replicaB = await harness().open();
      const events = Array.from({ length: 20 }, (_, index) => ({
        ...payment,
        status: `status-${index}`,
        timestamp: at(index * 1000),
      }));

      const applied = await Promise.all(
        shuffled(events).map((event, index) => (index % 2 === 0 ? replicaA : replicaB).resources.applyIfNewer(event)),
      );

      expect(applied).toContain(true);
      const stored = await replicaA.resources.get('payment', 'pay-1');
      expect(stored?.status).toBe('status-19');
      expect(stored?.timestamp).toEqual(at(19_000));
    });

    it('keeps resources of different types and ids apart', async () => {
      const storage = await harness().open();
      await storage.resources.applyIfNewer({
        resourceType: 'payment',
        resourceId: 'x',
        status: 'A',
        timestamp: at(5000),
      });
      expect(
        await storage.resources.applyIfNewer({
          resourceType: 'refund',
          resourceId: 'x',
          status: 'B',
          timestamp: at(1000),
        }),
      ).toBe(true);
      expect(
        await storage.resources.applyIfNewer({
          resourceType: 'payment',
          resourceId: 'y',
          status: 'C',
          timestamp: at(1000),
        }),
      ).toBe(true);
      expect(await storage.resources.get('payment', 'unknown')).toBeUndefined();
      expect((await storage.resources.get('refund', 'x'))?.status).toBe('B');
    });
  });
}
