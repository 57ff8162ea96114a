import type { StreamEvent } from './types.ts'

/** Receives the events of one run as they happen. */
export type RunEventListener = (event: StreamEvent) => void

/** Fans a run's events out to the streams that watch it; events nobody watches are dropped. */
export interface EventHub {
  subscribe(runId: string, listener: RunEventListener): () => void
  emit(runId: string, event: StreamEvent): void
}

/** Creates an event hub. */
export function createEventHub(): EventHub {
  const listeners = new Map<string, Set<RunEventListener>>()
  return {
    subscribe(runId, listener) {
      let set = listeners.get(runId)
      if (!set) {
        set = new Set()
        listeners.set(runId, set)
      }
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) {
          listeners.delete(runId)
        }
      }
    },
    emit(runId, event) {
      const set = listeners.get(runId)
      if (!set) {
        return
      }
      for (const listener of [...set]) {
        listener(event)
      }
    },
  }
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. `0` yields one macrotask. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve()
      return
    }
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Lets other work (HTTP writes, other runs) go before the next token: a macrotask, not a microtask. */
export function yieldTurn(): Promise<void> {
  if (typeof setImmediate === 'function') {
    return new Promise((resolve) => setImmediate(resolve))
  }
  return new Promise((resolve) => setTimeout(resolve, 0))
}
