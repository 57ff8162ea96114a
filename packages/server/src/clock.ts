/** The time source of a server: seconds for timestamps, and timers for expiry. Injectable so tests control time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that only moves when told to, for tests of expiry and timestamps. */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void
  /** Sets the clock to `ms` milliseconds since the epoch. */
  set(ms: number): void
}

/**
 * Creates a manual clock starting at `startMs` (default 2026-01-01T00:00:00Z).
 * @example const clock = createManualClock(); clock.advance(601_000)
 */
export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs
  return {
    now: () => current,
    advance(ms) {
      current += ms
    },
    set(ms) {
      current = ms
    },
  }
}

/** Unix seconds of a clock, as every `*_at` field of the API is. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000)
}
