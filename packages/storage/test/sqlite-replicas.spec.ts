import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openStorage } from '../src/index.js';
import { buildForChildProcess } from './support/child-build.js';
import { tempDir } from './support/sqlite-harness.js';

interface Replica {
  readonly process: ChildProcessWithoutNullStreams;
  readonly ready: Promise<void>;
  readonly claimed: Promise<string[]>;
}

function startReplica(script: string, database: string, worker: string): Replica {
  const child = spawn(process.execPath, [script, database, worker]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const claimed = (async () => {
    const ids: string[] = [];
    let finished = false;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'ready') markReady();
      else if (line === 'done') finished = true;
      else ids.push(line);
    }
    if (!finished) throw new Error(`replica ${worker} did not finish: ${stderr}`);
    return ids;
  })();
  return { process: child, ready, claimed };
}

describe('SQLite shared by several processes', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('replicas');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('never gives one event to two processes claiming at the same time', async () => {
    const script = await buildForChildProcess(join(dir, 'build'), 'test/fixtures/claim-worker.ts');
    const database = join(dir, 'inbox.sqlite');
    const storage = await openStorage(database);
    const ids = (
      await Promise.all(
        Array.from({ length: 300 }, (_, index) =>
          storage.inbox.append({
            deliveryKey: `evt-${index}`,
            receivedAt: new Date(0),
            headers: {},
            body: `{"n":${index}}`,
          }),
        ),
      )
    ).map((result) => result.id);
    await storage.close();

    const replicas = ['replica-a', 'replica-b', 'replica-c'].map((worker) => startReplica(script, database, worker));
    await Promise.all(replicas.map((replica) => replica.ready));
    for (const replica of replicas) replica.process.stdin.end('go\n');
    const claimedPerReplica = await Promise.all(replicas.map((replica) => replica.claimed));

    const all = claimedPerReplica.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all)).toEqual(new Set(ids));
    const reopened = await openStorage(database);
    try {
      expect(await reopened.inbox.stats()).toMatchObject({ pending: 0, processing: 300 });
    } finally {
      await reopened.close();
    }
  }, 30_000);
});
