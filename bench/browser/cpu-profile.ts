// Owns `pnpm bench:browser --profile`: a CDP CPU profile of the ConnectedRunViewer case while the reply streams,
// summarised as self time per function (named by the source module esbuild's comments put before its code).
import type { CDPSession } from 'playwright-core'

type ProfileNode = {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
/** A V8 CPU profile as CDP's Profiler.stop returns it. */
export type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/** Starts the sampling profiler (interval in µs). */
export async function startProfile(cdp: CDPSession, intervalUs = 200): Promise<void> {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs })
  await cdp.send('Profiler.start')
}

/** Stops the profiler and returns its profile. */
export async function stopProfile(cdp: CDPSession): Promise<CpuProfile> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile }
  await cdp.send('Profiler.disable')
  return profile
}

// Line → source module, from the `// path/to/module.ts` comments esbuild writes before each module's code.
function moduleIndex(bundle: string): (line: number) => string {
  const starts: { line: number; path: string }[] = []
  bundle.split('\n').forEach((text, line) => {
    const match = /^\/\/ (\S+\.(?:tsx?|jsx?|mjs|cjs))$/.exec(text)
    if (match) {
      starts.push({
        line,
        path: match[1]!.replace(/^(\.\.\/)+tmp\/[^/]+\//, '').replace(/^.*node_modules\//, ''),
      })
    }
  })
  return (line) => {
    let low = 0
    let high = starts.length - 1
    let found = '(bundle)'
    while (low <= high) {
      const middle = (low + high) >> 1
      if (starts[middle]!.line <= line) {
        found = starts[middle]!.path
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found
  }
}

/** Self time per function, ms per run, busy time only ((idle) left out), top `limit`, as Markdown rows. */
export function summariseProfile(
  profile: CpuProfile,
  bundle: string,
  runs: number,
  limit = 25,
): { rows: string[]; moduleRows: string[]; busyMs: number; idleMs: number } {
  const moduleOf = moduleIndex(bundle)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMs = new Map<string, number>()
  const moduleMs = new Map<string, number>()
  let idleMs = 0
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)!.callFrame
    const ms = (profile.timeDeltas[index] ?? 0) / 1000 / runs
    if (frame.functionName === '(idle)') {
      idleMs += ms
      return
    }
    const where = frame.url.endsWith('/main.js')
      ? moduleOf(frame.lineNumber)
      : frame.url
        ? frame.url
        : '(native)'
    const name = frame.url
      ? `${frame.functionName || '(anonymous)'} ${where}`
      : frame.functionName || '(native)'
    selfMs.set(name, (selfMs.get(name) ?? 0) + ms)
    const module = frame.url ? where : name
    moduleMs.set(module, (moduleMs.get(module) ?? 0) + ms)
  })
  const busyMs = [...selfMs.values()].reduce((sum, ms) => sum + ms, 0)
  const table = (entries: Map<string, number>, count: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => `| \`${name}\` | ${ms.toFixed(1)} | ${((100 * ms) / busyMs).toFixed(1)}% |`)
  return { rows: table(selfMs, limit), moduleRows: table(moduleMs, 15), busyMs, idleMs }
}
