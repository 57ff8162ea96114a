// The two SQLite drivers behind the store, reduced to what it uses: Node's built-in `node:sqlite` (Node 22.13+ /
// 23.4+) and the native module `better-sqlite3` (an optional peer dependency, for older Node). Internal: the public
// entry is `./sqlite.ts`. Neither driver is imported statically: `node:sqlite` does not exist on Node 20 (a static
// import would fail to load this module), and `better-sqlite3` may be missing or built for another Node.
import { createRequire } from 'node:module'

/** A SQLite driver the store can run on. */
export type SqliteDriver = 'node:sqlite' | 'better-sqlite3'

/** Which driver `createSqliteStore` uses: `'auto'` picks `node:sqlite` where Node has it, else `better-sqlite3`. */
export type SqliteDriverOption = 'auto' | SqliteDriver

/** A value bound to a statement: text, a number or bytes (a BLOB), as both drivers take them. */
export type SqlValue = string | number | Uint8Array | null

/** A prepared statement: the calls both drivers have, with the same meaning. */
export interface Statement {
  get(...params: SqlValue[]): Record<string, unknown> | undefined
  all(...params: SqlValue[]): Record<string, unknown>[]
  run(...params: SqlValue[]): { changes: number | bigint }
}

/** An open database: the calls both drivers have, plus `transaction` built on them. */
export interface Connection {
  readonly driver: SqliteDriver
  prepare(sql: string): Statement
  exec(sql: string): void
  /** Runs `work` in one transaction (a savepoint when nested); rolls back if it throws. */
  transaction<T>(work: () => T): T
  /** Closes the database; a second call does nothing. */
  close(): void
}

/**
 * Thrown by `createSqliteStore` when no SQLite driver can be loaded (or not the one asked for): on Node older
 * than 22.13 without `better-sqlite3` installed and built, or with `driver: 'node:sqlite'` on a Node that
 * lacks it. The message says what to do. Exported from `@oai-runs/server/sqlite`.
 */
export class SqliteDriverUnavailableError extends Error {
  override name = 'SqliteDriverUnavailableError'
  /** The driver that was asked for (`'auto'` when none was). */
  readonly driver: SqliteDriverOption

  constructor(driver: SqliteDriverOption, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.driver = driver
  }
}

interface NodeSqliteDatabase {
  prepare(sql: string): Statement
  exec(sql: string): void
  close(): void
  readonly isTransaction?: boolean
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeSqliteDatabase
}
interface BetterSqliteDatabase {
  prepare(sql: string): Statement
  exec(sql: string): unknown
  close(): unknown
  readonly inTransaction: boolean
}
type BetterSqliteConstructor = new (path: string) => BetterSqliteDatabase

/** `node:sqlite` if this Node has it (22.13+ and 23.4+; 22.5–22.12 only with `--experimental-sqlite`); never throws. */
export function loadNodeSqlite(): NodeSqliteModule | undefined {
  try {
    // `getBuiltinModule` (Node 20.16+, 22.3+) answers undefined for a module this Node does not have.
    const module = process.getBuiltinModule?.('node:sqlite') as Partial<NodeSqliteModule> | undefined
    return typeof module?.DatabaseSync === 'function' ? (module as NodeSqliteModule) : undefined
  } catch {
    return undefined
  }
}

const require = createRequire(import.meta.url)

/** What to do when better-sqlite3 cannot be used, for this Node. */
function advice(): string {
  const build =
    '`npm install better-sqlite3@12` (without a prebuilt binary for the platform it compiles from source: ' +
    'python3, make and a C++ compiler; offline, point node-gyp at the headers installed with Node, e.g. ' +
    '`npm_config_nodedir=/usr`)'
  return loadNodeSqlite()
    ? `This Node has the built-in node:sqlite: use \`driver: 'auto'\` (the default) or 'node:sqlite'. Or ${build}.`
    : `Use Node 22.13 or later (its built-in node:sqlite needs no native module), or install it: ${build}.`
}

/** The better-sqlite3 constructor, or a {@link SqliteDriverUnavailableError} saying why it cannot be used. */
export function loadBetterSqlite(
  requested: SqliteDriverOption,
  load: (id: string) => unknown = require,
): BetterSqliteConstructor {
  try {
    const module = load('better-sqlite3') as BetterSqliteConstructor | { default: BetterSqliteConstructor }
    return typeof module === 'function' ? module : module.default
  } catch (error) {
    // Not installed (it is an optional peer), or one of its own dependencies is missing.
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') {
      throw new SqliteDriverUnavailableError(
        requested,
        `${unavailable(requested)}better-sqlite3 (an optional peer dependency) is not installed. ${advice()}`,
        error,
      )
    }
    throw error
  }
}

function unavailable(requested: SqliteDriverOption): string {
  return requested === 'auto'
    ? `No SQLite driver: Node ${process.version} has no built-in node:sqlite (it comes with Node 22.13+), and `
    : 'The SQLite driver better-sqlite3 is not available: '
}

/** Whether an error thrown by `new Database()` is better-sqlite3 failing to load its native binary. */
export function isNativeLoadError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown }
  return (
    code === 'ERR_DLOPEN_FAILED' ||
    (typeof message === 'string' &&
      /NODE_MODULE_VERSION|did not self-register|Could not locate the bindings file|invalid ELF header/.test(
        message,
      ))
  )
}

/**
 * Opens `path` with the driver asked for: `'auto'` is `node:sqlite` where this Node has it, else `better-sqlite3`
 * (loaded with `load`: tests pass a stand-in).
 * @throws SqliteDriverUnavailableError when that driver cannot be loaded.
 */
