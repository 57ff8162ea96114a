// Owns the working set of the runs one instance drives on Postgres: a synchronous RunsStore in memory (what the
// engine reads and writes) loaded from the database, whose writes and events go to the database behind the engine
// and reach the instance's streams only once they are committed. Writes are group-committed: one transaction at a
// time carries every run's pending batch (group-write.ts), so the statements per second stay flat as runs grow; a
// run's batches commit in order because the next transaction starts only after the last one ended.
// Over 400 lines because the batching (queue, hold, take, pump, settle, retry) and the store and hub the engine
// writes through share one closure's state: split, each half would reach into the other's maps.
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
import { type ClaimedRow, writeGroup } from './group-write.ts'
import type { PostgresInstance } from './index.ts'
import { LeaseLostError } from './leases.ts'

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
  /**
   * A message or step that changed without a status change (its text streaming) is written at most this often (ms):
   * its deltas are in every batch's events, and a status change or a flush writes it at once. @defaultValue 250
   */
  bodyIntervalMs?: number
  /** A batch found the run is not this instance's to write (another instance ended or holds it). */
  onLeaseLost?: (runId: string, error: LeaseLostError) => void
  /** A write of these runs failed otherwise (the database is away): it is tried again, in order, after a pause. */
  onError?: (error: unknown, runIds: readonly string[]) => void
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
  /** Counts, for tests and the bench: committed transactions (groups), runs' batches in them, rows and events. */
  stats(): { groups: number; batches: number; rows: number; events: number }
  /** Writes what is queued and stops the timers. */
  close(): Promise<void>
}

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

interface Batch {
  runs: Map<string, RunObject>
  steps: Map<string, RunStepObject>
  messages: Map<string, MessageObject>
  events: StreamEvent[]
  /** Flushes waiting for this batch's commit. */
  waiters: Waiter[]
}

interface RunState {
  runId: string
  threadId: string
  /** What the engine wrote since the run's last batch was taken. */
  pending: Batch
  /** The run's batch in the group being written. */
  writing: Batch | undefined
  /** A statement of a group failed: the run is written in a transaction of its own until that succeeds. */
  solo: boolean
  /** Refusals in a row of the run's own transaction (a data error): its next try waits longer. */
  refusals: number
  /** When the run's next try may start, after a refusal (`performance.now()`); 0 when it may go at once. */
  retryAt: number
  /** A status change or a flush is queued: the next batch takes the streaming bodies too. */
  urgent: boolean
  /** When the run's messages and steps were last taken into a batch (`performance.now()`). */
  bodiesAt: number
  /** Another instance holds or ended the run: nothing more is written for it. */
  lost: LeaseLostError | undefined
}

/** Events written in one group at most; the rest of the runs go in the next. */
const maxGroupEvents = 8192

const emptyBatch = (): Batch => ({
  runs: new Map(),
  steps: new Map(),
  messages: new Map(),
  events: [],
  waiters: [],
})
const isEmpty = (batch: Batch) =>
  batch.runs.size === 0 && batch.steps.size === 0 && batch.messages.size === 0 && batch.events.length === 0

/** A batch that failed, followed by what the engine wrote since (which is newer, so it wins per object). */
function merged(older: Batch, newer: Batch): Batch {
  return {
    runs: new Map([...older.runs, ...newer.runs]),
    steps: new Map([...older.steps, ...newer.steps]),
    messages: new Map([...older.messages, ...newer.messages]),
    events: [...older.events, ...newer.events],
    waiters: [...older.waiters, ...newer.waiters],
  }
}

/** Whether the database refused a statement (a data error, the same on a retry) rather than being away. */
const isStatementError = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  typeof (error as { severity?: unknown }).severity === 'string'

