// Owns the async data access of the Postgres store: get/put/delete/list/page per collection (the SQLite store's
// collections: assistants, threads, messages by thread, runs by thread, steps by run), `transaction`, and the
// database-enforced one-active-run-per-thread rule surfaced as a typed error.

import {
  ActiveRunConflictError,
  type DataCollection,
  type DataScopedCollection,
  type ListQuery,
} from '../data.ts'
import type { ListPage } from '../pagination.ts'
import type { AssistantObject, MessageObject, RunObject, RunStepObject, ThreadObject } from '../types.ts'
import { inTransaction, type Queryable } from './driver.ts'
import { jsonbValue } from './jsonb.ts'
import { activeRunIndex, activeRunStatuses, terminalRunStatuses } from './schema.ts'

export { ActiveRunConflictError, type ListQuery } from '../data.ts'

/** A keyed collection in insertion order: the server's {@link DataCollection}, answered by Postgres. */
export type PgCollection<T extends { id: string }> = DataCollection<T>

/** A collection grouped by a parent id: the server's {@link DataScopedCollection}, answered by Postgres. */
export type PgScopedCollection<T extends { id: string }> = DataScopedCollection<T>

/** The store's collections on one connection pool or inside one transaction. */
export interface PostgresData {
  assistants: PgCollection<AssistantObject>
  threads: PgCollection<ThreadObject>
  messages: PgScopedCollection<MessageObject>
  /** Runs by thread. Putting a second active run on a thread throws {@link ActiveRunConflictError}. */
  runs: PgScopedCollection<RunObject>
  steps: PgScopedCollection<RunStepObject>
  /**
   * Runs `work` in one transaction (a savepoint when nested): every write through the `data` it gets commits
   * together, or none does when it throws.
   */
  transaction<T>(work: (data: PostgresData) => Promise<T>): Promise<T>
  /** Where this data's queries run (the pool, or the transaction). */
  readonly sql: Queryable
}

/** Options of {@link createPostgresData}. */
export interface PostgresDataOptions {
  /** Clock (ms) for the `ended_at` of runs that reach a terminal status (events retention). @defaultValue Date.now */
  now?: () => number
}

interface Table<T> {
  table: string
  /** The scope column, for scoped collections. */
  scope?: string
  /** The columns besides seq, the scope, id and body, from the item. */
  columns: (item: T) => Record<string, string | number | null>
}

/** An object as a jsonb parameter (the driver serializes it once; a string would become a JSON string). */
function json(sql: Queryable, item: object) {
  return sql.json(jsonbValue(item) as Parameters<Queryable['json']>[0])
}

const body = <T>(row: { body: T }): T => row.body

function where(sql: Queryable, spec: { scope?: string }, scope: string | undefined) {
  return spec.scope ? sql`${sql(spec.scope)} = ${scope ?? ''}` : sql`TRUE`
}

async function page<T extends { id: string }>(
  sql: Queryable,
  spec: Table<T>,
  scope: string | undefined,
  query: ListQuery,
): Promise<ListPage<T>> {
  const table = sql(spec.table)
  const inScope = where(sql, spec, scope)
  const seqOf = (id: string) => sql`(SELECT seq FROM ${table} WHERE ${inScope} AND id = ${id})`
  const asc = query.order === 'asc'
  // An unknown cursor compares with NULL: no row matches, an empty page (as `paginate` answers).
  const after =
    query.after === undefined
      ? sql``
      : asc
        ? sql`AND seq > ${seqOf(query.after)}`
        : sql`AND seq < ${seqOf(query.after)}`
  const before =
    query.before === undefined
      ? sql``
      : asc
        ? sql`AND seq < ${seqOf(query.before)}`
        : sql`AND seq > ${seqOf(query.before)}`
  // `before` alone: the `limit` items right before the cursor, so read backwards from it, then turn them around.
  const backwards = query.before !== undefined && query.after === undefined
  const ascending = asc !== backwards
  const rows = await sql<{ body: T }[]>`
    SELECT body FROM ${table} WHERE ${inScope} ${after} ${before}
    ORDER BY seq ${ascending ? sql`ASC` : sql`DESC`} LIMIT ${query.limit + 1}`
  const hasMore = rows.length > query.limit
  const data = rows.slice(0, query.limit).map(body)
  if (backwards) {
    data.reverse()
  }
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  }
}

async function upsert<T extends { id: string }>(
  sql: Queryable,
  spec: Table<T>,
  scope: string | undefined,
  item: T,
) {
  // Typed as plain values: the driver's helper types do not admit a Parameter (which it serializes fine).
  const row = {
    ...(spec.scope ? { [spec.scope]: scope ?? '' } : {}),
    id: item.id,
    ...spec.columns(item),
    body: json(sql, item),
  } as unknown as Record<string, string>
  const updated = Object.keys(row).filter((column) => column !== 'id' && column !== spec.scope)
  const key = spec.scope ? [spec.scope, 'id'] : ['id']
  await sql`INSERT INTO ${sql(spec.table)} ${sql(row)}
    ON CONFLICT (${sql(key)}) DO UPDATE SET ${sql(row, updated)}`
}

