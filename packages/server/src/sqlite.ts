// A durable RunsStore on SQLite (synchronous, like the RunsStore interface): Node's built-in `node:sqlite` where
// Node has it, else the native module better-sqlite3, an optional peer dependency (the drivers:
// ./sqlite-driver.ts). Node only: import it from `@oai-runs/server/sqlite`, never from the browser entry.
import {
  type Connection,
  DatabaseInUseError,
  lockExclusively,
  openConnection,
  type SqliteDriver,
  type SqliteDriverOption,
  SqliteDriverUnavailableError,
} from './sqlite-driver.ts'
import type { BlobCollection, Collection, FilesStore, RunsStore, ScopedCollection } from './store.ts'
import type { MessageObject, RunObject, RunStepObject } from './types.ts'

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Mark runs that a previous process left `queued`, `in_progress` or `cancelling` as `failed` on open (their model
   * call died with that process). `requires_action` runs stay: they can still be answered or expire.
   * @defaultValue true
   */
  recoverInterruptedRuns?: boolean
  /** Clock for the `failed_at` of recovered runs, in ms. @defaultValue Date.now */
  now?: () => number
  /**
   * The SQLite driver. `'auto'` uses Node's built-in `node:sqlite` where Node has it (22.13+, 23.4+) and the
   * optional peer dependency `better-sqlite3` otherwise; naming one uses that one or throws
   * {@link SqliteDriverUnavailableError}. Both write the same file format: a file moves freely between them.
   * @defaultValue 'auto'
   */
  driver?: SqliteDriverOption
}

/** A SQLite-backed store: a {@link RunsStore} plus what happened on open and a way to close the file. */
export interface SqliteRunsStore extends RunsStore {
  /** The runs marked `failed` on open because the previous process stopped while they were running. */
  recovered: RunObject[]
  /** The driver the store runs on (what `'auto'` chose). */
  readonly driver: SqliteDriver
  /** Closes the database file (and releases its lock); a second call does nothing. */
  close(): void
}

/** The `last_error` of runs found running when the server starts. */
export const interruptedRunError = {
  code: 'server_error' as const,
  message:
    'The server stopped while this run was in progress (the process exited or was killed), so the model call ' +
    'was lost. The run was marked failed on restart; start a new run to continue.',
}

export { DatabaseInUseError, type SqliteDriver, type SqliteDriverOption, SqliteDriverUnavailableError }

const interrupted = ['queued', 'in_progress', 'cancelling'] as const

const schema = `
CREATE TABLE IF NOT EXISTS assistants (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threads (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (scope, id));
CREATE TABLE IF NOT EXISTS runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (scope, id));
CREATE TABLE IF NOT EXISTS steps (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (scope, id));
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
PRAGMA user_version = 1;
`

// Files and vector stores: added tables only, created on open in files made before them. The schema version stays
// 1 because nothing older changes: a file with these tables still opens with an earlier version of this package.
const filesSchema = `
CREATE TABLE IF NOT EXISTS files (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS file_contents (id TEXT PRIMARY KEY, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vector_stores (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vector_store_files (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (scope, id));
CREATE TABLE IF NOT EXISTS vector_store_file_batches (seq INTEGER PRIMARY KEY AUTOINCREMENT, scope TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, UNIQUE (scope, id));
`

/** The object a row's `data` column holds. */
function parse<T>(row: Record<string, unknown> | undefined): T | undefined {
  return row ? (JSON.parse(row.data as string) as T) : undefined
}

