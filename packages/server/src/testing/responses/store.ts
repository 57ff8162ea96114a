// Owns the store of responses: what the test server keeps of each finished response (for `previous_response_id`),
// and forgetting them on request.

/** What the server keeps of a response: its function calls (call_id → name), for continuations. */
export interface Kept {
  calls: Map<string, string>
}

/** The responses the server keeps, by id, oldest first. */
export interface ResponseStore {
  /** Every kept response, by id (what validation looks `previous_response_id` up in). */
  readonly kept: ReadonlyMap<string, Kept>
  /** Keeps a finished response: the calls of the response it continued, then those its events made. */
  keep(id: string, previous: Kept | undefined, events: Record<string, unknown>[]): void
  /** The kept ids, oldest first. */
  ids(): string[]
  /** Drops every kept response, or the one named. */
  forget(id?: string): void
}

/** Creates an empty store of responses. */
export function createResponseStore(): ResponseStore {
  const kept = new Map<string, Kept>()
  return {
    kept,
    keep(id, previous, events) {
      const calls = new Map(previous?.calls)
      for (const event of events) {
        const item = event.item as { type?: string; call_id?: string; name?: string } | undefined
        if (event.type === 'response.output_item.done' && item?.type === 'function_call') {
          calls.set(item.call_id ?? '', item.name ?? '')
        }
      }
      kept.set(id, { calls })
    },
    ids: () => [...kept.keys()],
    forget(id) {
      if (id === undefined) {
        kept.clear()
      } else {
        kept.delete(id)
      }
    },
  }
}