/** Creates the working set of one instance (see the module header). */
export function createWorkingSet(options: WorkingSetOptions): WorkingSet {
  const { db } = options
  const now = options.now ?? Date.now
  const interval = options.flushIntervalMs ?? 15
  const maxEvents = options.maxBatchEvents ?? 64
  const bodyInterval = options.bodyIntervalMs ?? 250
  const threads = new Map<string, ThreadObject>()
  const assistants = new Map<string, AssistantObject>()
  const messages = new Map<string, Map<string, MessageObject>>()
  const runs = new Map<string, Map<string, RunObject>>()
  const steps = new Map<string, Map<string, RunStepObject>>()
  const states = new Map<string, RunState>()
  /** Runs with a pending batch, in the order they first wrote. */
  const dirty = new Set<RunState>()
  const counts = { groups: 0, batches: 0, rows: 0, events: 0 }
  let timer: ReturnType<typeof setTimeout> | undefined
  let soon = false
  let writing: Promise<void> | undefined
  /** Failed writes in a row (the database is away): the next one waits longer. */
  let failures = 0
  let backoff: ReturnType<typeof setTimeout> | undefined
  /** Runs whose own transaction was refused, waiting for their `retryAt`, and the timer that lets them go. */
  const refused = new Set<RunState>()
  let refusedTimer: ReturnType<typeof setTimeout> | undefined
  /** Runs whose streaming bodies wait for `bodyInterval`, and the timer that lets them go. */
  const held = new Set<RunState>()
  let heldTimer: ReturnType<typeof setTimeout> | undefined
  let closing = false
  let closed = false

  function stateOf(runId: string, what: string): RunState {
    const state = states.get(runId)
    if (!state) {
      throw new Error(`oai-runs: the working set has no run ${runId} loaded (writing ${what}).`)
    }
    return state
  }

  /** Queues a write or an event; status changes go at once, deltas within `interval`. */
  function queue(state: RunState, urgent: boolean) {
    if (state.lost || closed) {
      return
    }
    dirty.add(state)
    state.urgent ||= urgent
    schedule(urgent || state.pending.events.length >= maxEvents)
  }

  /** Holds back a run's streaming message and step bodies until they are due (see `bodyIntervalMs`). */
  function hold(state: RunState) {
    held.add(state)
    heldTimer ??= setTimeout(() => {
      heldTimer = undefined
      for (const waiting of held) {
        waiting.urgent = true
        dirty.add(waiting)
      }
      held.clear()
      schedule(true)
    }, bodyInterval)
  }

  /** Parks a run whose own transaction was refused until its `retryAt`; the other runs' writes go on meanwhile. */
  function retryLater(state: RunState) {
    refused.add(state)
    armRefused()
  }

  function armRefused() {
    if (refusedTimer || refused.size === 0) {
      return
    }
    const next = Math.min(...[...refused].map((waiting) => waiting.retryAt))
    refusedTimer = setTimeout(
      () => {
        refusedTimer = undefined
        const at = performance.now()
        for (const waiting of refused) {
          if (waiting.retryAt <= at) {
            refused.delete(waiting)
            dirty.add(waiting)
          }
        }
        armRefused()
        schedule(true)
      },
      Math.max(0, next - performance.now()),
    )
  }

  /** Takes the run's pending batch into `writing`; streaming bodies not yet due stay pending. */
  function take(state: RunState): boolean {
    const pending = state.pending
    // A flush waiting on the batch wants everything written, bodies too.
    const due =
      state.urgent || pending.waiters.length > 0 || performance.now() - state.bodiesAt >= bodyInterval
    const bodies = pending.messages.size + pending.steps.size > 0
    const kept = emptyBatch()
    if (bodies && !due) {
      kept.messages = pending.messages
      kept.steps = pending.steps
      pending.messages = new Map()
      pending.steps = new Map()
    }
    if (isEmpty(pending)) {
      // Only bodies that are not due yet: nothing to write now.
      kept.waiters = pending.waiters
      state.pending = kept
      hold(state)
      return false
    }
    state.writing = pending
    state.pending = kept
    state.urgent = false
    if (bodies && due) {
      state.bodiesAt = performance.now()
    } else if (bodies) {
      hold(state)
    }
    return true
  }

  function schedule(atOnce: boolean) {
    if (writing || backoff) {
      return // the write in flight (or the pause after a failure) ends with a pump
    }
    if (atOnce) {
      if (!soon) {
        soon = true
        setImmediate(pump)
      }
    } else {
      timer ??= setTimeout(pump, interval)
    }
  }

  /** Takes every pending batch and writes them: one transaction for the group, one for each solo run. */
  function pump() {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    soon = false
    if (writing || backoff || dirty.size === 0) {
      return
    }
    const group: RunState[] = []
    const solos: RunState[] = []
    let events = 0
    for (const state of dirty) {
      if (events >= maxGroupEvents) {
        break
      }
      dirty.delete(state)
      if (state.lost || isEmpty(state.pending)) {
        continue
      }
      if (state.retryAt > performance.now()) {
        retryLater(state) // its pause after a refusal is not over: the timer puts it back
        continue
      }
      events += state.pending.events.length
      if (take(state)) {
        ;(state.solo ? solos : group).push(state)
      }
    }
    writing = writeAll(group, solos).finally(() => {
      writing = undefined
      if (dirty.size > 0) {
        schedule(true)
      }
    })
  }

  async function writeAll(group: RunState[], solos: RunState[]) {
    let failed: unknown
    if (group.length > 0) {
      failed = await writeOne(group)
    }
    for (const state of solos) {
      failed = (await writeOne([state])) ?? failed
    }
    if (failed === undefined) {
      failures = 0
      return
    }
    failures++
    if (closing && failures >= 3) {
      for (const state of dirty) {
        for (const waiter of state.pending.waiters) {
          waiter.reject(failed)
        }
        state.pending = emptyBatch()
      }
      dirty.clear()
      return
    }
    backoff = setTimeout(
      () => {
        backoff = undefined
        pump()
      },
      Math.min(5000, 50 * 2 ** (failures - 1)),
    )
  }

  /** Writes `states`' batches in one transaction; returns the error when it failed (their batches are put back). */
  async function writeOne(group: RunState[]): Promise<unknown> {
    const batches = group.map((state) => ({
      runId: state.runId,
      threadId: state.threadId,
      ...state.writing!,
    }))
    try {
      const claimed = await inTransaction(db.sql, (tx) =>
        writeGroup(tx, batches, db.instanceId, now() + db.leases.ttlMs, now()),
      )
      counts.groups++
      for (const state of group) {
        settle(state, claimed.get(state.runId))
      }
      return undefined
    } catch (error) {
      options.onError?.(
        error,
        group.map((state) => state.runId),
      )
      const refusedAlone = group.length === 1 && isStatementError(error)
      if (refusedAlone) {
        refuse(group[0]!, error)
        return undefined // not the database being away: the other runs' writes go on
      }
      const isolate = group.length > 1 && isStatementError(error)
      for (const state of group) {
        // Back in front of what the engine wrote since, in order; a refused statement splits the group, so that
        // one run's bad write does not hold the others.
        // Bodies taken as due stay due.
        state.urgent ||= state.writing!.messages.size + state.writing!.steps.size > 0
        state.pending = merged(state.writing!, state.pending)
        state.writing = undefined
        state.solo ||= isolate
        if (!state.lost && !closed) {
          dirty.add(state)
        }
      }
      return isolate ? undefined : error
    }
  }

  /**
   * The database refused the run's own transaction: its batches wait (50 ms, doubling up to 5 s) and are tried
   * again; while closing, after three refusals they are given up and its flushes reject with the error.
   */
  function refuse(state: RunState, error: unknown) {
    const batch = merged(state.writing!, state.pending)
    state.urgent ||= state.writing!.messages.size + state.writing!.steps.size > 0
    state.writing = undefined
    state.refusals++
    if ((closing && state.refusals >= 3) || closed) {
      state.pending = emptyBatch()
      for (const waiter of batch.waiters) {
        waiter.reject(error)
      }
      return
    }
    state.pending = batch
    state.retryAt = performance.now() + Math.min(5000, 50 * 2 ** (state.refusals - 1))
    retryLater(state)
  }

  function settle(state: RunState, claimed: ClaimedRow | undefined) {
    const batch = state.writing!
    state.writing = undefined
    if (!claimed) {
      const error = new LeaseLostError(db.instanceId, state.runId)
      state.lost = error
      const dropped = [...batch.waiters, ...state.pending.waiters]
      state.pending = emptyBatch()
      dirty.delete(state)
      for (const waiter of dropped) {
        waiter.reject(error)
      }
      options.onLeaseLost?.(state.runId, error)
      return
    }
    state.solo = false
    state.refusals = 0
    state.retryAt = 0
    // Other instances' routes write the run's metadata (modifyRun): the working set takes what the database kept.
    const local = runs.get(state.threadId)
    for (const run of batch.runs.values()) {
      const current = local?.get(run.id)
      if (current && states.get(state.runId) === state) {
        local!.set(run.id, { ...current, metadata: claimed.metadata })
      }
    }
    counts.batches++
    counts.rows += batch.runs.size + batch.steps.size + batch.messages.size
    counts.events += batch.events.length
    for (const event of batch.events) {
      options.hub.emit(state.runId, event)
    }
    for (const waiter of batch.waiters) {
      waiter.resolve()
    }
  }

  /** Resolves once everything the run queued so far is committed. */
  function flushRun(runId: string): Promise<void> {
    const state = states.get(runId)
    if (!state) {
      return Promise.resolve()
    }
    if (state.lost) {
      return Promise.reject(state.lost)
    }
    const batch = !isEmpty(state.pending) ? state.pending : state.writing
    if (!batch) {
      return Promise.resolve()
    }
    return new Promise<void>((resolve, reject) => {
      batch.waiters.push({ resolve, reject })
      if (batch === state.pending) {
        state.urgent = true
        dirty.add(state)
        schedule(true)
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
        queue(state, previous === undefined || (previous as { status?: string }).status !== status)
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
      queue(state, !event.event.endsWith('.delta'))
    },
  }

  async function load(threadId: string, runId: string, loadOptions: { reload?: boolean } = {}) {
    const existing = states.get(runId)
    if (existing && !loadOptions.reload && !existing.lost) {
      return
    }
    if (existing) {
      await flushRun(runId).catch(() => {})
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
    if (existing) {
      dirty.delete(existing)
    }
    states.set(runId, {
      runId,
      threadId,
      pending: emptyBatch(),
      writing: undefined,
      solo: false,
      refusals: 0,
      retryAt: 0,
      urgent: false,
      bodiesAt: 0,
      lost: undefined,
    })
  }

  return {
    store,
    hub,
    load,
    flush: flushRun,
    evict(runId) {
      const state = states.get(runId)
      if (!state) {
        return
      }
      dirty.delete(state)
      held.delete(state)
      refused.delete(state)
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
      closing = true
      await Promise.all([...states.keys()].map((runId) => flushRun(runId).catch(() => {})))
      closed = true
      clearTimeout(timer)
      clearTimeout(backoff)
      clearTimeout(heldTimer)
      clearTimeout(refusedTimer)
    },
  }
}
