import { mkdir } from 'node:fs/promises';
import { storageFolder } from '@connectpay-kit/service-kit';
import { openStorage } from '@connectpay-kit/storage';
import type { TokenPersistence } from '@connectpay-kit/transport';

/** The part of packages/storage the gateway uses: the OAuth token store, a health ping, close. */
export interface GatewayStorage {
  readonly tokens: TokenPersistence;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) the storage at `location`, creating the SQLite file's folder first. */
export async function openGatewayStorage(location: string): Promise<GatewayStorage> {
  const folder = storageFolder(location);
  if (folder !== undefined) await mkdir(folder, { recursive: true });
  const storage = await openStorage(location);
  return {
    // Only get and put: storage's delete answers Promise<boolean> where transport's optional
    // TokenPersistence.delete declares Promise<void>, and the token manager never deletes.
    tokens: {
      get: (key) => storage.tokens.get(key),
      put: (key, value, options) => storage.tokens.put(key, value, options),
    },
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}
