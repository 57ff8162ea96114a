// A durable RunsStore on SQLite (better-sqlite3, synchronous like the RunsStore interface). Node only: import it
// from `@oai-runs/server/sqlite`, never from the browser entry.
import Database from 'better-sqlite3'
import type { Collection, RunsStore, ScopedCollection } from './store.ts'
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
}

/** A SQLite-backed store: a {@link RunsStore} plus what happened on open and a way to close the file. */
export interface SqliteRunsStore extends RunsStore {
  /** The runs marked `failed` on open because the previous process stopped while they were running. */
  recovered: RunObject[]
  /** Closes the database file. */
  close(): void
}

/** The `last_error` of runs found running when the server starts. */
export const interruptedRunError = {
  code: 'server_error' as const,
  message:
    'The server stopped while this run was in progress (the process exited or was killed), so the model call ' +
    'was lost. The run was marked failed on restart; start a new run to continue.',
}

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

function collection<T extends { id: string }>(db: Database.Database, table: string): Collection<T> {
  const get = db.prepare<[string], { data: string }>(`SELECT data FROM ${table} WHERE id = ?`)
  const put = db.prepare<[string, string]>(
    `INSERT INTO ${table} (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
  )
  const remove = db.prepare<[string]>(`DELETE FROM ${table} WHERE id = ?`)
  const list = db.prepare<[], { data: string }>(`SELECT data FROM ${table} ORDER BY seq`)
  return {
    get: (id) => {
      const row = get.get(id)
      return row ? (JSON.parse(row.data) as T) : undefined
    },
    put: (item) => {
      put.run(item.id, JSON.stringify(item))
    },
    delete: (id) => remove.run(id).changes > 0,
    list: () => list.all().map((row) => JSON.parse(row.data) as T),
  }
}

function scopedCollection<T extends { id: string; status?: string }>(
  db: Database.Database,
  table: string,
  withStatus = false,
): ScopedCollection<T> {
  const get = db.prepare<[string, string], { data: string }>(
    `SELECT data FROM ${table} WHERE scope = ? AND id = ?`,
  )
  const put = withStatus
    ? db.prepare<[string, string, string, string]>(
        `INSERT INTO ${table} (scope, id, status, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (scope, id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      )
    : db.prepare<[string, string, string]>(
        `INSERT INTO ${table} (scope, id, data) VALUES (?, ?, ?) ON CONFLICT (scope, id) DO UPDATE SET data = excluded.data`,
      )
  const remove = db.prepare<[string, string]>(`DELETE FROM ${table} WHERE scope = ? AND id = ?`)
  const list = db.prepare<[string], { data: string }>(
    `SELECT data FROM ${table} WHERE scope = ? ORDER BY seq`,
  )
  const removeScope = db.prepare<[string]>(`DELETE FROM ${table} WHERE scope = ?`)
  return {
    get: (scope, id) => {
      const row = get.get(scope, id)
      return row ? (JSON.parse(row.data) as T) : undefined
    },
    put: (scope, item) => {
      if (withStatus) {
        ;(put as Database.Statement<[string, string, string, string]>).run(
          scope,
          item.id,
          item.status ?? '',
          JSON.stringify(item),
        )
      } else {
        ;(put as Database.Statement<[string, string, string]>).run(scope, item.id, JSON.stringify(item))
      }
    },
    delete: (scope, id) => remove.run(scope, id).changes > 0,
    list: (scope) => list.all(scope).map((row) => JSON.parse(row.data) as T),
    deleteScope: (scope) => {
      removeScope.run(scope)
    },
  }
}

/** Marks the runs a dead process left running as failed, closing their open steps and messages. */
function recover(store: RunsStore, db: Database.Database, now: number): RunObject[] {
  const at = Math.floor(now / 1000)
  const placeholders = interrupted.map(() => '?').join(', ')
  const rows = db
    .prepare<string[], { data: string }>(
      `SELECT data FROM runs WHERE status IN (${placeholders}) ORDER BY seq`,
    )
    .all(...interrupted)
  const recovered: RunObject[] = []
  for (const row of rows) {
    const run = JSON.parse(row.data) as RunObject
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

/** Thrown by {@link createSqliteStore} when another store (in this or another process) has the file open. */
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

// One server per file: the first store takes SQLite's exclusive lock and keeps it until close() (or until its
// process dies: the OS drops the lock, so a restart after a crash opens the file at once). Set before the first
// access, the exclusive mode also keeps WAL off shared memory.
function lockExclusively(db: Database.Database, path: string): void {
  db.pragma('locking_mode = EXCLUSIVE')
  db.pragma('busy_timeout = 0')
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT')
  } catch (error) {
    db.close()
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new DatabaseInUseError(path, error)
    }
    throw error
  }
}

/**
 * Opens (or creates) a SQLite file as the server's store: assistants, threads, messages, runs and steps survive a
 * restart. Multi-row changes of the engine run in one transaction; runs a killed process left running are marked
 * `failed` on open. One server process per file: a second open fails with `DatabaseInUseError` until the first
 * store is closed or its process ends.
 * @example
 * const store = createSqliteStore('./runs.db')
 * const server = createRunsServer({ store })
 */
export function createSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteRunsStore {
  const db = new Database(path)
  lockExclusively(db, path)
  db.pragma('journal_mode = WAL') // a killed process loses nothing committed
  db.pragma('synchronous = NORMAL') // durable across process crashes (an OS crash may lose the last commits)
  db.pragma('foreign_keys = ON')
  db.exec(schema)
  const store: RunsStore = {
    assistants: collection(db, 'assistants'),
    threads: collection(db, 'threads'),
    messages: scopedCollection<MessageObject>(db, 'messages'),
    runs: scopedCollection<RunObject>(db, 'runs', true),
    steps: scopedCollection<RunStepObject>(db, 'steps'),
    transaction: <T>(work: () => T): T => db.transaction(work)(),
  }
  const recovered =
    options.recoverInterruptedRuns === false
      ? []
      : db.transaction(() => recover(store, db, (options.now ?? Date.now)()))()
  return {
    ...store,
    recovered,
    close: () => {
      if (db.open) {
        db.close()
      }
    },
  }
}
