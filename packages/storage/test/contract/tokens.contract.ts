import type { HarnessFactory } from '../support/harness.js';
import { rejection, useHarness } from './helpers.js';

export function tokenStoreContract(factory: HarnessFactory): void {
  describe('TokenStore', () => {
    const harness = useHarness(factory);

    it('stores the ciphertext byte for byte and starts at version 1', async () => {
      const storage = await harness().open();
      const value = new Uint8Array([0, 1, 2, 255, 0, 128, 7]);
      expect(await storage.tokens.get('default')).toBeUndefined();

      expect(await storage.tokens.put('default', value, { expectedVersion: 0 })).toBe(1);

      const stored = await storage.tokens.get('default');
      expect(Buffer.from(stored?.value ?? []).equals(Buffer.from(value))).toBe(true);
      expect(stored?.version).toBe(1);
      expect(stored?.updatedAt).toBeInstanceOf(Date);
    });

    it('refuses to create a token that exists, and to update from a stale version', async () => {
      const storage = await harness().open();
      await storage.tokens.put('default', Buffer.from('first'), { expectedVersion: 0 });

      await rejection(storage.tokens.put('default', Buffer.from('again'), { expectedVersion: 0 }), 'STORAGE_CONFLICT');
      expect(await storage.tokens.put('default', Buffer.from('second'), { expectedVersion: 1 })).toBe(2);
      const stale = await rejection(
        storage.tokens.put('default', Buffer.from('stale'), { expectedVersion: 1 }),
        'STORAGE_CONFLICT',
      );
      expect(stale.message).toContain('version 2');

      const stored = await storage.tokens.get('default');
      expect(Buffer.from(stored?.value ?? []).toString()).toBe('second');
      expect(stored?.version).toBe(2);
    });

    it('lets exactly one of many concurrent rotations from two replicas win', async () => {
      const replicaA = await harness().open();
      const replicaB = await harness().open();
      await replicaA.tokens.put('default', Buffer.from('v1'), { expectedVersion: 0 });

      const attempts = Array.from({ length: 12 }, (_, index) =>
        (index % 2 === 0 ? replicaA : replicaB).tokens.put('default', Buffer.from(`rotation-${index}`), {
          expectedVersion: 1,
        }),
      );
      const outcomes = await Promise.allSettled(attempts);

      const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect((outcome.reason as { code?: string }).code).toBe('STORAGE_CONFLICT');
      }
      const stored = await replicaB.tokens.get('default');
      expect(stored?.version).toBe(2);
      expect(Buffer.from(stored?.value ?? []).toString()).toBe(`rotation-${winners[0]}`);
    });

    it('deletes, optionally only the version the caller read', async () => {
      const storage = await harness().open();
      await storage.tokens.put('default', Buffer.from('v1'), { expectedVersion: 0 });
      await storage.tokens.put('default', Buffer.from('v2'), { expectedVersion: 1 });

      await rejection(storage.tokens.delete('default', { expectedVersion: 1 }), 'STORAGE_CONFLICT');
      await storage.tokens.delete('default', { expectedVersion: 2 });
      expect(await storage.tokens.get('default')).toBeUndefined();
      await storage.tokens.delete('default');
      await rejection(storage.tokens.delete('default', { expectedVersion: 2 }), 'STORAGE_CONFLICT');
      expect(await storage.tokens.put('default', Buffer.from('fresh'), { expectedVersion: 0 })).toBe(1);
    });

    it('keeps separate keys apart', async () => {
      const storage = await harness().open();
      await storage.tokens.put('person-a', Buffer.from('a'), { expectedVersion: 0 });
      await storage.tokens.put('person-b', Buffer.from('b'), { expectedVersion: 0 });
      expect(Buffer.from((await storage.tokens.get('person-a'))?.value ?? []).toString()).toBe('a');
      expect(Buffer.from((await storage.tokens.get('person-b'))?.value ?? []).toString()).toBe('b');
    });

    it('rejects versions that cannot be right', async () => {
      const storage = await harness().open();
      await rejection(
        storage.tokens.put('default', Buffer.from('x'), { expectedVersion: -1 }),
        'STORAGE_INVALID_INPUT',
      );
      await rejection(
        storage.tokens.put('default', Buffer.from('x'), { expectedVersion: 1.5 }),
        'STORAGE_INVALID_INPUT',
      );
      await rejection(storage.tokens.put('', Buffer.from('x'), { expectedVersion: 0 }), 'STORAGE_INVALID_INPUT');
      expect(await storage.tokens.get('default')).toBeUndefined();
    });
  });
}
