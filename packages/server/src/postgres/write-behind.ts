// Owns the working set of the runs one instance drives on Postgres: a synchronous RunsStore in memory (what the
// engine reads and writes) loaded from the database, whose writes and events go to the database behind the engine,
// in one transaction per batch, and reach the instance's streams only once they are committed.
import type { EventHub } from '../events.ts'
import type { RunsStore, ScopedCollection } from '../store.ts'
import type {
  AssistantObject,
  MessageObject,
  RunObject,
  RunStepObject,
  StreamEvent,
  ThreadObject,
} from '../types.ts'
import { inTransaction } from './driver.ts'
import { appendEvents } from './events.ts'
import type { PostgresInstance } from './index.ts'
import { LeaseLostError } from './leases.ts'
import { terminalRunStatuses } from './schema.ts'
import { createPostgresData } from './store.ts'

/** Options of {@link createWorkingSet}. */
export interface WorkingSetOptions {
  db: PostgresInstance
  /** The instance's hub: a batch's events are published here after it commits. */
  hub: EventHub
  /** Clock (ms) of leases and `ended_at`. @defaultValue Date.now */
  now?: () => number
  /** Longest wait of a delta before its batch is written (ms). @defaultValue 15 */
  flushIntervalMs?: number
  /** A batch with this many events is written at once. @defaultValue 64 */
  maxBatchEvents?: number
  /** A batch found the run is not this instance's to write (another instance ended or holds it). */
  onLeaseLost?: (runId: string, error: LeaseLostError) => void
  /** A batch failed otherwise (the database is away): it is tried again, in order, after a pause. */
  onError?: (runId: string, error: unknown) => void
}

/** The working set: the engine's store and hub, and how the coordinator loads, flushes and drops runs. */
export interface WorkingSet {
  /** What the engine reads and writes (synchronous, in memory). */
  readonly store: RunsStore
  /** What the engine emits on: subscribing is the instance hub's; an event waits for its batch's commit. */
  readonly hub: EventHub
  /** Loads a run, its steps, its thread with every message, and its assistant; `reload` reads them again. */
  load(threadId: string, runId: string, options?: { reload?: boolean }): Promise<void>
  /** Resolves once everything queued for the run so far is committed; rejects with LeaseLostError if it cannot be. */
  flush(runId: string): Promise<void>
  /** Drops a run's objects (and its thread's once no loaded run needs them). */
  evict(runId: string): void
  /** Whether a run is loaded. */
  has(runId: string): boolean
  /** Counts, for tests and the bench: committed batches, rows and events written. */
  stats(): { batches: number; rows: number; events: number }
  /** Writes what is queued and stops the timers. */
  close(): Promise<void>
}

const terminal = new Set<string>(terminalRunStatuses)

interface Batch {
  runs: Map<string, RunObject>
  steps: Map<string, RunStepObject>
  messages: Map<string, MessageObject>
  events: StreamEvent[]
}

interface RunState {
  threadId: string
  pending: Batch
  /** The batches in flight, in order. */
  chain: Promise<void>
  timer: ReturnType<typeof setTimeout> | undefined
  soon: boolean
  /** Another instance holds or ended the run: nothing more is written for it. */
  lost: LeaseLostError | undefined
}

const emptyBatch = (): Batch => ({ runs: new Map(), steps: new Map(), messages: new Map(), events: [] })
const isEmpty = (batch: Batch) =>
  batch.runs.size === 0 && batch.steps.size === 0 && batch.messages.size === 0 && batch.events.length === 0

