import type { ResourceState, ResourceStateInput, ResourceStateStore } from '../types.js';
import { encodeJson, requireDate, requireText } from '../validation.js';
import type { SqliteConnection } from './connection.js';

interface ResourceRow {
  resource_type: string;
  resource_id: string;
  status: string;
  timestamp: number;
  data: string | null;
  updated_at: number;
}

export class SqliteResourceStateStore implements ResourceStateStore {
  constructor(private readonly connection: SqliteConnection) {}

  async applyIfNewer(input: ResourceStateInput): Promise<boolean> {
    const resourceType = requireText(input?.resourceType, 'resourceType', 256);
    const resourceId = requireText(input.resourceId, 'resourceId', 256);
    const status = requireText(input.status, 'status', 256);
    const timestamp = requireDate(input.timestamp, 'timestamp');
    const data = encodeJson(input.data, 'The resource data');
    return this.connection.run('apply a resource state', () => {
      // The comparison lives in the upsert itself, so no writer can slip in between check and write.
      const applied = this.connection
        .prepare(
          `INSERT INTO resource_states (resource_type, resource_id, status, timestamp, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (resource_type, resource_id) DO UPDATE
             SET status = excluded.status, timestamp = excluded.timestamp, data = excluded.data, updated_at = excluded.updated_at
             WHERE excluded.timestamp > resource_states.timestamp`,
        )
        .run(resourceType, resourceId, status, timestamp.getTime(), data, Date.now());
      return applied.changes > 0;
    });
  }

  async get(resourceType: string, resourceId: string): Promise<ResourceState | undefined> {
    requireText(resourceType, 'resourceType', 256);
    requireText(resourceId, 'resourceId', 256);
    return this.connection.run('read a resource state', () => {
      const row = this.connection
        .prepare(
          'SELECT resource_type, resource_id, status, timestamp, data, updated_at FROM resource_states WHERE resource_type = ? AND resource_id = ?',
        )
        .get(resourceType, resourceId) as ResourceRow | undefined;
      return (
        row && {
          resourceType: row.resource_type,
          resourceId: row.resource_id,
          status: row.status,
          timestamp: new Date(row.timestamp),
          data: row.data === null ? undefined : ((JSON.parse(row.data) as unknown) ?? undefined),
          updatedAt: new Date(row.updated_at),
        }
      );
    });
  }
}
