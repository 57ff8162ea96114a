// Owns the holds: key prefixes a live stream or an optimistic mutation keeps from refetching on their own.
// Holds: key prefixes whose queries must not refetch on their own for a while, because a live stream or an
// optimistic mutation owns them (checklist C2, C3). Queries read this from `staleTime` and `refetchInterval`.
// Module-level on purpose: `staleTime(query)` sees only the query, and keys carry the base URL, thread and run,
// so two QueryClients in one process only share a hold for the very same run.
import { hashKey, type QueryKey } from '@tanstack/query-core'

const holds = new Map<string, number>()

/** Holds every query under `prefix` until the returned function is called (idempotent). */
export function holdQueries(prefix: QueryKey): () => void {
  const hash = hashKey(prefix)
  holds.set(hash, (holds.get(hash) ?? 0) + 1)
  let released = false
  return () => {
    if (released) {
      return
    }
    released = true
    const count = (holds.get(hash) ?? 1) - 1
    if (count <= 0) {
      holds.delete(hash)
    } else {
      holds.set(hash, count)
    }
  }
}

/**
 * True while a live `useRunStream` or an optimistic mutation holds the key (or a prefix of it), so its queries do
 * not refetch on their own; a stream holds its whole thread (`runKeys.thread`), a mutation only its run.
 * @example
 * const streaming = isHeld({ queryKey: runKeys.thread(client, { threadId }) })
 */
export function isHeld(query: { readonly queryKey: QueryKey }): boolean {
  if (holds.size === 0) {
    return false
  }
  for (const hash of prefixHashes(query.queryKey)) {
    if (holds.has(hash)) {
      return true
    }
  }
  return false
}

// `staleTime` is asked on every observer update while a run streams, so a key's prefix hashes are computed once
// per key array (a query keeps its key array for its whole life); hashing them each time was ~1% of a streaming
// page's main thread in the browser bench's profile.
const prefixCache = new WeakMap<QueryKey, readonly string[]>()

function prefixHashes(key: QueryKey): readonly string[] {
  const cached = prefixCache.get(key)
  if (cached) {
    return cached
  }
  const hashes: string[] = []
  for (let length = 2; length <= key.length; length++) {
    hashes.push(hashKey(key.slice(0, length)))
  }
  prefixCache.set(key, hashes)
  return hashes
}

/** `staleTime` of our queries: fresh while held (no refetch on mount or focus), else stale at once. */
export function heldStaleTime(query: { readonly queryKey: QueryKey }): number {
  return isHeld(query) ? Number.POSITIVE_INFINITY : 0
}
