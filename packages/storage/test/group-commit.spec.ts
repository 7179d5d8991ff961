import { GroupCommitter } from '../src/group-commit.js';

// The committer is plain scheduling logic; these pin the behaviour the inbox relies on with a real
// in-memory "database": an array that only grows when a batch commits.
describe('GroupCommitter', () => {
  it('resolves each caller with its own result, in submission order within a batch', async () => {
    const committed: number[][] = [];
    const committer = new GroupCommitter<number, string>((batch) => {
      committed.push([...batch]);
      return batch.map((item) => `stored-${item}`);
    });

    const results = await Promise.all([1, 2, 3].map((item) => committer.submit(item)));

    expect(results).toEqual(['stored-1', 'stored-2', 'stored-3']);
    expect(committed).toEqual([[1, 2, 3]]);
  });

  it('collects items that arrive while a slow commit runs into the next batch', async () => {
    const committed: number[][] = [];
    let releaseFirst: () => void = () => undefined;
    const firstCommitDone = new Promise<void>((resolve) => (releaseFirst = resolve));
    const committer = new GroupCommitter<number, number>(async (batch) => {
      if (committed.length === 0) await firstCommitDone;
      committed.push([...batch]);
      return [...batch];
    });

    const first = committer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((item) => committer.submit(item));
    releaseFirst();
    await Promise.all([first, ...later]);

    expect(committed).toEqual([[1], [2, 3, 4]]);
    expect(committer.snapshot()).toEqual({ commits: 2, failedCommits: 0, deliveries: 4, largestBatch: 3 });
  });

  it('rejects every caller of a failed commit and carries on with the next batch', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>((batch) => {
      if (fail) throw new Error('disk full');
      return [...batch];
    });

    const outcomes = await Promise.allSettled([1, 2].map((item) => committer.submit(item)));
    fail = false;

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(await committer.submit(3)).toBe(3);
    expect(committer.snapshot()).toMatchObject({ commits: 1, failedCommits: 1, deliveries: 1 });
  });

  it('serves a caller that submits right after its previous item resolved', async () => {
    const committer = new GroupCommitter<number, number>((batch) => [...batch]);
    for (let item = 0; item < 5; item += 1) expect(await committer.submit(item)).toBe(item);
    expect(committer.snapshot().commits).toBe(5);
  });

  it('waits for a time window when asked to, to gather more per commit', async () => {
    const sizes: number[] = [];
    const committer = new GroupCommitter<number, number>(
      (batch) => {
        sizes.push(batch.length);
        return [...batch];
      },
      { windowMs: 250 },
    );
    const first = committer.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, committer.submit(2)]);
    expect(sizes).toEqual([2]);
  });

  it('settles everything already submitted on close, then refuses new items', async () => {
    const committer = new GroupCommitter<number, number>((batch) => [...batch]);
    const pending = [1, 2, 3].map((item) => committer.submit(item));
    await committer.close();
    await expect(Promise.all(pending)).resolves.toEqual([1, 2, 3]);
    await expect(committer.submit(4)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});
