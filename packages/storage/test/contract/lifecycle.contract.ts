import { StorageMigrationFailedError, StorageSchemaTooNewError } from '../../src/index.js';
import type { HarnessFactory } from '../support/harness.js';
import { delivery, rejection, useHarness } from './helpers.js';

export function lifecycleContract(factory: HarnessFactory): void {
  describe('opening, migrating and closing', () => {
    const harness = useHarness(factory);

    it('migrates once and keeps data when opened again', async () => {
      const first = await harness().open();
      expect(first.schemaVersion).toBeGreaterThanOrEqual(1);
      await first.tokens.put('default', Buffer.from('kept'), { expectedVersion: 0 });
      const migrations = await harness().count('schema_migrations');
      expect(migrations).toBe(first.schemaVersion);
      await first.close();

      const second = await harness().open();
      expect(second.schemaVersion).toBe(first.schemaVersion);
      expect(await harness().count('schema_migrations')).toBe(migrations);
      expect(Buffer.from((await second.tokens.get('default'))?.value ?? []).toString()).toBe('kept');
    });

    it('lets replicas that start together migrate a new database once', async () => {
      const replicas = await Promise.all([harness().open(), harness().open(), harness().open()]);
      const versions = new Set(replicas.map((replica) => replica.schemaVersion));
      expect(versions.size).toBe(1);
      expect(await harness().count('schema_migrations')).toBe(replicas[0]?.schemaVersion);
    });

    it('refuses a database migrated by a newer release', async () => {
      const current = await harness().open();
      await current.close();
      await harness().exec(
        harness().dialect === 'sqlite'
          ? `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)`
          : `INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`,
      );

      const error = await rejection(harness().open(), 'STORAGE_SCHEMA_TOO_NEW');
      expect(error).toBeInstanceOf(StorageSchemaTooNewError);
      expect(error.message).toContain('999');
      expect((error as StorageSchemaTooNewError).supportedVersion).toBe(current.schemaVersion);
    });

    it('rolls a failed migration back completely, so the next start succeeds once the cause is gone', async () => {
      await harness().exec('CREATE TABLE inbox_events (unrelated INTEGER)');

      const error = await rejection(harness().open(), 'STORAGE_MIGRATION_FAILED');
      expect(error).toBeInstanceOf(StorageMigrationFailedError);
      expect((error as StorageMigrationFailedError).version).toBe(1);
      expect(error.message).toContain('inbox_events');
      expect(await harness().count('schema_migrations')).toBe(0);

      await harness().exec('DROP TABLE inbox_events');
      const storage = await harness().open();
      expect((await storage.inbox.append(delivery('after-fix'))).duplicate).toBe(false);
    });

    it('answers health checks until closed, then reports itself unavailable', async () => {
      const storage = await harness().open();
      await expect(storage.ping()).resolves.toBeUndefined();
      await storage.close();
      await storage.close();

      await rejection(storage.ping(), 'STORAGE_UNAVAILABLE');
      await rejection(storage.tokens.get('default'), 'STORAGE_UNAVAILABLE');
      await rejection(storage.inbox.claim({ worker: 'w', limit: 1, leaseMs: 1000 }), 'STORAGE_UNAVAILABLE');
    });
  });
}
