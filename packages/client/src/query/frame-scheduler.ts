// Owns the frame scheduler: cache writes and notifications coalesced to at most one per animation frame.
// Coalesces work to at most one run per animation frame (checklist C8). Hidden tabs get no frames, so a timer
// backs the frame up; `flushNow` runs pending work at once (terminal events must not wait for a frame).

/** A scheduler of one pending flush. */
export type FrameScheduler = {
  /** Runs `flush` on the next frame (once, however often this is called before it). */
  schedule(): void
  /** Runs `flush` now if one is pending, and drops the pending frame. */
  flushNow(): void
  /** Drops the pending flush without running it. */
  cancel(): void
}

const FALLBACK_MS = 100

/** Creates a frame scheduler; with `coalesce: false` every `schedule()` flushes at once (the baseline). */
export function createFrameScheduler(flush: () => void, coalesce = true): FrameScheduler {
  let frame: number | null = null
  let timer: ReturnType<typeof setTimeout> | null = null
  let pending = false

  const clear = () => {
    if (frame !== null) {
      globalThis.cancelAnimationFrame?.(frame)
      frame = null
    }
    if (timer !== null) {
      clearTimeout(timer)
      timer = null
    }
  }
  const run = () => {
    clear()
    if (pending) {
      pending = false
      flush()
    }
  }

  return {
    schedule() {
      if (!coalesce) {
        pending = true
        run()
        return
      }
      if (pending) {
        return
      }
      pending = true
      if (typeof globalThis.requestAnimationFrame === 'function') {
        frame = globalThis.requestAnimationFrame(run)
      }
      timer = setTimeout(run, FALLBACK_MS)
    },
    flushNow: run,
    cancel() {
      pending = false
      clear()
    },
  }
}
