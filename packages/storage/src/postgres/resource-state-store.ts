import type { ResourceState, ResourceStateInput, ResourceStateStore } from '../types.js';
import { encodeJson, requireDate, requireText } from '../validation.js';
import type { PostgresConnection } from './connection.js';

interface ResourceRow {
  resource_type: string;
  resource_id: string;
  status: string;
  timestamp: Date;
  data: unknown;
  updated_at: Date;
}

export class PostgresResourceStateStore implements ResourceStateStore {
  constructor(private readonly connection: PostgresConnection) {}

  async applyIfNewer(input: ResourceStateInput): Promise<boolean> {
    const resourceType = requireText(input?.resourceType, 'resourceType', 256);
    const resourceId = requireText(input.resourceId, 'resourceId', 256);
    const status = requireText(input.status, 'status', 256);
    const timestamp = requireDate(input.timestamp, 'timestamp');
    const data = encodeJson(input.data, 'The resource data');
    // The comparison lives in the upsert: a concurrent writer's row is locked and re-checked, so an
    // older timestamp can never overwrite a newer one, whatever the interleaving.
    const rows = await this.connection.query(
      'apply a resource state',
      `INSERT INTO resource_states (resource_type, resource_id, status, timestamp, data, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (resource_type, resource_id) DO UPDATE
         SET status = excluded.status, timestamp = excluded.timestamp, data = excluded.data, updated_at = excluded.updated_at
         WHERE excluded.timestamp > resource_states.timestamp
       RETURNING resource_id`,
      [resourceType, resourceId, status, timestamp, data],
    );
    return rows.length > 0;
  }

  async get(resourceType: string, resourceId: string): Promise<ResourceState | undefined> {
    requireText(resourceType, 'resourceType', 256);
    requireText(resourceId, 'resourceId', 256);
    const [row] = await this.connection.query<ResourceRow>(
      'read a resource state',
      'SELECT resource_type, resource_id, status, timestamp, data, updated_at FROM resource_states WHERE resource_type = $1 AND resource_id = $2',
      [resourceType, resourceId],
    );
    return (
      row && {
        resourceType: row.resource_type,
        resourceId: row.resource_id,
        status: row.status,
        timestamp: row.timestamp,
        data: row.data ?? undefined,
        updatedAt: row.updated_at,
      }
    );
  }
}
