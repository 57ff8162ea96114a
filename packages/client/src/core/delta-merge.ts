// The safe delta merge behind reduceRunEvent (text concatenates, list items merge by `index`), hardened per
// checklist S12/S13: unsafe keys and absurd indices reject the whole delta, identifiers never concatenate,
// and an element's `type`/`id` must match before a delta merges into it. Unchanged branches keep identity.

/** The highest accepted array index in a delta (content parts, annotations, tool calls, outputs). */
export const MAX_DELTA_INDEX = 1024

/** The deepest accepted nesting of a payload; deeper payloads are rejected instead of overflowing the stack. */
export const MAX_PAYLOAD_DEPTH = 64

// Streamed text fields concatenate. Every other string (ids, types, names, file ids, urls) is overwritten,
// so a server that repeats an identifier in each delta cannot corrupt it.
const APPEND_KEYS: ReadonlySet<string> = new Set(['value', 'arguments', 'input', 'logs', 'refusal', 'output'])

/** Why a payload was rejected. */
export type DeltaRejectionCode = 'unsafe_key' | 'bad_index' | 'entity_mismatch' | 'bad_payload'

/** Thrown by the merge helpers when a payload must be rejected as a whole; the reducer turns it into a warning. */
export class DeltaRejectedError extends Error {
  override name = 'DeltaRejectedError'
  /** The machine-readable reason. */
  declare readonly code: DeltaRejectionCode

  constructor(code: DeltaRejectionCode, message: string) {
    super(message)
    this.code = code
  }
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when `key` could pollute a prototype if used as an assignment target. */
export function isUnsafeKey(key: string): boolean {
  // Three comparisons beat a Set lookup, which hashes every fresh (non-internalized) string it is given.
  return key === '__proto__' || key === 'constructor' || key === 'prototype'
}

/** Throws DeltaRejectedError when a full object holds an unsafe key at any depth or nests too deeply. */
export function assertSafePayload(value: unknown, depth = 0): void {
  if (depth > MAX_PAYLOAD_DEPTH) {
    throw new DeltaRejectedError('bad_payload', `payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels`)
  }
  if (Array.isArray(value)) {
    for (const element of value) {
      assertSafePayload(element, depth + 1)
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (isUnsafeKey(key)) {
        throw new DeltaRejectedError('unsafe_key', `payload holds the forbidden key "${key}"`)
      }
      assertSafePayload(value[key], depth + 1)
    }
  }
}

/**
 * Merges `delta` into `accumulated` and returns the result; returns `accumulated` itself when nothing changed.
 * @throws DeltaRejectedError when the delta must be rejected as a whole.
 */
export function mergeDelta<T>(accumulated: T, delta: unknown, key = '', depth = 0): T {
  return mergeValue(accumulated, delta, key, depth) as T
}

function mergeValue(accumulated: unknown, delta: unknown, key: string, depth: number): unknown {
  if (depth > MAX_PAYLOAD_DEPTH) {
    throw new DeltaRejectedError('bad_payload', `delta nests deeper than ${MAX_PAYLOAD_DEPTH} levels`)
  }
  // A null in a delta means "nothing yet" (e.g. `output: null` on a function call's first delta).
  if (delta === undefined || (delta === null && accumulated !== undefined)) {
    return accumulated
  }
  if (Array.isArray(delta)) {
    if (accumulated !== undefined && accumulated !== null && !Array.isArray(accumulated)) {
      throw new DeltaRejectedError('bad_payload', `delta "${key}" is a list but the snapshot holds no list`)
    }
    return mergeArray((accumulated ?? []) as unknown[], delta, depth)
  }
  if (isPlainObject(delta)) {
    if (accumulated !== undefined && accumulated !== null && !isPlainObject(accumulated)) {
      throw new DeltaRejectedError('bad_payload', `delta "${key}" is an object but the snapshot holds none`)
    }
    return mergeObject((accumulated ?? {}) as Record<string, unknown>, delta, depth)
  }
  if (typeof delta === 'string' && typeof accumulated === 'string') {
    if (APPEND_KEYS.has(key)) {
      return delta === '' ? accumulated : accumulated + delta
    }
    if ((key === 'id' || key === 'type') && accumulated !== '' && accumulated !== delta) {
      throw new DeltaRejectedError(
        'entity_mismatch',
        `delta ${key} "${delta}" does not match "${accumulated}"`,
      )
    }
  }
  // Numbers (positions such as `start_index`), booleans and first-seen strings are set, not added.
  return delta
}

function mergeObject(accumulated: Record<string, unknown>, delta: Record<string, unknown>, depth: number) {
  let out: Record<string, unknown> | null = null
  for (const key of Object.keys(delta)) {
    if (isUnsafeKey(key)) {
      throw new DeltaRejectedError('unsafe_key', `delta holds the forbidden key "${key}"`)
    }
    // `index` is the element's position in its list, not part of the element.
    if (key === 'index') {
      continue
    }
    const current = Object.hasOwn(accumulated, key) ? accumulated[key] : undefined
    const next = mergeValue(current, delta[key], key, depth + 1)
    if (next !== current || (next !== undefined && !Object.hasOwn(accumulated, key))) {
      out ??= { ...accumulated }
      out[key] = next
    }
  }
  return out ?? accumulated
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function')
}

function mergeArray(accumulated: unknown[], delta: unknown[], depth: number): unknown[] {
  if (delta.length === 0) {
    return accumulated
  }
  if (delta.every(isPrimitive)) {
    return [...accumulated, ...delta]
  }
  let out: unknown[] | null = null
  for (const element of delta) {
    const index = isPlainObject(element) ? element.index : undefined
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_DELTA_INDEX) {
      throw new DeltaRejectedError(
        'bad_index',
        `a list delta needs an integer index in [0, ${MAX_DELTA_INDEX})`,
      )
    }
    const list = out ?? accumulated
    // A gap would leave a hole that no later delta can type; compliant servers count up from 0.
    if (index > list.length) {
      throw new DeltaRejectedError(
        'bad_index',
        `delta index ${index} skips past the list end (${list.length})`,
      )
    }
    const current = list[index]
    if (current !== undefined && !isPlainObject(current)) {
      throw new DeltaRejectedError('bad_payload', `delta index ${index} does not address an object`)
    }
    const merged = mergeObject(current ?? {}, element as Record<string, unknown>, depth + 1)
    if (merged !== current) {
      out ??= accumulated.slice()
      out[index] = merged
    }
  }
  return out ?? accumulated
}
