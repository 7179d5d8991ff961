import { mkdir } from 'node:fs/promises';
import { storageFolder } from '@connectpay-kit/service-kit';
import { openStorage, type Storage } from '@connectpay-kit/storage';
import type { WebhookSettings } from '../bootstrap/settings.js';

/** The inbox's storage, and the one the OAuth token pair goes to (the same one when they coincide). */
export interface WebhookStorage {
  readonly main: Storage;
  readonly tokens: Storage;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the inbox storage and, when it lives elsewhere, the token storage. SQLite
 * folders are created first. Group commit keeps its default (the next event-loop turn): under load
 * that already batches hundreds of deliveries per fsync, and an idle receiver adds no delay.
 */
export async function openWebhookStorage(settings: WebhookSettings): Promise<WebhookStorage> {
  const main = await open(settings.storageLocation, settings, settings.storageSchema);
  // A schema isolates this receiver's tables; the gateway reads tokens outside it, so open those apart.
  if (settings.tokenStorageLocation === settings.storageLocation && settings.storageSchema === undefined) {
    return { main, tokens: main, close: () => main.close() };
  }
  let tokens: Storage;
  try {
    tokens = await open(settings.tokenStorageLocation, settings, undefined);
  } catch (error) {
    await main.close().catch(() => undefined);
    throw error;
  }
  return {
    main,
    tokens,
    close: async () => {
      await Promise.allSettled([main.close(), tokens.close()]);
    },
  };
}

async function open(location: string, settings: WebhookSettings, schema: string | undefined): Promise<Storage> {
  const folder = storageFolder(location);
  if (folder !== undefined) await mkdir(folder, { recursive: true });
  return openStorage(location, {
    lockTimeoutMs: settings.storageLockTimeoutMs,
    ...(schema !== undefined ? { schema } : {}),
  });
}
