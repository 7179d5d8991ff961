import { mkdir } from 'node:fs/promises';
import { storageFolder } from '@connectpay-kit/service-kit';
import { openStorage, type TokenStore } from '@connectpay-kit/storage';

/** The part of packages/storage the gateway uses: the OAuth token store, a health ping, close. */
export interface GatewayStorage {
  /** Passed to transport as its OAuth token persistence as is: storage's TokenStore is that contract. */
  readonly tokens: TokenStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens (and migrates) the storage at `location`, creating the SQLite file's folder first. */
export async function openGatewayStorage(location: string): Promise<GatewayStorage> {
  const folder = storageFolder(location);
  if (folder !== undefined) await mkdir(folder, { recursive: true });
  const storage = await openStorage(location);
  return {
    tokens: storage.tokens,
    ping: () => storage.ping(),
    close: () => storage.close(),
  };
}
