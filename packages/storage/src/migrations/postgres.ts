import { defineMigrations } from './migration.js';

// Unqualified names: the tables land in the first schema of the connection's search_path.
export const POSTGRES_MIGRATIONS = defineMigrations('PostgreSQL', [
  {
    version: 1,
    name: 'tokens, auth states, inbox, resource states',
    sql: `
      CREATE TABLE oauth_tokens (
        key TEXT PRIMARY KEY,
        value BYTEA NOT NULL,
        version BIGINT NOT NULL CHECK (version > 0),
        updated_at TIMESTAMPTZ NOT NULL
      );

      CREATE TABLE auth_states (
        state TEXT PRIMARY KEY,
        nonce TEXT NOT NULL,
        data JSONB,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX auth_states_expires_at ON auth_states (expires_at);

      CREATE TABLE inbox_events (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_key TEXT NOT NULL UNIQUE,
        received_at TIMESTAMPTZ NOT NULL,
        headers JSONB NOT NULL,
        body BYTEA NOT NULL,
        event_type TEXT,
        resource_id TEXT,
        event_timestamp TIMESTAMPTZ,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'processing', 'done', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        claims INTEGER NOT NULL DEFAULT 0,
        available_at TIMESTAMPTZ NOT NULL,
        lease_owner TEXT,
        lease_expires_at TIMESTAMPTZ,
        last_error TEXT,
        completed_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ NOT NULL
      );
      CREATE INDEX inbox_events_due ON inbox_events (available_at, id) WHERE state = 'pending';
      CREATE INDEX inbox_events_leased ON inbox_events (lease_expires_at) WHERE state = 'processing';
      CREATE INDEX inbox_events_dead ON inbox_events (id) WHERE state = 'dead';
      CREATE INDEX inbox_events_done ON inbox_events (completed_at) WHERE state = 'done';

      CREATE TABLE resource_states (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        status TEXT NOT NULL,
        timestamp TIMESTAMPTZ NOT NULL,
        data JSONB,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (resource_type, resource_id)
      );
    `,
  },
]);
