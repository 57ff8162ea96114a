// Owns what the page measures while a case runs: requestAnimationFrame deltas, long tasks (PerformanceObserver
// 'longtask') and React commits (<Profiler onRender>), from start() until the case says it is done.

/** What one measured window saw, as the page hands it to the bench process. */
export type WindowResult = {
  /** ms from start to done. */
  durationMs: number
  /** requestAnimationFrame deltas, ms. */
  frames: number[]
  /** Durations of the long tasks that started inside the window, ms. */
  longTasks: number[]
  /** When each of them started, ms from start (in the order of `longTasks`). */
  longTaskStarts: number[]
  commits: number
  /** Sum of the Profiler's actualDuration over the window's commits, ms. */
  commitMs: number
}

let active: { commits: number; commitMs: number } | null = null

/** The <Profiler onRender> callback of every case: adds the commit to the window being measured, if any. */
export function onRender(_id: string, _phase: string, actualDuration: number): void {
  if (active) {
    active.commits++
    active.commitMs += actualDuration
  }
}

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve))

/**
 * Measures from now until `done()` is true (checked once per frame; keep it cheap) or `maxMs` passed, then one
 * more frame so the last commit's paint is counted.
 */
export async function measure(
  done: () => boolean,
  maxMs: number,
  begin: () => void = () => {},
): Promise<WindowResult> {
  const longTasks: PerformanceEntry[] = []
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()))
  observer.observe({ type: 'longtask' })
  const counters = { commits: 0, commitMs: 0 }
  await nextFrame()
  active = counters
  const frames: number[] = []
  const start = performance.now()
  begin()
  let last = await nextFrame()
  let finished = false
  while (!finished) {
    const now = await nextFrame()
    frames.push(now - last)
    last = now
    finished = done() || now - start > maxMs
  }
  const end = performance.now()
  frames.push((await nextFrame()) - last)
  active = null
  // Long-task entries are delivered after their task; give the observer a moment, then take what is left.
  await new Promise((resolve) => setTimeout(resolve, 100))
  longTasks.push(...observer.takeRecords())
  observer.disconnect()
  const inside = longTasks.filter((entry) => entry.startTime >= start && entry.startTime <= end)
  return {
    durationMs: end - start,
    frames,
    longTasks: inside.map((entry) => entry.duration),
    longTaskStarts: inside.map((entry) => entry.startTime - start),
    commits: counters.commits,
    commitMs: counters.commitMs,
  }
}

/** Waits until `ready()` is true, checking once per frame; throws after `timeoutMs`, naming `what`. */
export async function waitFor(ready: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = performance.now()
  while (!ready()) {
    if (performance.now() - start > timeoutMs) {
      throw new Error(`bench page: ${what} did not happen within ${timeoutMs} ms`)
    }
    await nextFrame()
  }
}
