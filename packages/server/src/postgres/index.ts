// What it is: the Postgres foundation of @oai-runs/server in one place — open a database for one instance (driver
// loaded lazily, schema migrated, a random instance id), and the parts to build the store on: data access, leases,
// event fan-out. Node only. `createPostgresStore` (postgres.ts) builds the server's store on it (docs/postgres.md).
import { randomUUID } from 'node:crypto'
import { connectPostgres, type PostgresConnectOptions, type PostgresSql } from './driver.ts'
import { createEventFeed, type EventFeed, type EventFeedOptions } from './events.ts'
import { createLeases, type LeaseOptions, type Leases } from './leases.ts'
import { type MigrationResult, migrate } from './migrate.ts'
import { createPostgresData, type PostgresData } from './store.ts'

export {
  connectPostgres,
  inTransaction,
  type PostgresConnectOptions,
  PostgresDriverUnavailableError,
  type PostgresSql,
  type Queryable,
} from './driver.ts'
export {
  appendEvents,
  createEventFeed,
  defaultEventRetentionMs,
  type EventFeed,
  type EventFeedOptions,
  type EventRetentionOptions,
  eventsChannel,
  type NewRunEvent,
  pruneEvents,
  type RunEvent,
  RunNotFoundError,
  readEvents,
  type SubscribeOptions,
  startEventRetention,
} from './events.ts'
export {
  type ClaimedRun,
  createLeases,
  LeaseLostError,
  type LeaseOptions,
  type Leases,
  lapsedLeaseError,
  leasedRunStatuses,
} from './leases.ts'
export { type MigrationResult, migrate, SchemaTooNewError } from './migrate.ts'
export {
  activeRunStatuses,
  latestSchemaVersion,
  type Migration,
  migrations,
  terminalRunStatuses,
} from './schema.ts'
export {
  ActiveRunConflictError,
  createPostgresData,
  type ListQuery,
  type PgCollection,
  type PgScopedCollection,
  type PostgresData,
  type PostgresDataOptions,
} from './store.ts'

/** Options of {@link openPostgres}. */
export interface OpenPostgresOptions {
  /** This instance's id, the owner of its leases. Unique per process. @defaultValue a random UUID */
  instanceId?: string
  /** Passed to the driver (pool size, timeouts …). */
  connection?: PostgresConnectOptions
  leases?: LeaseOptions
  events?: EventFeedOptions
  /** Clock (ms) of the data's `ended_at`. @defaultValue Date.now */
  now?: () => number
}

/** One instance's handle on the database. */
export interface PostgresInstance {
  /** This instance's id (lease owner). */
  readonly instanceId: string
  /** The connection pool. */
  readonly sql: PostgresSql
  /** What the migration at open did. */
  readonly migration: MigrationResult
  readonly data: PostgresData
  readonly leases: Leases
  readonly events: EventFeed
  /** Stops listening and closes the pool (waiting for running queries); a second call does nothing. */
  close(): Promise<void>
}

/**
 * Opens `url` for one instance: loads the driver, migrates the schema (safe when instances start together), and
 * returns the data, leases and event feed on one pool.
 * @throws PostgresDriverUnavailableError when the `postgres` driver is not installed (`npm i postgres`).
 * @throws SchemaTooNewError when a newer @oai-runs/server migrated the database.
 * @example
 * const db = await openPostgres(process.env.DATABASE_URL!)
 * await db.data.threads.put(thread)
 * await db.close()
 */
export async function openPostgres(
  url: string,
  options: OpenPostgresOptions = {},
): Promise<PostgresInstance> {
  const sql = await connectPostgres(url, options.connection)
  let migration: MigrationResult
  try {
    migration = await migrate(sql)
  } catch (error) {
    await sql.end()
    throw error
  }
  const events = createEventFeed(sql, options.events)
  let closing: Promise<void> | undefined
  return {
    instanceId: options.instanceId ?? randomUUID(),
    sql,
    migration,
    data: createPostgresData(sql, options.now ? { now: options.now } : {}),
    leases: createLeases(sql, options.leases),
    events,
    close: () => {
      closing ??= events.close().then(() => sql.end())
      return closing
    },
  }
}
