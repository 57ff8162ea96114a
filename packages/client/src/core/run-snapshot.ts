// The pure run-stream reducer: folds RunStreamEvents into one RunSnapshot. Same input, same output; no I/O.
// The snapshot's shape and shared pieces are in run-snapshot/state.ts, the text-delta fast path in
// run-snapshot/text-delta.ts; this module holds the general fold of each event and the folds that use both.
import {
  assertSafePayload,
  DeltaRejectedError,
  isPlainObject,
  isUnsafeKey,
  mergeDelta,
} from './delta-merge.ts'
import {
  getEntity,
  type ReduceOptions,
  type RunSnapshot,
  type RunSnapshotWarningCode,
  runStatus,
  streaming,
  TERMINAL_MESSAGE_STATUSES,
  TERMINAL_STEP_STATUSES,
  withMessage,
  withStep,
} from './run-snapshot/state.ts'
import { appendText, NOTHING_OWNED, type Owned } from './run-snapshot/text-delta.ts'
import type {
  ErrorObject,
  Message,
  MessageDelta,
  RunStep,
  RunStepDelta,
  RunStreamEvent,
  UnknownStreamEvent,
} from './types.ts'
import { isKnownStreamEvent } from './types.ts'

export type {
  EntityCollection,
  ReduceOptions,
  RunSnapshot,
  RunSnapshotStatus,
  RunSnapshotWarning,
  RunSnapshotWarningCode,
} from './run-snapshot/state.ts'
export { emptyRunSnapshot, listEntities } from './run-snapshot/state.ts'

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
