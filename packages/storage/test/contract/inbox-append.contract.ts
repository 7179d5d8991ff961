import type { HarnessFactory } from '../support/harness.js';
import { at, delivery, rejection, T0, useHarness } from './helpers.js';

export function inboxAppendContract(factory: HarnessFactory): void {
  describe('Inbox.append', () => {
    const harness = useHarness(factory);

    it('stores the raw body, headers and event metadata', async () => {
      const storage = await harness().open();
      const body = new Uint8Array([0x7b, 0x00, 0xff, 0x7d]);
      const { id, duplicate } = await storage.inbox.append(
        delivery('evt-1', {
          body,
          headers: { 'x-connectpay-timestamp': '2026-03-01T10:00:00Z' },
          eventType: 'OutgoingPayment.Created',
          resourceId: 'pay-1',
          eventTimestamp: at(-500),
        }),
      );
      expect(duplicate).toBe(false);

      const event = await storage.inbox.get(id);
      expect(event).toMatchObject({
        id,
        deliveryKey: 'evt-1',
        receivedAt: T0,
        headers: { 'x-connectpay-timestamp': '2026-03-01T10:00:00Z' },
        eventType: 'OutgoingPayment.Created',
        resourceId: 'pay-1',
        eventTimestamp: at(-500),
        state: 'pending',
        attempts: 0,
        claims: 0,
        availableAt: T0,
        leaseOwner: undefined,
        lastError: undefined,
      });
      expect(Buffer.from(event?.body ?? []).equals(Buffer.from(body))).toBe(true);
    });

    it('stores a string body as its UTF-8 bytes and leaves absent metadata undefined', async () => {
      const storage = await harness().open();
      const { id } = await storage.inbox.append(delivery('evt-2', { body: '{"name":"Žydrūnas €"}' }));
      const event = await storage.inbox.get(id);
      expect(Buffer.from(event?.body ?? []).toString('utf8')).toBe('{"name":"Žydrūnas €"}');
      expect(event?.eventType).toBeUndefined();
      expect(event?.resourceId).toBeUndefined();
      expect(event?.eventTimestamp).toBeUndefined();
    });

    it('acknowledges a redelivery without storing it twice', async () => {
      const storage = await harness().open();
      const first = await storage.inbox.append(delivery('evt-3'));
      const again = await storage.inbox.append(delivery('evt-3', { receivedAt: at(5000), body: 'a different body' }));

      expect(again).toEqual({ id: first.id, duplicate: true });
      expect(await harness().count('inbox_events')).toBe(1);
      expect(Buffer.from((await storage.inbox.get(first.id))?.body ?? []).toString()).toContain('evt-3');
    });

    it('stores a delivery straight into the dead letters, in the same batch as ordinary ones', async () => {
      const storage = await harness().open();
      const [dead, live] = await Promise.all([
        storage.inbox.append(
          delivery('bad-1', { body: 'not json at all', deadLetterReason: 'WEBHOOK_INVALID_JSON: not JSON' }),
        ),
        storage.inbox.append(delivery('good-1')),
      ]);
      expect(storage.inbox.commitStats()).toMatchObject({ commits: 1, deliveries: 2 });

      expect(await storage.inbox.get(dead.id)).toMatchObject({
        state: 'dead',
        lastError: 'WEBHOOK_INVALID_JSON: not JSON',
        attempts: 0,
        claims: 0,
      });
      expect((await storage.inbox.deadLetters()).map((event) => event.id)).toEqual([dead.id]);
      expect(await storage.inbox.stats(T0)).toMatchObject({ pending: 1, dead: 1 });
      // Never handed to a worker, until an operator replays it.
      const claimed = await storage.inbox.claim({ worker: 'w1', limit: 10, leaseMs: 60_000, now: at(1000) });
      expect(claimed.map((event) => event.id)).toEqual([live.id]);
      await storage.inbox.replay(dead.id, at(2000));
      const replayed = await storage.inbox.claim({ worker: 'w1', limit: 10, leaseMs: 60_000, now: at(3000) });
      expect(replayed.map((event) => event.id)).toEqual([dead.id]);
    });

    it('treats a dead-on-arrival redelivery as a duplicate, and refuses an empty reason', async () => {
      const storage = await harness().open();
      const first = await storage.inbox.append(delivery('bad-2', { deadLetterReason: 'not an event' }));
      const again = await storage.inbox.append(delivery('bad-2', { deadLetterReason: 'not an event' }));
      expect(again).toEqual({ id: first.id, duplicate: true });
      expect(await harness().count('inbox_events')).toBe(1);
      await rejection(storage.inbox.append(delivery('bad-3', { deadLetterReason: ' ' })), 'STORAGE_INVALID_INPUT');
    });

    it('commits 50 concurrent appends in one transaction', async () => {
      const storage = await harness().open();
      const before = storage.inbox.commitStats();

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => storage.inbox.append(delivery(`burst-${index}`))),
      );

      const after = storage.inbox.commitStats();
      expect(after.commits - before.commits).toBe(1);
      expect(after.deliveries - before.deliveries).toBe(50);
      expect(after.largestBatch).toBe(50);
      expect(new Set(results.map((result) => result.id)).size).toBe(50);
      expect(results.every((result) => !result.duplicate)).toBe(true);
      expect(await harness().count('inbox_events')).toBe(50);
    });

    it('splits a burst larger than maxBatch into several commits', async () => {
      const storage = await harness().open({ groupCommit: { maxBatch: 8 } });
      await Promise.all(Array.from({ length: 20 }, (_, index) => storage.inbox.append(delivery(`split-${index}`))));
      expect(storage.inbox.commitStats()).toMatchObject({ commits: 3, deliveries: 20, largestBatch: 8 });
      expect(await harness().count('inbox_events')).toBe(20);
    });

    it('stores a key once when redeliveries arrive in the same batch', async () => {
      const storage = await harness().open();
      const results = await Promise.all([
        storage.inbox.append(delivery('same')),
        storage.inbox.append(delivery('other')),
        storage.inbox.append(delivery('same')),
        storage.inbox.append(delivery('same')),
      ]);
      expect(storage.inbox.commitStats().commits).toBe(1);
      const same = results.filter((_, index) => index !== 1);
      expect(new Set(same.map((result) => result.id)).size).toBe(1);
      expect(same.map((result) => result.duplicate)).toEqual([false, true, true]);
      expect(await harness().count('inbox_events')).toBe(2);
    });

    it('stores a key once when two replicas receive it at the same time', async () => {
      const replicaA = await harness().open();
      const replicaB = await harness().open();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? replicaA : replicaB).inbox.append(delivery('raced')),
        ),
      );
      expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
      expect(new Set(results.map((result) => result.id)).size).toBe(1);
      expect(await harness().count('inbox_events')).toBe(1);
    });

    it('rejects an invalid delivery on its own without failing the batch it would have joined', async () => {
      const storage = await harness().open();
      const [bad, nul, good] = await Promise.allSettled([
        storage.inbox.append(delivery('')),
        storage.inbox.append(delivery('with-nul', { headers: { 'x-bad': 'a\u0000b' } })),
        storage.inbox.append(delivery('fine')),
      ]);
      expect(bad.status === 'rejected' && (bad.reason as { code?: string }).code).toBe('STORAGE_INVALID_INPUT');
      expect(nul.status === 'rejected' && (nul.reason as { code?: string }).code).toBe('STORAGE_INVALID_INPUT');
      expect(good.status).toBe('fulfilled');
      expect(await harness().count('inbox_events')).toBe(1);
    });

    it('rejects every caller of a commit that failed, and stores none of them', async () => {
      const storage = await harness().open({ lockTimeoutMs: 100 });
      const release = await harness().holdInboxWriteLock();
      let outcomes: PromiseSettledResult<unknown>[];
      try {
        outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, index) => storage.inbox.append(delivery(`blocked-${index}`))),
        );
      } finally {
        await release();
      }

      expect(
        outcomes.every(
          (outcome) =>
            outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'STORAGE_UNAVAILABLE',
        ),
      ).toBe(true);
      expect(storage.inbox.commitStats()).toMatchObject({ commits: 0, failedCommits: 1 });
      expect(await harness().count('inbox_events')).toBe(0);

      const retried = await storage.inbox.append(delivery('blocked-0'));
      expect(retried.duplicate).toBe(false);
    });

    it('commits what it already accepted when closed, then refuses more', async () => {
      const storage = await harness().open();
      const pending = Array.from({ length: 5 }, (_, index) => storage.inbox.append(delivery(`closing-${index}`)));
      await storage.close();

      const results = await Promise.all(pending);
      await rejection(storage.inbox.append(delivery('too-late')), 'STORAGE_UNAVAILABLE');

      const reopened = await harness().open();
      for (const { id } of results) expect((await reopened.inbox.get(id))?.state).toBe('pending');
      expect(await harness().count('inbox_events')).toBe(5);
    });
  });
}
