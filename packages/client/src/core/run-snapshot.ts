// The pure run-stream reducer: folds RunStreamEvents into one RunSnapshot. Same input, same output; no I/O.
import {
  assertSafePayload,
  DeltaRejectedError,
  type DeltaRejectionCode,
  isPlainObject,
  isUnsafeKey,
  MAX_DELTA_INDEX,
  mergeDelta,
} from './delta-merge.ts'
import type {
  ErrorObject,
  Message,
  MessageDelta,
  Run,
  RunStep,
  RunStepDelta,
  RunStreamEvent,
  Thread,
  UnknownStreamEvent,
} from './types.ts'
import { isKnownStreamEvent, isTerminalRunStatus } from './types.ts'

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

function getEntity<T>(collection: EntityCollection<T>, id: string): T | undefined {
  return Object.hasOwn(collection.byId, id) ? collection.byId[id] : undefined
}

// The hot path of a text delta. A plain `{ ...object }` hits V8's fast clone; a spread with extra keys does not,
// so objects are cloned first and then assigned (ids are checked against unsafe keys before they get here).
function putEntity<T>(collection: EntityCollection<T>, id: string, entity: T): EntityCollection<T> {
  const byId: Record<string, T> = { ...collection.byId }
  byId[id] = entity
  return { ids: Object.hasOwn(collection.byId, id) ? collection.ids : [...collection.ids, id], byId }
}

function withMessage(snapshot: RunSnapshot, id: string, message: Message): RunSnapshot {
  const next = { ...snapshot }
  next.messages = putEntity(snapshot.messages, id, message)
  next.status = streaming(snapshot)
  return next
}

function withStep(snapshot: RunSnapshot, id: string, step: RunStep): RunSnapshot {
  const next = { ...snapshot }
  next.steps = putEntity(snapshot.steps, id, step)
  next.status = streaming(snapshot)
  return next
}

const TERMINAL_MESSAGE_STATUSES: ReadonlySet<string> = new Set(['completed', 'incomplete'])
const TERMINAL_STEP_STATUSES: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled', 'expired'])

function streaming(snapshot: RunSnapshot): RunSnapshotStatus {
  return snapshot.status === 'idle' ? 'streaming' : snapshot.status
}

function runStatus(run: Run): RunSnapshotStatus {
  if (run.status === 'requires_action') {
    return 'requires_action'
  }
  return isTerminalRunStatus(run.status) ? 'done' : 'streaming'
}

function placeholderMessage(snapshot: RunSnapshot, delta: MessageDelta): Message {
  return {
    id: delta.id,
    object: 'thread.message',
    created_at: 0,
    thread_id: snapshot.run?.thread_id ?? snapshot.thread?.id ?? '',
    status: 'in_progress',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: delta.delta.role ?? 'assistant',
    content: [],
    assistant_id: snapshot.run?.assistant_id ?? null,
    run_id: snapshot.run?.id ?? null,
    attachments: null,
  }
}

function placeholderStep(snapshot: RunSnapshot, delta: RunStepDelta): RunStep {
  const isMessageCreation = delta.delta.step_details?.type === 'message_creation'
  return {
    id: delta.id,
    object: 'thread.run.step',
    created_at: 0,
    assistant_id: snapshot.run?.assistant_id ?? '',
    thread_id: snapshot.run?.thread_id ?? snapshot.thread?.id ?? '',
    run_id: snapshot.run?.id ?? '',
    type: isMessageCreation ? 'message_creation' : 'tool_calls',
    status: 'in_progress',
    step_details: isMessageCreation
      ? { type: 'message_creation', message_creation: { message_id: '' } }
      : { type: 'tool_calls', tool_calls: [] },
    last_error: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
  }
}

function warn(options: ReduceOptions, event: RunStreamEvent, code: RunSnapshotWarningCode, message: string) {
  const id = hasEntityId(event.data) ? event.data.id : null
  options.onWarning?.({ code, event: event.event, id, message })
}

