// The Postgres store, for several server instances on one database: shared objects, one active run per thread
// enforced by the database, leases that fail the runs of a dead instance, and streams written behind the engine.
// Node only, with the optional peer dependency `postgres`: import it from `@oai-runs/server/postgres`.
import { type CoordinatorOptions, createCoordinator } from './postgres/coordinator.ts'
import { defaultEventRetentionMs, startEventRetention } from './postgres/events.ts'
import { type OpenPostgresOptions, openPostgres, type PostgresInstance } from './postgres/index.ts'
import type { SharedRunsStore } from './run-service.ts'

export { ActiveRunConflictError } from './data.ts'
export type { CoordinatorOptions } from './postgres/coordinator.ts'
export { PostgresDriverUnavailableError } from './postgres/driver.ts'
export type { PostgresInstance } from './postgres/index.ts'
export { LeaseLostError, lapsedLeaseError } from './postgres/leases.ts'
export { SchemaTooNewError } from './postgres/migrate.ts'

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions extends CoordinatorOptions {
  /** This instance's id, the owner of its leases; unique per process. @defaultValue a random UUID */
  instanceId?: string
  /**
   * How long a run's lease lasts without a heartbeat (ms). A run whose instance stopped heartbeating is failed by
   * another instance about this long after. @defaultValue 30000
   */
  leaseTtlMs?: number
  /** How long an ended run's stored events are kept (ms). @defaultValue 600000 (10 minutes) */
  eventRetentionMs?: number
  /** Passed to the `postgres` driver (pool size, timeouts …). */
  connection?: OpenPostgresOptions['connection']
}

/** A store on Postgres that several server instances share; pass it as `createRunsServer({ store })`. */
export interface PostgresStore extends SharedRunsStore {
  /** This instance's id (the owner of its runs' leases). */
  readonly instanceId: string
  /** The database handle: data, leases and the event feed on one pool. */
  readonly db: PostgresInstance
}

/**
 * Opens the Postgres database at `url` for one server instance: loads the driver, migrates the schema (safe when
 * instances start together) and answers a store for one `createRunsServer`. Files and vector stores stay in memory,
 * per instance.
 * @throws PostgresDriverUnavailableError when the `postgres` package is not installed (`npm i postgres`).
 * @throws SchemaTooNewError when a newer @oai-runs/server migrated the database.
 * @example
 * const store = await createPostgresStore(process.env.DATABASE_URL!)
 * const server = createRunsServer({ store })
 * // … at shutdown:
 * await server.close()
 * await store.close()
 */
export async function createPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<PostgresStore> {
  const db = await openPostgres(url, {
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    ...(options.connection ? { connection: options.connection } : {}),
    ...(options.now ? { now: options.now } : {}),
    leases: { ttlMs: options.leaseTtlMs ?? 30_000 },
  })
  const report = options.onError ?? ((error: unknown) => console.error('oai-runs (postgres):', error))
  const stopRetention = startEventRetention(db.sql, {
    retentionMs: options.eventRetentionMs ?? defaultEventRetentionMs,
    ...(options.now ? { now: options.now } : {}),
    onPrune: (result) => {
      if ('error' in result) {
        report(result.error)
      }
    },
  })
  let attached = false
  return {
    shared: true,
    instanceId: db.instanceId,
    db,
    attach(parts) {
      if (attached) {
        throw new Error('This Postgres store already serves a server: open one store per createRunsServer.')
      }
      attached = true
      return createCoordinator(db, parts, options)
    },
    async close() {
      stopRetention()
      await db.close()
    },
  }
}
