// The text-delta fast path of the run-snapshot fold: a message delta that only appends text, applied without the general merge.
import { isPlainObject, isUnsafeKey, MAX_DELTA_INDEX } from '../delta-merge.ts'
import type { Message } from '../types.ts'
import { type RunSnapshot, streaming, TERMINAL_MESSAGE_STATUSES } from './state.ts'

// The text-delta fast path. ~98% of a real stream is `thread.message.delta` events that append one piece of text to
// an existing text part. `appendText` recognises exactly that case (anything else returns `undefined` and goes the
// general way) and applies it without the generic merge: the checks below are those the general path would make for
// this shape, so the result is the same, warnings included (the fast path never warns).

/**
 * The objects a fold made since its snapshot was last read, along the path of the last text delta: nobody else
 * can see them, so they may change in place. Empty for the pure reducer.
 */
export type Owned = {
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
export const NOTHING_OWNED: Owned = Object.freeze({})

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
export function appendText(snapshot: RunSnapshot, data: unknown, owned: Owned): RunSnapshot | undefined {
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
