// Owns the asynchronous data interface the routes use (so a database shared by several instances can stand behind
// it), the typed one-active-run-per-thread conflict, and the adapter that puts a synchronous RunsStore behind it.
import { activeStatuses } from './engine.ts'
import { type ListPage, type ListQuery, paginate } from './pagination.ts'
import type { RunsStore, ScopedCollection } from './store.ts'
import type { AssistantObject, MessageObject, RunObject, RunStepObject, ThreadObject } from './types.ts'

export type { ListQuery }

/** A keyed collection in insertion order (the order lists are paginated in), answered asynchronously. */
export interface DataCollection<T extends { id: string }> {
  get(id: string): Promise<T | undefined>
  /** Inserts, or replaces the object with that id (keeping its place in list order). */
  put(item: T): Promise<void>
  delete(id: string): Promise<boolean>
  /** Every item, oldest first. */
  list(): Promise<T[]>
  /** One page, with the semantics of `paginate` over {@link list}. */
  page(query: ListQuery): Promise<ListPage<T>>
}

/** A collection grouped by a parent id (messages and runs by thread, steps by run), answered asynchronously. */
export interface DataScopedCollection<T extends { id: string }> {
  get(scope: string, id: string): Promise<T | undefined>
  /** Inserts, or replaces the object with that id in that scope (keeping its place in list order). */
  put(scope: string, item: T): Promise<void>
  delete(scope: string, id: string): Promise<boolean>
  /** Every item of a scope, oldest first. */
  list(scope: string): Promise<T[]>
  /** One page of a scope, with the semantics of `paginate` over {@link list}. */
  page(scope: string, query: ListQuery): Promise<ListPage<T>>
  /** Drops a whole scope (a deleted thread's messages and runs). */
  deleteScope(scope: string): Promise<void>
}

/** The server's objects as the routes read and write them: the memory, SQLite and Postgres stores all answer it. */
export interface RunsData {
  assistants: DataCollection<AssistantObject>
  threads: DataCollection<ThreadObject>
  messages: DataScopedCollection<MessageObject>
  /** Runs by thread. Putting a second active run on a thread throws {@link ActiveRunConflictError}. */
  runs: DataScopedCollection<RunObject>
  steps: DataScopedCollection<RunStepObject>
  /** Runs `work` as one unit where the store can (a database transaction); its writes go through `data`. */
  transaction<T>(work: (data: RunsData) => Promise<T>): Promise<T>
}

/**
 * Thrown when a run is written as active (queued, in_progress, requires_action, cancelling) on a thread that
 * already has another active run: the store refused it (on Postgres, a partial unique index), whoever wrote first.
 */
export class ActiveRunConflictError extends Error {
  override name = 'ActiveRunConflictError'
  /** The thread. */
  readonly threadId: string
  /** The run that was refused. */
  readonly runId: string
  /** The run that holds the thread (null when it ended before it could be read). */
  readonly activeRunId: string | null

  constructor(threadId: string, runId: string, activeRunId: string | null, cause?: unknown) {
    super(
      `Thread ${threadId} already has an active run ${activeRunId ?? '(ended since)'}. Wait for it to end or cancel it, ` +
        'then create the run again.',
      cause === undefined ? undefined : { cause },
    )
    this.threadId = threadId
    this.runId = runId
    this.activeRunId = activeRunId
  }
}

/**
 * The asynchronous face of a synchronous store (memory, SQLite). Each call does its work at once; `transaction`
 * runs `work` without wrapping it, because a synchronous transaction cannot span awaits (the engine's own state
 * changes stay atomic: it writes the synchronous store directly). A second active run on a thread is refused here
 * too, as the Postgres index refuses it, so two requests interleaving at an await cannot both start one.
 */
export function dataOfStore(store: RunsStore): RunsData {
  const data: RunsData = {
    assistants: {
      get: async (id) => store.assistants.get(id),
      put: async (item) => store.assistants.put(item),
      delete: async (id) => store.assistants.delete(id),
      list: async () => store.assistants.list(),
      page: async (query) => paginate(store.assistants.list(), query),
    },
    threads: {
      get: async (id) => store.threads.get(id),
      put: async (item) => store.threads.put(item),
      delete: async (id) => store.threads.delete(id),
      list: async () => store.threads.list(),
      page: async (query) => paginate(store.threads.list(), query),
    },
    messages: scoped(store.messages),
    runs: {
      ...scoped(store.runs),
      put: async (threadId, run) => {
        if (activeStatuses.includes(run.status)) {
          const holder = store.runs
            .list(threadId)
            .find((other) => other.id !== run.id && activeStatuses.includes(other.status))
          if (holder) {
            throw new ActiveRunConflictError(threadId, run.id, holder.id)
          }
        }
        store.runs.put(threadId, run)
      },
    },
    steps: scoped(store.steps),
    transaction: (work) => work(data),
  }
  return data
}

function scoped<T extends { id: string }>(collection: ScopedCollection<T>): DataScopedCollection<T> {
  return {
    get: async (scope, id) => collection.get(scope, id),
    put: async (scope, item) => collection.put(scope, item),
    delete: async (scope, id) => collection.delete(scope, id),
    list: async (scope) => collection.list(scope),
    page: async (scope, query) => paginate(collection.list(scope), query),
    deleteScope: async (scope) => collection.deleteScope(scope),
  }
}