function reduceMessage(snapshot: RunSnapshot, event: RunStreamEvent, options: ReduceOptions): RunSnapshot {
  if (event.event === 'thread.message.delta') {
    const delta = event.data
    const existing = getEntity(snapshot.messages, delta.id)
    if (existing && TERMINAL_MESSAGE_STATUSES.has(existing.status)) {
      warn(
        options,
        event,
        'delta_after_completed',
        `ignored a delta for ${existing.status} message ${delta.id}`,
      )
      return snapshot
    }
    if (!existing) {
      warn(options, event, 'delta_before_created', `created a placeholder for message ${delta.id}`)
    }
    const base = existing ?? placeholderMessage(snapshot, delta)
    const content = mergeDelta(base.content, delta.delta.content, 'content')
    const role = delta.delta.role ?? base.role
    if (existing && content === base.content && role === base.role) {
      return snapshot
    }
    const message = { ...base }
    message.content = content
    message.role = role
    return withMessage(snapshot, delta.id, message)
  }
  const message = event.data as Message
  const existing = getEntity(snapshot.messages, message.id)
  let next = message
  if (event.event === 'thread.message.created' || event.event === 'thread.message.in_progress') {
    if (existing && TERMINAL_MESSAGE_STATUSES.has(existing.status)) {
      warn(
        options,
        event,
        'stale_event',
        `ignored ${event.event} for ${existing.status} message ${message.id}`,
      )
      return snapshot
    }
    // Deltas folded before this event (placeholder, or a late in_progress) are newer than its content.
    if (existing && Array.isArray(existing.content) && existing.content.length > 0) {
      next = { ...message, content: existing.content }
    }
  }
  return withMessage(snapshot, message.id, next)
}

function reduceStep(snapshot: RunSnapshot, event: RunStreamEvent, options: ReduceOptions): RunSnapshot {
  if (event.event === 'thread.run.step.delta') {
    const delta = event.data
    const existing = getEntity(snapshot.steps, delta.id)
    if (existing && TERMINAL_STEP_STATUSES.has(existing.status)) {
      warn(options, event, 'delta_after_completed', `ignored a delta for ${existing.status} step ${delta.id}`)
      return snapshot
    }
    if (!existing) {
      warn(options, event, 'delta_before_created', `created a placeholder for step ${delta.id}`)
    }
    const base = existing ?? placeholderStep(snapshot, delta)
    const details = mergeDelta(base.step_details, delta.delta.step_details, 'step_details')
    if (existing && details === base.step_details) {
      return snapshot
    }
    const step = { ...base }
    step.step_details = details
    return withStep(snapshot, delta.id, step)
  }
  const step = event.data as RunStep
  const existing = getEntity(snapshot.steps, step.id)
  let next = step
  if (event.event === 'thread.run.step.created' || event.event === 'thread.run.step.in_progress') {
    if (existing && TERMINAL_STEP_STATUSES.has(existing.status)) {
      warn(options, event, 'stale_event', `ignored ${event.event} for ${existing.status} step ${step.id}`)
      return snapshot
    }
    const details = existing?.step_details
    if (
      details?.type === 'tool_calls' &&
      Array.isArray(details.tool_calls) &&
      details.tool_calls.length > 0
    ) {
      next = { ...step, step_details: details }
    }
  }
  // A terminal step event carries the server's full object (e.g. function outputs after a submit): it wins.
  return withStep(snapshot, step.id, next)
}

function toErrorObject(data: unknown): ErrorObject {
  const inner = isPlainObject(data) && isPlainObject(data.error) ? data.error : data
  const raw = isPlainObject(inner) ? inner : {}
  return {
    code: typeof raw.code === 'string' ? raw.code : null,
    message: typeof raw.message === 'string' ? raw.message : 'The stream sent an error.',
    param: typeof raw.param === 'string' ? raw.param : null,
    type: typeof raw.type === 'string' ? raw.type : 'server_error',
  }
}