export function openConnection(
  path: string,
  requested: SqliteDriverOption = 'auto',
  load: (id: string) => unknown = require,
): Connection {
  if (requested !== 'better-sqlite3') {
    const nodeSqlite = loadNodeSqlite()
    if (nodeSqlite) {
      return fromNodeSqlite(new nodeSqlite.DatabaseSync(path))
    }
    if (requested === 'node:sqlite') {
      throw new SqliteDriverUnavailableError(
        requested,
        `The SQLite driver node:sqlite is not available: Node ${process.version} does not have it (Node 22.13+ and ` +
          "23.4+ do). Use a newer Node, or `driver: 'better-sqlite3'` (or 'auto') with better-sqlite3 installed.",
      )
    }
  }
  const Database = loadBetterSqlite(requested, load)
  let db: BetterSqliteDatabase
  try {
    db = new Database(path)
  } catch (error) {
    if (isNativeLoadError(error)) {
      throw new SqliteDriverUnavailableError(
        requested,
        `${unavailable(requested)}better-sqlite3's native binary cannot be loaded by Node ${process.version} (it is ` +
          `missing, or was built for another Node version: run \`npm rebuild better-sqlite3\` with this Node). ${advice()}`,
        error,
      )
    }
    throw error
  }
  return fromBetterSqlite(db)
}

function fromNodeSqlite(db: NodeSqliteDatabase): Connection {
  let open = true
  const exec = (sql: string) => {
    db.exec(sql)
  }
  return {
    driver: 'node:sqlite',
    prepare: (sql) => db.prepare(sql),
    exec,
    // `isTransaction` is Node 22.16+ / 24+; before it, ROLLBACK outside a transaction answers with an error.
    transaction: transactions(exec, () => db.isTransaction),
    close: () => {
      if (open) {
        open = false
        db.close()
      }
    },
  }
}

function fromBetterSqlite(db: BetterSqliteDatabase): Connection {
  let open = true
  const exec = (sql: string) => {
    db.exec(sql)
  }
  return {
    driver: 'better-sqlite3',
    prepare: (sql) => db.prepare(sql),
    exec,
    transaction: transactions(exec, () => db.inTransaction),
    close: () => {
      if (open) {
        open = false
        db.close()
      }
    },
  }
}

/**
 * Transactions as better-sqlite3's `db.transaction` runs them, on plain SQL for both drivers (node:sqlite has no
 * such helper): BEGIN IMMEDIATE … COMMIT, a savepoint when nested; when `work` (or the COMMIT) throws, a rollback,
 * unless SQLite already rolled back by itself (it does on some errors, e.g. SQLITE_FULL).
 */
function transactions(
  exec: (sql: string) => void,
  inTransaction: () => boolean | undefined,
): <T>(work: () => T) => T {
  let depth = 0
  return <T>(work: () => T): T => {
    const savepoint = depth === 0 ? undefined : `oai_runs_${depth}`
    exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN IMMEDIATE')
    depth++
    try {
      const result = work()
      if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
        throw new TypeError(
          'A store transaction must be synchronous: its work returned a promise, whose writes would land after ' +
            'the COMMIT. Do the awaiting outside, then write in one synchronous function.',
        )
      }
      exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT')
      return result
    } catch (error) {
      rollback(exec, inTransaction, savepoint)
      throw error
    } finally {
      depth--
    }
  }
}

function rollback(
  exec: (sql: string) => void,
  inTransaction: () => boolean | undefined,
  savepoint: string | undefined,
): void {
  const active = inTransaction()
  if (active === false) {
    return
  }
  try {
    exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK')
  } catch (error) {
    // Only on a node:sqlite without `isTransaction`: "no transaction is active" means SQLite rolled back already.
    if (active === undefined && /no transaction is active/.test(String((error as Error).message))) {
      return
    }
    throw error
  }
}

/**
 * Thrown by `createSqliteStore` when another store (in this or another process) has the file open. Exported from
 * `@oai-runs/server/sqlite`.
 */
export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError'
  /** The database file. */
  readonly path: string

  constructor(path: string, cause: unknown) {
    super(
      `The database ${path} is in use by another server (one process per file: two would each fail the other's ` +
        'running runs as interrupted). Stop the other server, or give this one another database file.',
      { cause },
    )
    this.path = path
  }
}

/** SQLITE_BUSY (or one of its extended codes) from either driver. */
function isBusy(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown }
  return (
    (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) || // better-sqlite3
    (typeof errcode === 'number' && (errcode & 0xff) === 5) // node:sqlite: ERR_SQLITE_ERROR with SQLite's code
  )
}

/**
 * One server per file: takes SQLite's exclusive lock, kept until close (or until the process dies: the OS drops
 * the lock, so a restart after a crash opens the file at once). `busy_timeout = 0` makes a held lock an immediate
 * SQLITE_BUSY (no busy handler, no retries), turned into a {@link DatabaseInUseError}; the connection is closed
 * then. Set before the first access, the exclusive mode also keeps WAL off shared memory.
 */
export function lockExclusively(db: Connection, path: string): void {
  try {
    db.exec('PRAGMA locking_mode = EXCLUSIVE')
    db.exec('PRAGMA busy_timeout = 0')
    db.exec('BEGIN EXCLUSIVE; COMMIT')
  } catch (error) {
    db.close()
    if (isBusy(error)) {
      throw new DatabaseInUseError(path, error)
    }
    throw error
  }
}