/** Creates the working set of one instance (see the module header). */
export function createWorkingSet(options: WorkingSetOptions): WorkingSet {
  const { db } = options
  const now = options.now ?? Date.now
  const interval = options.flushIntervalMs ?? 15
  const maxEvents = options.maxBatchEvents ?? 64
  const threads = new Map<string, ThreadObject>()
  const assistants = new Map<string, AssistantObject>()
  const messages = new Map<string, Map<string, MessageObject>>()
  const runs = new Map<string, Map<string, RunObject>>()
  const steps = new Map<string, Map<string, RunStepObject>>()
  const states = new Map<string, RunState>()
  const counts = { batches: 0, rows: 0, events: 0 }
  let closed = false

  function stateOf(runId: string, what: string): RunState {
    const state = states.get(runId)
    if (!state) {
      throw new Error(`oai-runs: the working set has no run ${runId} loaded (writing ${what}).`)
    }
    return state
  }

  /** Queues a write or an event; status changes go at once, deltas within `interval`. */
  function queue(state: RunState, runId: string, urgent: boolean) {
    if (state.lost || closed) {
      return
    }
    if (urgent || state.pending.events.length >= maxEvents) {
      if (!state.soon) {
        state.soon = true
        setImmediate(() => kick(runId))
      }
    } else if (!state.timer) {
      state.timer = setTimeout(() => kick(runId), interval)
    }
  }

  function kick(runId: string): Promise<void> {
    const state = states.get(runId)
    if (!state) {
      return Promise.resolve()
    }
    if (state.timer) {
      clearTimeout(state.timer)
      state.timer = undefined
    }
    state.soon = false
    const done = state.chain.then(() => write(runId, state))
    state.chain = done.catch(() => {})
    return done
  }

  async function write(runId: string, state: RunState): Promise<void> {
    if (state.lost) {
      throw state.lost
    }
    const batch = state.pending
    if (isEmpty(batch)) {
      return
    }
    state.pending = emptyBatch()
    for (let attempt = 0; ; attempt++) {
      try {
        await commit(runId, state, batch)
        break
      } catch (error) {
        if (error instanceof LeaseLostError) {
          state.lost = error
          state.pending = emptyBatch()
          options.onLeaseLost?.(runId, error)
          throw error
        }
        options.onError?.(runId, error)
        if (closed && attempt >= 2) {
          throw error
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 50 * 2 ** attempt)))
      }
    }
    counts.batches++
    counts.rows += batch.runs.size + batch.steps.size + batch.messages.size
    counts.events += batch.events.length
    for (const event of batch.events) {
      options.hub.emit(runId, event)
    }
  }

  async function commit(runId: string, state: RunState, batch: Batch) {
    await inTransaction(db.sql, async (tx) => {
      // Claim or fence: the run is written only by an instance that holds it, or by any while nobody does, and
      // never again once it ended in the database (another instance failed it after this one's lease lapsed).
      const [row] = await tx<{ status: string; metadata: RunObject['metadata'] }[]>`
        UPDATE runs SET owner = ${db.instanceId}, lease_expires_at = ${now() + db.leases.ttlMs}
        WHERE id = ${runId} AND (owner IS NULL OR owner = ${db.instanceId})
          AND status NOT IN ${tx(terminalRunStatuses)}
        RETURNING status, body->'metadata' AS metadata`
      if (!row) {
        throw new LeaseLostError(db.instanceId, runId)
      }
      const data = createPostgresData(tx, { now })
      const writes: Promise<void>[] = []
      let final: RunObject | undefined
      for (const run of batch.runs.values()) {
        // Other instances' routes write the run too: its metadata (modifyRun) and a cancel are kept.
        const kept: RunObject = {
          ...run,
          metadata: row.metadata,
          ...(row.status === 'cancelling' && ['queued', 'in_progress', 'requires_action'].includes(run.status)
            ? { status: 'cancelling' as const }
            : {}),
        }
        const local = runs.get(state.threadId)?.get(run.id)
        if (local) {
          runs.get(state.threadId)!.set(run.id, { ...local, metadata: row.metadata })
        }
        final = kept
        writes.push(data.runs.put(state.threadId, kept))
      }
      for (const step of batch.steps.values()) {
        writes.push(data.steps.put(runId, step))
      }
      for (const message of batch.messages.values()) {
        writes.push(data.messages.put(state.threadId, message))
      }
      if (batch.events.length > 0) {
        writes.push(
          appendEvents(
            tx,
            runId,
            batch.events.map((event) => ({
              event: event.event,
              data: typeof event.data === 'string' ? event.data : JSON.stringify(event.data),
            })),
            now(),
          ).then(() => {}),
        )
      }
      // The driver pipelines these on the transaction's connection, in order.
      await Promise.all(writes)
      if (final && (final.status === 'requires_action' || terminal.has(final.status))) {
        await tx`UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE id = ${runId}`
      }
    })
  }

  function scoped<T extends { id: string }>(
    key: 'runs' | 'steps' | 'messages',
    maps: Map<string, Map<string, T>>,
    runOf: (scope: string, item: T) => string | null,
  ): ScopedCollection<T> {
    return {
      get: (scope, id) => maps.get(scope)?.get(id),
      put: (scope, item) => {
        const runId = runOf(scope, item)
        const state = stateOf(runId ?? '(none)', item.id)
        let items = maps.get(scope)
        if (!items) {
          items = new Map()
          maps.set(scope, items)
        }
        const previous = items.get(item.id)
        items.set(item.id, item)
        ;(state.pending[key] as unknown as Map<string, T>).set(item.id, item)
        const status = (item as { status?: string }).status
        queue(state, runId!, previous === undefined || (previous as { status?: string }).status !== status)
      },
      delete: () => {
        throw new Error('oai-runs: the engine does not delete objects of a run it drives.')
      },
      list: (scope) => [...(maps.get(scope)?.values() ?? [])],
      deleteScope: () => {
        throw new Error('oai-runs: the engine does not delete objects of a run it drives.')
      },
    }
  }

  const readOnly = <T extends { id: string }>(map: Map<string, T>) => ({
    get: (id: string) => map.get(id),
    put: () => {
      throw new Error('oai-runs: the engine does not write assistants or threads.')
    },
    delete: () => false,
    list: () => [...map.values()],
  })

  const store: RunsStore = {
    assistants: readOnly(assistants),
    threads: readOnly(threads),
    messages: scoped('messages', messages, (_scope, message) => message.run_id),
    runs: scoped('runs', runs, (_scope, run) => run.id),
    steps: scoped('steps', steps, (scope) => scope),
    // Writes land in memory at once and in the database as one batch per run: a unit is never split.
    transaction: (work) => work(),
  }

  const hub: EventHub = {
    subscribe: (runId, listener) => options.hub.subscribe(runId, listener),
    emit(runId, event) {
      const state = stateOf(runId, event.event)
      if (state.lost || closed) {
        return
      }
      state.pending.events.push(event)
      queue(state, runId, !event.event.endsWith('.delta'))
    },
  }

  async function load(threadId: string, runId: string, loadOptions: { reload?: boolean } = {}) {
    const existing = states.get(runId)
    if (existing && !loadOptions.reload && !existing.lost) {
      return
    }
    if (existing) {
      await kick(runId).catch(() => {})
    }
    const [thread, run, threadMessages, runSteps] = await Promise.all([
      db.data.threads.get(threadId),
      db.data.runs.get(threadId, runId),
      db.data.messages.list(threadId),
      db.data.steps.list(runId),
    ])
    if (!thread || !run) {
      throw new Error(`oai-runs: run ${runId} of thread ${threadId} is not in the database.`)
    }
    const assistant = await db.data.assistants.get(run.assistant_id)
    threads.set(threadId, thread)
    if (assistant) {
      assistants.set(assistant.id, assistant)
    }
    messages.set(threadId, new Map(threadMessages.map((message) => [message.id, message])))
    let threadRuns = runs.get(threadId)
    if (!threadRuns) {
      threadRuns = new Map()
      runs.set(threadId, threadRuns)
    }
    threadRuns.set(runId, run)
    steps.set(runId, new Map(runSteps.map((step) => [step.id, step])))
    states.set(runId, {
      threadId,
      pending: emptyBatch(),
      chain: existing?.chain ?? Promise.resolve(),
      timer: undefined,
      soon: false,
      lost: undefined,
    })
  }

  return {
    store,
    hub,
    load,
    flush: (runId) => (states.has(runId) ? kick(runId) : Promise.resolve()),
    evict(runId) {
      const state = states.get(runId)
      if (!state) {
        return
      }
      if (state.timer) {
        clearTimeout(state.timer)
      }
      states.delete(runId)
      steps.delete(runId)
      const threadRuns = runs.get(state.threadId)
      threadRuns?.delete(runId)
      if (![...states.values()].some((other) => other.threadId === state.threadId)) {
        runs.delete(state.threadId)
        messages.delete(state.threadId)
        threads.delete(state.threadId)
      }
      if (states.size === 0) {
        assistants.clear()
      }
    },
    has: (runId) => states.has(runId),
    stats: () => ({ ...counts }),
    async close() {
      await Promise.all([...states.keys()].map((runId) => kick(runId).catch(() => {})))
      closed = true
    },
  }
}