function hasEntityId(data: unknown): data is { id: string } {
  return isPlainObject(data) && typeof data.id === 'string' && data.id !== '' && !isUnsafeKey(data.id)
}

function isDeltaEvent(event: RunStreamEvent): boolean {
  return event.event === 'thread.message.delta' || event.event === 'thread.run.step.delta'
}

function assertValidDelta(data: unknown): void {
  const delta = isPlainObject(data) ? data.delta : undefined
  if (!isPlainObject(data) || !isPlainObject(delta)) {
    throw new DeltaRejectedError('bad_payload', 'its data has no delta object')
  }
  for (const key in data) {
    if (isUnsafeKey(key)) {
      throw new DeltaRejectedError('unsafe_key', `payload holds the forbidden key "${key}"`)
    }
  }
  for (const key in delta) {
    if (isUnsafeKey(key)) {
      throw new DeltaRejectedError('unsafe_key', `delta holds the forbidden key "${key}"`)
    }
  }
  const { role, content, step_details: details } = delta
  const valid =
    (role === undefined || role === 'user' || role === 'assistant') &&
    (content === undefined || Array.isArray(content)) &&
    (details === undefined || isPlainObject(details))
  if (!valid) {
    throw new DeltaRejectedError('bad_payload', 'its delta has the wrong shape')
  }
}