function collection<T extends { id: string }>(db: Connection, table: string): Collection<T> {
  const get = db.prepare(`SELECT data FROM ${table} WHERE id = ?`)
  const put = db.prepare(
    `INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
  )
  const remove = db.prepare(`DELETE FROM ${table} WHERE id = ?`)
  const list = db.prepare(`SELECT data FROM ${table} ORDER BY seq`)
  return {
    get: (id) => parse<T>(get.get(id)),
    put: (item) => {
      put.run(item.id, JSON.stringify(item))
    },
    delete: (id) => Number(remove.run(id).changes) > 0,
    list: () => list.all().map((row) => parse<T>(row)!),
  }
}

function scopedCollection<T extends { id: string; status?: string }>(
  db: Connection,
  table: string,
  withStatus = false,
): ScopedCollection<T> {
  const get = db.prepare(`SELECT data FROM ${table} WHERE scope = ? AND id = ?`)
  const put = withStatus
    ? db.prepare(
        `INSERT INTO ${table} (scope, id, status, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (scope, id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      )
    : db.prepare(
        `INSERT INTO ${table} (scope, id, data) VALUES (?, ?, ?) ON CONFLICT (scope, id) DO UPDATE SET data = excluded.data`,
      )
  const remove = db.prepare(`DELETE FROM ${table} WHERE scope = ? AND id = ?`)
  const list = db.prepare(`SELECT data FROM ${table} WHERE scope = ? ORDER BY seq`)
  const removeScope = db.prepare(`DELETE FROM ${table} WHERE scope = ?`)
  return {
    get: (scope, id) => parse<T>(get.get(scope, id)),
    put: (scope, item) => {
      if (withStatus) {
        put.run(scope, item.id, item.status ?? '', JSON.stringify(item))
      } else {
        put.run(scope, item.id, JSON.stringify(item))
      }
    },
    delete: (scope, id) => Number(remove.run(scope, id).changes) > 0,
    list: (scope) => list.all(scope).map((row) => parse<T>(row)!),
    deleteScope: (scope) => {
      removeScope.run(scope)
    },
  }
}

function blobs(db: Connection): BlobCollection {
  const get = db.prepare('SELECT bytes FROM file_contents WHERE id = ?')
  const put = db.prepare(
    'INSERT INTO file_contents (id, bytes) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes',
  )
  const remove = db.prepare('DELETE FROM file_contents WHERE id = ?')
  return {
    // better-sqlite3 answers a Buffer, node:sqlite a Uint8Array: both become a plain Uint8Array.
    get: (id) => {
      const row = get.get(id)
      return row ? new Uint8Array(row.bytes as Uint8Array) : undefined
    },
    put: (id, bytes) => {
      put.run(id, bytes)
    },
    delete: (id) => Number(remove.run(id).changes) > 0,
  }
}

function filesStore(db: Connection): FilesStore {
  return {
    files: collection(db, 'files'),
    contents: blobs(db),
    vectorStores: collection(db, 'vector_stores'),
    vectorStoreFiles: scopedCollection(db, 'vector_store_files'),
    fileBatches: scopedCollection(db, 'vector_store_file_batches'),
    transaction: (work) => db.transaction(work),
  }
}

/** Marks the runs a dead process left running as failed, closing their open steps and messages. */
function recover(store: RunsStore, db: Connection, now: number): RunObject[] {
  const at = Math.floor(now / 1000)
  const placeholders = interrupted.map(() => '?').join(', ')
  const rows = db
    .prepare(`SELECT data FROM runs WHERE status IN (${placeholders}) ORDER BY seq`)
    .all(...interrupted)
  const recovered: RunObject[] = []
  for (const row of rows) {
    const run = parse<RunObject>(row)!
    for (const step of store.steps.list(run.id)) {
      if (step.status === 'in_progress') {
        store.steps.put(run.id, {
          ...step,
          status: 'failed',
          failed_at: at,
          last_error: interruptedRunError,
          usage: step.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        } satisfies RunStepObject)
      }
    }
    for (const message of store.messages.list(run.thread_id)) {
      if (message.run_id === run.id && message.status === 'in_progress') {
        store.messages.put(run.thread_id, {
          ...message,
          status: 'incomplete',
          incomplete_at: at,
          incomplete_details: { reason: 'run_failed' },
        } satisfies MessageObject)
      }
    }
    const failed: RunObject = {
      ...run,
      status: 'failed',
      failed_at: at,
      required_action: null,
      last_error: interruptedRunError,
      usage: run.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    }
    store.runs.put(run.thread_id, failed)
    recovered.push(failed)
  }
  return recovered
}

/**
 * Opens (or creates) a SQLite file as the server's store: assistants, threads, messages, runs and steps, files
 * (their bytes as BLOBs) and vector stores survive a restart. Multi-row changes of the engine run in one transaction; runs a killed process left running are marked
 * `failed` on open. One server process per file: a second open fails with `DatabaseInUseError` until the first
 * store is closed or its process ends. Runs on `node:sqlite` where Node has it (22.13+, 23.4+), else on
 * `better-sqlite3`, an optional peer dependency (see {@link SqliteStoreOptions.driver}).
 * @throws DatabaseInUseError when another store holds the file.
 * @throws SqliteDriverUnavailableError when no driver (or not the one asked for) can be loaded; the message says
 * what to install.
 * @example
 * const store = createSqliteStore('./runs.db')
 * const server = createRunsServer({ store })
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteRunsStore {
  const db = openConnection(path, options.driver ?? 'auto')
  lockExclusively(db, path)
  try {
    db.exec('PRAGMA journal_mode = WAL') // a killed process loses nothing committed
    db.exec('PRAGMA synchronous = NORMAL') // durable across process crashes (an OS crash may lose the last commits)
    db.exec('PRAGMA foreign_keys = ON')
    db.exec(schema)
    db.exec(filesSchema)
    return open(db, options)
  } catch (error) {
    db.close() // a file that is not a database, a newer schema …: release the lock
    throw error
  }
}

function open(db: Connection, options: SqliteStoreOptions): SqliteRunsStore {
  const store: RunsStore = {
    assistants: collection(db, 'assistants'),
    threads: collection(db, 'threads'),
    messages: scopedCollection<MessageObject>(db, 'messages'),
    runs: scopedCollection<RunObject>(db, 'runs', true),
    steps: scopedCollection<RunStepObject>(db, 'steps'),
    files: filesStore(db),
    transaction: (work) => db.transaction(work),
  }
  const recovered =
    options.recoverInterruptedRuns === false
      ? []
      : db.transaction(() => recover(store, db, (options.now ?? Date.now)()))
  return { ...store, recovered, driver: db.driver, close: () => db.close() }
}
