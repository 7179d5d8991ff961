import type { HarnessFactory } from '../support/harness.js';
import { at, rejection, useHarness } from './helpers.js';

export function authStateStoreContract(factory: HarnessFactory): void {
  describe('AuthStateStore', () => {
    const harness = useHarness(factory);

    it('hands a state out once, with its nonce and data', async () => {
      const storage = await harness().open();
      await storage.authStates.create('state-1', {
        nonce: 'nonce-1',
        data: { scope: 'psd2-ais', returnTo: '/done' },
        createdAt: at(0),
        expiresAt: at(600_000),
      });

      const consumed = await storage.authStates.consume('state-1', at(1000));
      expect(consumed).toEqual({
        state: 'state-1',
        nonce: 'nonce-1',
        data: { scope: 'psd2-ais', returnTo: '/done' },
        createdAt: at(0),
        expiresAt: at(600_000),
      });
      expect(await storage.authStates.consume('state-1', at(2000))).toBeUndefined();
    });

    it('returns nothing for unknown and expired states, and an expired state stays unusable', async () => {
      const storage = await harness().open();
      await storage.authStates.create('state-2', { nonce: 'n', expiresAt: at(600_000) });

      expect(await storage.authStates.consume('never-issued', at(0))).toBeUndefined();
      expect(await storage.authStates.consume('state-2', at(600_000))).toBeUndefined();
      expect(await storage.authStates.consume('state-2', at(0))).toBeUndefined();
    });

    it('refuses to create the same state twice', async () => {
      const storage = await harness().open();
      await storage.authStates.create('state-3', { nonce: 'n1', expiresAt: at(600_000) });
      const error = await rejection(
        storage.authStates.create('state-3', { nonce: 'n2', expiresAt: at(600_000) }),
        'STORAGE_CONFLICT',
      );
      expect(error.message).not.toContain('state-3');
      expect((await storage.authStates.consume('state-3', at(0)))?.nonce).toBe('n1');
    });

    it('gives a state to exactly one of many concurrent callbacks on two replicas', async () => {
      const replicaA = await harness().open();
      const replicaB = await harness().open();
      await replicaA.authStates.create('state-4', { nonce: 'n', expiresAt: at(600_000) });

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? replicaA : replicaB).authStates.consume('state-4', at(1000)),
        ),
      );
      expect(results.filter((result) => result !== undefined)).toHaveLength(1);
    });

    it('purges only states that have expired', async () => {
      const storage = await harness().open();
      await storage.authStates.create('old-1', { nonce: 'n', expiresAt: at(1000) });
      await storage.authStates.create('old-2', { nonce: 'n', expiresAt: at(2000) });
      await storage.authStates.create('fresh', { nonce: 'n', expiresAt: at(600_000) });

      expect(await storage.authStates.purgeExpired(at(2000))).toBe(2);
      expect(await harness().count('auth_states')).toBe(1);
      expect((await storage.authStates.consume('fresh', at(2000)))?.nonce).toBe('n');
    });
  });
}
