// The shape of a RunSnapshot and the small pieces every fold of it uses: empty snapshots, entity collections, statuses.
import type { DeltaRejectionCode } from '../delta-merge.ts'
import type { ErrorObject, Message, Run, RunStep, Thread } from '../types.ts'
import { isTerminalRunStatus } from '../types.ts'

/**
 * Where the stream stands: `idle` before any event, `streaming` while the run works, `requires_action` when it
 * waits for tool outputs, `done` after a terminal run event, `error` after an `event: error` frame, and
 * `truncated` when the stream ended early (set by RunStream, never by an event).
 */
export type RunSnapshotStatus = 'idle' | 'streaming' | 'requires_action' | 'done' | 'error' | 'truncated'

/** Entities in arrival order: `ids` keeps the order, `byId` the (immutable) objects. */
export type EntityCollection<T> = { ids: readonly string[]; byId: Readonly<Record<string, T>> }

/**
 * Everything a run stream has said so far. Immutable: each change makes a new snapshot, and every step,
 * message, `ids` array and `byId` record that did not change keeps its identity (checklist C8).
 */
export type RunSnapshot = {
  thread: Thread | null
  run: Run | null
  steps: EntityCollection<RunStep>
  messages: EntityCollection<Message>
  status: RunSnapshotStatus
  /** The data of the `event: error` frame, once one arrived. */
  error: ErrorObject | null
}

/** Why the reducer ignored (part of) an event. */
export type RunSnapshotWarningCode =
  | DeltaRejectionCode
  | 'delta_before_created'
  | 'delta_after_completed'
  | 'stale_event'

/** A note about an event the reducer ignored or had to patch up (checklist S12, S13). */
export type RunSnapshotWarning = {
  code: RunSnapshotWarningCode
  event: string
  id: string | null
  message: string
}

/** Options of `reduceRunEvent`. */
export type ReduceOptions = {
  /** Called for each ignored or patched-up event; the reducer never throws on bad server data. */
  onWarning?: ((warning: RunSnapshotWarning) => void) | undefined
}

const EMPTY_COLLECTION: EntityCollection<never> = { ids: [], byId: {} }

/** A snapshot with nothing in it, or seeded with `init` (e.g. the snapshot a requires_action stream ended with). */
export function emptyRunSnapshot(init: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    thread: null,
    run: null,
    steps: EMPTY_COLLECTION,
    messages: EMPTY_COLLECTION,
    status: 'idle',
    error: null,
    ...init,
  }
}

/** The entities of a collection in arrival order. */
export function listEntities<T>(collection: EntityCollection<T>): T[] {
  return collection.ids.map((id) => collection.byId[id]!)
}

export function getEntity<T>(collection: EntityCollection<T>, id: string): T | undefined {
  return Object.hasOwn(collection.byId, id) ? collection.byId[id] : undefined
}

// The hot path of a text delta. A plain `{ ...object }` hits V8's fast clone; a spread with extra keys does not,
// so objects are cloned first and then assigned (ids are checked against unsafe keys before they get here).
function putEntity<T>(collection: EntityCollection<T>, id: string, entity: T): EntityCollection<T> {
  const byId: Record<string, T> = { ...collection.byId }
  byId[id] = entity
  return { ids: Object.hasOwn(collection.byId, id) ? collection.ids : [...collection.ids, id], byId }
}

export function withMessage(snapshot: RunSnapshot, id: string, message: Message): RunSnapshot {
  const next = { ...snapshot }
  next.messages = putEntity(snapshot.messages, id, message)
  next.status = streaming(snapshot)
  return next
}

export function withStep(snapshot: RunSnapshot, id: string, step: RunStep): RunSnapshot {
  const next = { ...snapshot }
  next.steps = putEntity(snapshot.steps, id, step)
  next.status = streaming(snapshot)
  return next
}

export const TERMINAL_MESSAGE_STATUSES: ReadonlySet<string> = new Set(['completed', 'incomplete'])
export const TERMINAL_STEP_STATUSES: ReadonlySet<string> = new Set([
  'completed',
  'failed',
  'cancelled',
  'expired',
])

export function streaming(snapshot: RunSnapshot): RunSnapshotStatus {
  return snapshot.status === 'idle' ? 'streaming' : snapshot.status
}

export function runStatus(run: Run): RunSnapshotStatus {
  if (run.status === 'requires_action') {
    return 'requires_action'
  }
  return isTerminalRunStatus(run.status) ? 'done' : 'streaming'
}
