// A rate limiter for the proxy that keeps fixed windows in memory, bounded in the number of keys.

/** A `RateLimiter` that keeps its windows in memory, with the number of keys it holds. */
export type MemoryRateLimiter = ((key: string) => { allowed: boolean; retryAfterSeconds?: number }) & {
  /** Keys with a window in memory now (expired windows are dropped as calls come in). */
  readonly size: number
}

/**
 * A fixed-window in-memory rate limiter: `limit` calls per `windowMs` per key. Memory is bounded: expired
 * windows are dropped as calls come in, and past `maxKeys` keys the oldest window is evicted (that key starts
 * afresh), so a flood of new keys cannot grow the process.
 */
export function createMemoryRateLimiter(options: {
  limit: number
  windowMs: number
  now?: () => number
  /** Most keys held at once. @defaultValue 10,000 */
  maxKeys?: number
}): MemoryRateLimiter {
  const maxKeys = options.maxKeys ?? 10_000
  if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) {
    throw new TypeError(
      `createMemoryRateLimiter: maxKeys must be a whole number of at least 1, got ${maxKeys}.`,
    )
  }
  // Insertion order is window-start order (a renewed window is re-inserted), so the oldest are first.
  const windows = new Map<string, { start: number; count: number }>()
  const now = options.now ?? Date.now
  const limiter = (key: string) => {
    const at = now()
    for (const [oldKey, oldWindow] of windows) {
      if (at - oldWindow.start < options.windowMs) {
        break
      }
      windows.delete(oldKey)
    }
    let window = windows.get(key)
    if (!window) {
      window = { start: at, count: 0 }
      windows.set(key, window)
      for (const oldest of windows.keys()) {
        if (windows.size <= maxKeys) {
          break
        }
        windows.delete(oldest)
      }
    }
    window.count++
    if (window.count > options.limit) {
      return { allowed: false, retryAfterSeconds: (window.start + options.windowMs - at) / 1000 }
    }
    return { allowed: true }
  }
  return Object.defineProperty(limiter, 'size', { get: () => windows.size }) as MemoryRateLimiter
}
