// Owns loading the PostgreSQL driver and opening connections. The driver is `postgres` (porsager's, an optional peer
// dependency), chosen because it has no dependencies of its own, ships its TypeScript types, pipelines queries on one
// connection automatically (a transaction's writes go out without a round trip each), has LISTEN/NOTIFY built in
// (with re-listen on reconnect), and takes queries as tagged templates, so a parameter can never be spliced into SQL.
// It is imported lazily (`await import('postgres')`): a server that never opens a Postgres store works without it.
import type { Options, PostgresType, Sql, TransactionSql } from 'postgres'

/** A connection pool of the driver, as {@link connectPostgres} opens it. */
export type PostgresSql = Sql<Record<string, never>>

/** Where queries can run: the pool itself or one transaction of it. */
export type Queryable = PostgresSql | TransactionSql<Record<string, never>>

/** Connection options passed through to the driver (pool size, timeouts …). */
export type PostgresConnectOptions = Options<Record<string, PostgresType>>

/**
 * Thrown when the `postgres` driver (an optional peer dependency of @oai-runs/server) cannot be loaded; the message
 * says to install it.
 */
export class PostgresDriverUnavailableError extends Error {
  override name = 'PostgresDriverUnavailableError'

  constructor(cause?: unknown) {
    super(
      'The Postgres store needs the driver `postgres` (an optional peer dependency of @oai-runs/server), which is ' +
        'not installed: run `npm i postgres` (3.4 or later) next to @oai-runs/server.',
      cause === undefined ? undefined : { cause },
    )
  }
}

type PostgresFactory = (url: string, options?: PostgresConnectOptions) => PostgresSql

/** How the driver module is imported; tests pass one that fails. */
export type DriverImport = () => Promise<unknown>

/**
 * Loads the driver's factory with `importDriver` (default `import('postgres')`).
 * @throws PostgresDriverUnavailableError when the module is not installed.
 */
export async function loadPostgresDriver(
  importDriver: DriverImport = () => import('postgres'),
): Promise<PostgresFactory> {
  let module: unknown
  try {
    module = await importDriver()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new PostgresDriverUnavailableError(error)
    }
    throw error
  }
  const factory = (module as { default?: unknown }).default ?? module
  if (typeof factory !== 'function') {
    throw new PostgresDriverUnavailableError(new TypeError('the module `postgres` exports no function'))
  }
  return factory as PostgresFactory
}

/**
 * Opens a connection pool to `url` (a `postgres://` URL). Notices are dropped (migrations' `IF NOT EXISTS` raise
 * them) unless `options.onnotice` says otherwise.
 * @throws PostgresDriverUnavailableError when the driver is not installed.
 */
export async function connectPostgres(
  url: string,
  options: PostgresConnectOptions = {},
  importDriver?: DriverImport,
): Promise<PostgresSql> {
  const postgres = await loadPostgresDriver(importDriver)
  return postgres(url, { onnotice: () => {}, ...options })
}

/**
 * Runs `work` in a transaction on `sql`: a new one on a pool, a savepoint inside a transaction. Rolls back when
 * `work` throws.
 */
export function inTransaction<T>(
  sql: Queryable,
  work: (tx: TransactionSql<Record<string, never>>) => Promise<T>,
): Promise<T> {
  // The driver types the answer as UnwrapPromiseArray<T>, which is T for anything but an array of promises.
  return ('savepoint' in sql ? sql.savepoint(work) : sql.begin(work)) as Promise<T>
}
