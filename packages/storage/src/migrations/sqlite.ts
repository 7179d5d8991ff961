import { defineMigrations } from './migration.js';

// Times are INTEGER epoch milliseconds; STRICT tables make SQLite refuse values of the wrong type.
export const SQLITE_MIGRATIONS = defineMigrations('SQLite', [
  {
    version: 1,
    name: 'tokens, auth states, inbox, resource states',
    sql: `
      CREATE TABLE oauth_tokens (
        key TEXT PRIMARY KEY,
        value BLOB NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE auth_states (
        state TEXT PRIMARY KEY,
        nonce TEXT NOT NULL,
        data TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX auth_states_expires_at ON auth_states (expires_at);

      CREATE TABLE inbox_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_key TEXT NOT NULL UNIQUE,
        received_at INTEGER NOT NULL,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,
        event_type TEXT,
        resource_id TEXT,
        event_timestamp INTEGER,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        claims INTEGER NOT NULL DEFAULT 0,
        available_at INTEGER NOT NULL,
        lease_owner TEXT,
        lease_expires_at INTEGER,
        last_error TEXT,
        completed_at INTEGER,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX inbox_events_due ON inbox_events (available_at, id) WHERE state = 'pending';
      CREATE INDEX inbox_events_leased ON inbox_events (lease_expires_at) WHERE state = 'processing';
      CREATE INDEX inbox_events_dead ON inbox_events (id) WHERE state = 'dead';
      CREATE INDEX inbox_events_done ON inbox_events (completed_at) WHERE state = 'done';

      CREATE TABLE resource_states (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        status TEXT NOT NULL,
        timestamp INTEGER NOT NULL,
        data TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (resource_type, resource_id)
      ) STRICT;
    `,
  },
]);
