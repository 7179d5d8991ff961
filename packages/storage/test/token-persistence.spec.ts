import { openStorage, type TokenStore } from '../src/index.js';

/**
 * packages/transport's TokenPersistence, copied (transport depends on storage, not the reverse):
 * if TokenStore stops satisfying it, `npm run typecheck` fails on the assignment below.
 */
interface TransportTokenPersistence {
  get(key: string): Promise<{ value: Uint8Array; version: number } | undefined>;
  put(key: string, value: Uint8Array, options: { expectedVersion: number }): Promise<number>;
  delete?(key: string): Promise<void>;
}

describe('TokenStore as transport token persistence', () => {
  it('works through the interface the OAuth token manager uses, conflicts included', async () => {
    const storage = await openStorage(':memory:');
    try {
      const tokens: TokenStore = storage.tokens;
      const persistence: TransportTokenPersistence = tokens;

      expect(await persistence.put('default', Buffer.from('sealed-1'), { expectedVersion: 0 })).toBe(1);
      // transport recognises a lost race by this exact code.
      await expect(persistence.put('default', Buffer.from('sealed-x'), { expectedVersion: 0 })).rejects.toMatchObject({
        code: 'STORAGE_CONFLICT',
      });
      expect((await persistence.get('default'))?.version).toBe(1);
      await persistence.delete?.('default');
      expect(await persistence.get('default')).toBeUndefined();
    } finally {
      await storage.close();
    }
  });
});
