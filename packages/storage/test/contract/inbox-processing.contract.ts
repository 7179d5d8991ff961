import type { Storage } from '../../src/index.js';
import type { HarnessFactory } from '../support/harness.js';
import { at, delivery, rejection, useHarness } from './helpers.js';

async function appendMany(storage: Storage, count: number, prefix = 'evt'): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      storage.inbox.append(delivery(`${prefix}-${index}`, { receivedAt: at(index) })),
    ),
  );
  return results.map((result) => result.id);
}

export function inboxProcessingContract(factory: HarnessFactory): void {
  describe('Inbox processing', () => {
    const harness = useHarness(factory);

    it('claims due events oldest first and leases them to the worker', async () => {
      const storage = await harness().open();
      const ids = await appendMany(storage, 5);

      expect(await storage.inbox.claim({ worker: 'w1', limit: 10, leaseMs: 30_000, now: at(-1) })).toEqual([]);

      const claimed = await storage.inbox.claim({ worker: 'w1', limit: 3, leaseMs: 30_000, now: at(10_000) });
      expect(claimed.map((event) => event.id)).toEqual(ids.slice(0, 3));
      for (const event of claimed) {
        expect(event).toMatchObject({
          state: 'processing',
          leaseOwner: 'w1',
          leaseExpiresAt: at(40_000),
          claims: 1,
          attempts: 0,
        });
      }
      const rest = await storage.inbox.claim({ worker: 'w2', limit: 10, leaseMs: 30_000, now: at(10_000) });
      expect(rest.map((event) => event.id)).toEqual(ids.slice(3));
      expect(await storage.inbox.claim({ worker: 'w3', limit: 10, leaseMs: 30_000, now: at(10_000) })).toEqual([]);
    });

    it('never gives one event to two of many concurrent claimers on two replicas', async () => {
      const replicaA = await harness().open();
      const replicaB = await harness().open();
      const ids = await appendMany(replicaA, 60);
      const seen: string[] = [];

      const claimer = async (storage: Storage, worker: string): Promise<void> => {
        for (;;) {
          const batch = await storage.inbox.claim({ worker, limit: 4, leaseMs: 60_000, now: at(100_000) });
          if (batch.length === 0) return;
          for (const event of batch) {
            expect(event.leaseOwner).toBe(worker);
            seen.push(event.id);
          }
        }
      };
      await Promise.all(
        Array.from({ length: 12 }, (_, index) => claimer(index % 2 === 0 ? replicaA : replicaB, `worker-${index}`)),
      );

      expect(seen).toHaveLength(60);
      expect(new Set(seen)).toEqual(new Set(ids));
    });

    it('hands an event to another worker once its lease expired, and refuses the first worker afterwards', async () => {
      const storage = await harness().open();
      const [id] = await appendMany(storage, 1);

      await storage.inbox.claim({ worker: 'crashed', limit: 1, leaseMs: 1000, now: at(0) });
      expect(await storage.inbox.claim({ worker: 'rescuer', limit: 1, leaseMs: 1000, now: at(999) })).toEqual([]);

      const [reclaimed] = await storage.inbox.claim({ worker: 'rescuer', limit: 1, leaseMs: 1000, now: at(1000) });
      expect(reclaimed).toMatchObject({ id, leaseOwner: 'rescuer', claims: 2 });

      const conflict = await rejection(storage.inbox.complete(id as string, 'crashed'), 'STORAGE_CONFLICT');
      expect(conflict.message).toContain('rescuer');
      await storage.inbox.complete(id as string, 'rescuer');
      expect(await storage.inbox.get(id as string)).toMatchObject({ state: 'done', leaseOwner: undefined });
      expect((await storage.inbox.get(id as string))?.completedAt).toBeInstanceOf(Date);
      await rejection(storage.inbox.complete(id as string, 'rescuer'), 'STORAGE_CONFLICT');
    });

    it('merges expired leases and pending events into one oldest-first claim, up to the limit', async () => {
      const storage = await harness().open();
      const ids = await appendMany(storage, 6);
      // A worker leased the first four and died: two it had failed back to pending, the leases of
      // the other two ran out at 1010.
      await storage.inbox.claim({ worker: 'crashed', limit: 4, leaseMs: 1000, now: at(10) });
      await storage.inbox.fail(ids[0] as string, 'crashed', { error: 'boom', retryAt: at(0) });
      await storage.inbox.fail(ids[2] as string, 'crashed', { error: 'boom', retryAt: at(2) });

      const claimed = await storage.inbox.claim({ worker: 'rescuer', limit: 4, leaseMs: 1000, now: at(1010) });
      expect(claimed.map((event) => event.id)).toEqual(ids.slice(0, 4));
      expect(claimed.map((event) => event.claims)).toEqual([2, 2, 2, 2]);

      const rest = await storage.inbox.claim({ worker: 'rescuer', limit: 4, leaseMs: 1000, now: at(1010) });
      expect(rest.map((event) => event.id)).toEqual(ids.slice(4));
    });
    it('retries a failed event when due, dead-letters it, and replays it on request', async () => {
      const storage = await harness().open();
      const [id] = (await appendMany(storage, 1)) as [string];

      await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000, now: at(0) });
      await storage.inbox.fail(id, 'w', { error: 'provider answered 502', retryAt: at(5000) });
      expect(await storage.inbox.get(id)).toMatchObject({
        state: 'pending',
        attempts: 1,
        lastError: 'provider answered 502',
        availableAt: at(5000),
      });
      expect(await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000, now: at(4999) })).toEqual([]);

      const [retry] = await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000, now: at(5000) });
      expect(retry).toMatchObject({ id, attempts: 1, claims: 2 });
      await storage.inbox.fail(id, 'w', { error: 'still broken', deadLetter: true });
      expect(await storage.inbox.get(id)).toMatchObject({ state: 'dead', attempts: 2, lastError: 'still broken' });
      expect(await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000, now: at(999_999) })).toEqual([]);
      expect((await storage.inbox.deadLetters()).map((event) => event.id)).toEqual([id]);

      const replayed = await storage.inbox.replay(id, at(10_000));
      expect(replayed).toMatchObject({ id, state: 'pending', attempts: 0, availableAt: at(10_000) });
      expect(await storage.inbox.deadLetters()).toEqual([]);
      const [again] = await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000, now: at(10_000) });
      expect(again?.id).toBe(id);
      await rejection(storage.inbox.replay(id), 'STORAGE_CONFLICT');
    });

    it('pages through dead letters', async () => {
      const storage = await harness().open();
      const ids = await appendMany(storage, 5);
      await storage.inbox.claim({ worker: 'w', limit: 5, leaseMs: 1000, now: at(100) });
      for (const id of ids) await storage.inbox.fail(id, 'w', { error: 'bad payload', deadLetter: true });

      const first = await storage.inbox.deadLetters({ limit: 2 });
      const second = await storage.inbox.deadLetters({ limit: 10, afterId: first.at(-1)?.id as string });
      expect([...first, ...second].map((event) => event.id)).toEqual(ids);
    });

    it('reports unknown ids as not found', async () => {
      const storage = await harness().open();
      expect(await storage.inbox.get('999999')).toBeUndefined();
      expect(await storage.inbox.get('not-an-id')).toBeUndefined();
      await rejection(storage.inbox.complete('999999', 'w'), 'STORAGE_NOT_FOUND');
      await rejection(storage.inbox.fail('999999', 'w', { error: 'x', deadLetter: true }), 'STORAGE_NOT_FOUND');
      await rejection(storage.inbox.replay('999999'), 'STORAGE_NOT_FOUND');
      await rejection(storage.inbox.replay('abc'), 'STORAGE_NOT_FOUND');
    });

    it('counts events per state and the age of the oldest unfinished one', async () => {
      const storage = await harness().open();
      expect(await storage.inbox.stats(at(0))).toEqual({
        pending: 0,
        processing: 0,
        done: 0,
        dead: 0,
        oldestPendingAgeMs: 0,
      });
      const ids = (await appendMany(storage, 4)) as [string, string, string, string];

      await storage.inbox.claim({ worker: 'w', limit: 3, leaseMs: 60_000, now: at(100) });
      await storage.inbox.complete(ids[0], 'w');
      await storage.inbox.fail(ids[1], 'w', { error: 'x', deadLetter: true });

      expect(await storage.inbox.stats(at(60_000))).toEqual({
        pending: 1,
        processing: 1,
        done: 1,
        dead: 1,
        oldestPendingAgeMs: 60_000 - 2,
      });
    });

    it('purges done events completed before a cutoff, keeping everything else', async () => {
      const storage = await harness().open();
      const [done, pending] = (await appendMany(storage, 2)) as [string, string];
      await storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 60_000, now: at(100) });
      await storage.inbox.complete(done, 'w');

      expect(await storage.inbox.purgeDone({ before: new Date(Date.now() - 3_600_000) })).toBe(0);
      expect(await storage.inbox.purgeDone({ before: new Date(Date.now() + 1000) })).toBe(1);
      expect(await storage.inbox.get(done)).toBeUndefined();
      expect((await storage.inbox.get(pending))?.state).toBe('pending');
    });
  });
}
