// Owns the Postgres schema of the runs store, as numbered migrations. It mirrors the SQLite store's tables (one row
// per object, its JSON in one column, list order by a monotonic insertion `seq`, objects scoped by their parent id)
// and adds what several instances sharing one database need: the one-active-run-per-thread index, run leases, and
// the events table that carries a run's stream between instances.

/** A schema change: applied once, in order, inside the migration transaction. */
export interface Migration {
  /** Its number; versions are applied in ascending order and recorded in `schema_migrations`. */
  readonly version: number
  /** What it does, recorded next to the version. */
  readonly name: string
  /** Its statements, one SQL statement each. */
  readonly statements: readonly string[]
}

/** The statuses in which a run holds its thread: a second run may not start on it (the API's "active run"). */
export const activeRunStatuses = ['queued', 'in_progress', 'requires_action', 'cancelling'] as const

/** The statuses a run ends in; its events are kept for a while after, then deleted (see events.ts). */
export const terminalRunStatuses = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'] as const

/** The name of the partial unique index that allows one active run per thread. */
export const activeRunIndex = 'runs_one_active_per_thread'

const active = activeRunStatuses.map((status) => `'${status}'`).join(', ')

/** Every migration of the store, oldest first. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'assistants, threads, messages, runs, run steps, run events',
    statements: [
      `CREATE TABLE assistants (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        created_at bigint NOT NULL,
        body jsonb NOT NULL
      )`,
      `CREATE TABLE threads (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        created_at bigint NOT NULL,
        body jsonb NOT NULL
      )`,
      `CREATE TABLE messages (
        seq bigserial PRIMARY KEY,
        thread_id text NOT NULL,
        id text NOT NULL,
        run_id text,
        created_at bigint NOT NULL,
        body jsonb NOT NULL,
        UNIQUE (thread_id, id)
      )`,
      // `owner` + `lease_expires_at` (ms since the epoch): which instance runs the model call and until when it
      // has promised to heartbeat. `ended_at` (ms): when the run reached a terminal status (events retention).
      // `event_seq`: the last seq of its events; bumping it locks the row, so a run's events commit in seq order.
      `CREATE TABLE runs (
        seq bigserial PRIMARY KEY,
        thread_id text NOT NULL,
        id text NOT NULL UNIQUE,
        status text NOT NULL,
        created_at bigint NOT NULL,
        owner text,
        lease_expires_at bigint,
        ended_at bigint,
        event_seq bigint NOT NULL DEFAULT 0,
        body jsonb NOT NULL,
        UNIQUE (thread_id, id)
      )`,
      `CREATE UNIQUE INDEX ${activeRunIndex} ON runs (thread_id) WHERE status IN (${active})`,
      'CREATE INDEX runs_leases ON runs (lease_expires_at) WHERE owner IS NOT NULL',
      'CREATE INDEX runs_ended ON runs (ended_at) WHERE ended_at IS NOT NULL',
      `CREATE TABLE run_steps (
        seq bigserial PRIMARY KEY,
        run_id text NOT NULL,
        id text NOT NULL,
        thread_id text,
        created_at bigint NOT NULL,
        body jsonb NOT NULL,
        UNIQUE (run_id, id)
      )`,
      // A run's stream, event by event; deleted with the run, or by retention once the run has ended.
      `CREATE TABLE run_events (
        run_id text NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        event text NOT NULL,
        data text NOT NULL,
        created_at bigint NOT NULL,
        PRIMARY KEY (run_id, seq)
      )`,
    ],
  },
]

/** The newest schema version this package knows. */
export const latestSchemaVersion = migrations.at(-1)?.version ?? 0