function collection<T extends { id: string }>(sql: Queryable, spec: Table<T>): PgCollection<T> {
  const table = sql(spec.table)
  return {
    get: async (id) => (await sql<{ body: T }[]>`SELECT body FROM ${table} WHERE id = ${id}`).map(body)[0],
    put: (item) => upsert(sql, spec, undefined, item),
    delete: async (id) => (await sql`DELETE FROM ${table} WHERE id = ${id}`).count > 0,
    list: async () => (await sql<{ body: T }[]>`SELECT body FROM ${table} ORDER BY seq`).map(body),
    page: (query) => page(sql, spec, undefined, query),
  }
}

function scopedCollection<T extends { id: string }>(
  sql: Queryable,
  spec: Table<T> & { scope: string },
  put: (scope: string, item: T) => Promise<void> = (scope, item) => upsert(sql, spec, scope, item),
): PgScopedCollection<T> {
  const table = sql(spec.table)
  const column = sql(spec.scope)
  return {
    get: async (scope, id) =>
      (await sql<{ body: T }[]>`SELECT body FROM ${table} WHERE ${column} = ${scope} AND id = ${id}`).map(
        body,
      )[0],
    put,
    delete: async (scope, id) =>
      (await sql`DELETE FROM ${table} WHERE ${column} = ${scope} AND id = ${id}`).count > 0,
    list: async (scope) =>
      (await sql<{ body: T }[]>`SELECT body FROM ${table} WHERE ${column} = ${scope} ORDER BY seq`).map(body),
    page: (scope, query) => page(sql, spec, scope, query),
    deleteScope: async (scope) => {
      await sql`DELETE FROM ${table} WHERE ${column} = ${scope}`
    },
  }
}

const assistantsTable: Table<AssistantObject> = {
  table: 'assistants',
  columns: (item) => ({ created_at: item.created_at }),
}
const threadsTable: Table<ThreadObject> = {
  table: 'threads',
  columns: (item) => ({ created_at: item.created_at }),
}
const messagesTable = {
  table: 'messages',
  scope: 'thread_id',
  columns: (item: MessageObject) => ({ run_id: item.run_id ?? null, created_at: item.created_at }),
}
const runsTable = {
  table: 'runs',
  scope: 'thread_id',
  columns: (item: RunObject) => ({ status: item.status, created_at: item.created_at }),
}
const stepsTable = {
  table: 'run_steps',
  scope: 'run_id',
  columns: (item: RunStepObject) => ({ thread_id: item.thread_id ?? null, created_at: item.created_at }),
}

const terminal = new Set<string>(terminalRunStatuses)

/** Whether `error` is the active-run index refusing a row. */
export function isActiveRunViolation(error: unknown): boolean {
  const { code, constraint_name } = error as { code?: unknown; constraint_name?: unknown }
  return code === '23505' && constraint_name === activeRunIndex
}

/**
 * Puts a run; `ended_at` is set the first time it is written in a terminal status (and cleared if it is active).
 * The active-run index refusing it becomes an {@link ActiveRunConflictError}, with the holder read on `root` (the
 * pool: inside a transaction the failed statement has aborted it).
 */
function putRun(sql: Queryable, root: Queryable, now: () => number) {
  return async (threadId: string, run: RunObject): Promise<void> => {
    const endedAt = terminal.has(run.status) ? now() : null
    try {
      await sql`INSERT INTO runs (thread_id, id, status, created_at, ended_at, body)
        VALUES (${threadId}, ${run.id}, ${run.status}, ${run.created_at}, ${endedAt}, ${json(sql, run)})
        ON CONFLICT (thread_id, id) DO UPDATE SET
          status = excluded.status,
          created_at = excluded.created_at,
          ended_at = CASE WHEN excluded.ended_at IS NULL THEN NULL ELSE COALESCE(runs.ended_at, excluded.ended_at) END,
          body = excluded.body`
    } catch (error) {
      if (!isActiveRunViolation(error)) {
        throw error
      }
      // When `root` is itself a transaction (data made on one), it is aborted too: the holder stays unknown.
      const holder = await root<{ id: string }[]>`SELECT id FROM runs
        WHERE thread_id = ${threadId} AND status IN ${root(activeRunStatuses)} AND id <> ${run.id}`.catch(
        () => [],
      )
      throw new ActiveRunConflictError(threadId, run.id, holder[0]?.id ?? null, error)
    }
  }
}

function data(sql: Queryable, root: Queryable, now: () => number): PostgresData {
  return {
    sql,
    assistants: collection(sql, assistantsTable),
    threads: collection(sql, threadsTable),
    messages: scopedCollection(sql, messagesTable),
    runs: scopedCollection(sql, runsTable, putRun(sql, root, now)),
    steps: scopedCollection(sql, stepsTable),
    transaction: <T>(work: (inner: PostgresData) => Promise<T>): Promise<T> => {
      return inTransaction(sql, (tx) => work(data(tx, root, now)))
    },
  }
}

/**
 * The store's data on a connection pool opened by `connectPostgres` (with the schema migrated by `migrate`).
 * @example
 * const sql = await connectPostgres(url)
 * await migrate(sql)
 * const data = createPostgresData(sql)
 * await data.transaction(async (tx) => { await tx.steps.put(run.id, step); await tx.messages.put(thread.id, message) })
 */
export function createPostgresData(sql: Queryable, options: PostgresDataOptions = {}): PostgresData {
  return data(sql, sql, options.now ?? Date.now)
}