function reduceKnownEvent(snapshot: RunSnapshot, event: RunStreamEvent, options: ReduceOptions): RunSnapshot {
  switch (event.event) {
    case 'thread.created': {
      return { ...snapshot, thread: event.data, status: streaming(snapshot) }
    }
    case 'thread.run.created':
    case 'thread.run.queued':
    case 'thread.run.in_progress':
    case 'thread.run.requires_action':
    case 'thread.run.completed':
    case 'thread.run.incomplete':
    case 'thread.run.failed':
    case 'thread.run.cancelling':
    case 'thread.run.cancelled':
    case 'thread.run.expired': {
      return { ...snapshot, run: event.data, status: runStatus(event.data) }
    }
    case 'thread.run.step.created':
    case 'thread.run.step.in_progress':
    case 'thread.run.step.delta':
    case 'thread.run.step.completed':
    case 'thread.run.step.failed':
    case 'thread.run.step.cancelled':
    case 'thread.run.step.expired': {
      return reduceStep(snapshot, event, options)
    }
    case 'thread.message.created':
    case 'thread.message.in_progress':
    case 'thread.message.delta':
    case 'thread.message.completed':
    case 'thread.message.incomplete': {
      return reduceMessage(snapshot, event, options)
    }
    case 'error': {
      return { ...snapshot, status: 'error', error: toErrorObject(event.data) }
    }
    case 'done': {
      return snapshot
    }
    default: {
      return event satisfies never
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The text-delta fast path. ~98% of a real stream is `thread.message.delta` events that append one piece of text to
// an existing text part. `appendText` recognises exactly that case (anything else returns `undefined` and goes the
// general way) and applies it without the generic merge: the checks below are those the general path would make for
// this shape, so the result is the same, warnings included (the fast path never warns).

/**
 * The objects a fold made since its snapshot was last read, along the path of the last text delta: nobody else
 * can see them, so they may change in place. Empty for the pure reducer.
 */
type Owned = {
  id?: string
  index?: number
  snapshot?: RunSnapshot
  byId?: Record<string, Message>
  message?: Message
  content?: unknown[]
  part?: Record<string, unknown>
  text?: Record<string, unknown>
}

// What the pure reducer passes: it owns nothing, so it copies everything it changes (and records nothing).
const NOTHING_OWNED: Owned = Object.freeze({})

// True when the enumerable keys of `value` (inherited ones included, as for-in lists them) are `count` of `a`, `b`,
// `c`. Whether a key the fast path reads must be the object's own is checked where it matters.
function hasExactKeys(value: Record<string, unknown>, count: number, a: string, b = a, c = a): boolean {
  let seen = 0
  for (const key in value) {
    if (key !== a && key !== b && key !== c) {
      return false
    }
    seen++
  }
  return seen === count
}

function ownPlainObject(value: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const inner = Object.hasOwn(value, key) ? value[key] : undefined
  return isPlainObject(inner) ? inner : undefined
}

/**
 * Folds a message delta that only appends text to an existing text part of an existing, unfinished message;
 * returns `undefined` (nothing done) for any other delta. What `owned` holds changes in place; every other object
 * on the path is copied (and then owned).
 */
function appendText(snapshot: RunSnapshot, data: unknown, owned: Owned): RunSnapshot | undefined {
  // The delta: {id, delta: {content: [{index, type: 'text', text: {value}}]}}, nothing more, no unsafe key.
  if (!isPlainObject(data)) {
    return undefined
  }
  const id = data.id
  const delta = data.delta
  if (typeof id !== 'string' || id === '' || isUnsafeKey(id) || !isPlainObject(delta)) {
    return undefined
  }
  for (const key in data) {
    if (isUnsafeKey(key)) {
      return undefined
    }
  }
  const content = delta.content
  if (
    !hasExactKeys(delta, 1, 'content') ||
    delta.role !== undefined ||
    delta.step_details !== undefined ||
    !Array.isArray(content) ||
    content.length !== 1
  ) {
    return undefined
  }
  const partDelta = content[0]
  if (!isPlainObject(partDelta) || !hasExactKeys(partDelta, 3, 'index', 'type', 'text')) {
    return undefined
  }
  const index = partDelta.index
  const textDelta = ownPlainObject(partDelta, 'text')
  const piece = textDelta !== undefined && Object.hasOwn(textDelta, 'value') ? textDelta.value : undefined
  if (
    typeof index !== 'number' ||
    !Number.isInteger(index) ||
    index < 0 ||
    partDelta.type !== 'text' ||
    typeof piece !== 'string' ||
    !hasExactKeys(textDelta as Record<string, unknown>, 1, 'value')
  ) {
    return undefined
  }
  if (owned.snapshot === snapshot && owned.id === id && owned.index === index && owned.text) {
    // The text the last delta went to, on a path the fold made and nothing changed since (any other event would
    // have made a new snapshot): no need to look it up and check it again.
    owned.text.value += piece
    return snapshot
  }
  // The target: an unfinished message whose part `index` is a text part with a string value.
  const { ids, byId } = snapshot.messages
  const message = Object.hasOwn(byId, id) ? byId[id] : undefined
  if (!isPlainObject(message) || TERMINAL_MESSAGE_STATUSES.has(message.status)) {
    return undefined
  }
  const parts: unknown = message.content
  const part: unknown = Array.isArray(parts) && index < MAX_DELTA_INDEX ? parts[index] : undefined
  const text =
    isPlainObject(part) && part.type === 'text' && Object.hasOwn(part, 'type') && ownPlainObject(part, 'text')
  const value = text && Object.hasOwn(text, 'value') ? text.value : undefined
  if (!text || typeof value !== 'string') {
    return undefined
  }
  if (piece === '') {
    return snapshot // the general path changes nothing either, not even the status
  }
  // Copy on write, from the leaf up.
  const nextText = owned.text === text ? text : { ...text }
  nextText.value = value + piece
  const nextPart = owned.part === part ? part : { ...(part as Record<string, unknown>) }
  nextPart.text = nextText
  const nextParts = owned.content === parts ? (parts as unknown[]) : (parts as unknown[]).slice()
  nextParts[index] = nextPart
  const nextMessage = owned.message === message ? message : { ...message }
  nextMessage.content = nextParts as Message['content']
  nextMessage.role = message.role
  const nextById: Record<string, Message> = owned.byId === byId ? owned.byId : { ...byId }
  nextById[id] = nextMessage
  const next = owned.snapshot === snapshot ? snapshot : { ...snapshot }
  next.messages = nextById === byId ? snapshot.messages : { ids, byId: nextById }
  next.status = streaming(snapshot)
  if (owned === NOTHING_OWNED) {
    return next
  }
  Object.assign(owned, {
    id,
    index,
    snapshot: next,
    byId: nextById,
    message: nextMessage,
    content: nextParts,
    part: nextPart,
    text: nextText,
  })
  return next
}

/**
 * Folds one stream event into the snapshot (pure). Unknown events, and events rejected for safety (unsafe keys,
 * absurd indices, a delta aimed at another entity or a finished one), return the very same snapshot object.
 * @example
 * const snapshot = events.reduce((s, e) => reduceRunEvent(s, e), emptyRunSnapshot())
 */
export function reduceRunEvent(
  snapshot: RunSnapshot,
  event: RunStreamEvent | UnknownStreamEvent,
  options: ReduceOptions = {},
): RunSnapshot {
  if (event.event === 'thread.message.delta' && !('unknown' in event)) {
    const next = appendText(snapshot, event.data, NOTHING_OWNED)
    if (next !== undefined) {
      return next
    }
  }
  return reduceRunEventInFull(snapshot, event, options)
}

/**
 * `reduceRunEvent` without its text-delta fast path (internal): every event through the general merge. It is the
 * reference the fast path is tested against.
 */
export function reduceRunEventInFull(
  snapshot: RunSnapshot,
  event: RunStreamEvent | UnknownStreamEvent,
  options: ReduceOptions = {},
): RunSnapshot {
  if (!isKnownStreamEvent(event)) {
    return snapshot
  }
  if (event.event.startsWith('thread.') && !hasEntityId(event.data)) {
    warn(options, event, 'bad_payload', `ignored ${event.event}: its data has no usable id`)
    return snapshot
  }
  try {
    if (isDeltaEvent(event)) {
      // The merge checks every key it copies; only the envelope needs checking here.
      assertValidDelta(event.data)
    } else {
      assertSafePayload(event.data)
    }
    return reduceKnownEvent(snapshot, event, options)
  } catch (error) {
    if (error instanceof DeltaRejectedError) {
      warn(options, event, error.code, `ignored ${event.event}: ${error.message}`)
      return snapshot
    }
    throw error
  }
}

/**
 * Folds a stream into snapshots for one owner (a RunStream), with exactly the results of folding each event with
 * `reduceRunEvent`. Between two reads of `snapshot()`, the objects the fold made itself are updated in place instead
 * of being copied per event (a text delta no longer copies the message, its content and every `byId` entry); an
 * object `snapshot()` returned is never changed afterwards, and what did not change keeps its identity (C8).
 */
export type RunFold = {
  /** Folds one event, as `reduceRunEvent` would. */
  add(event: RunStreamEvent | UnknownStreamEvent): void
  /** The snapshot folded so far. It and everything in it are left alone from now on. */
  snapshot(): RunSnapshot
  /** Continues from `snapshot` (e.g. the current one marked `truncated`). */
  reset(snapshot: RunSnapshot): void
}

/** Starts a fold at `snapshot` (which it never changes). */
export function createRunFold(snapshot: RunSnapshot, options: ReduceOptions = {}): RunFold {
  let current = snapshot
  let owned: Owned = {}
  const release = () => {
    owned = {}
  }
  return {
    add(event) {
      if (event.event === 'thread.message.delta' && !('unknown' in event)) {
        const next = appendText(current, event.data, owned)
        if (next !== undefined) {
          current = next
          return
        }
      }
      current = reduceRunEventInFull(current, event, options)
    },
    snapshot() {
      release()
      return current
    },
    reset(next) {
      release()
      current = next
    },
  }
}

/**
 * Folds many events at once (pure): the same snapshot as folding them one by one with `reduceRunEvent`, made
 * without the per-event copies.
 */
export function reduceRunEvents(
  snapshot: RunSnapshot,
  events: Iterable<RunStreamEvent | UnknownStreamEvent>,
  options: ReduceOptions = {},
): RunSnapshot {
  const fold = createRunFold(snapshot, options)
  for (const event of events) {
    fold.add(event)
  }
  return fold.snapshot()
}
