// Timing helpers: interleaved repetitions, median and min, the figure lines every section prints, and stopping a
// section's child process.
import type { ChildProcess, Serializable } from 'node:child_process'

/** One measured figure, printed as one line with its ratio last and stored in results/latest.json. */
export type Figure = {
  section: 'size' | 'parse' | 'accumulate' | 'server' | 'react' | 'soak'
  name: string
  value: number
  unit: string
  /** Extra detail shown before the ratio (e.g. `median 212 ms, min 205 ms`). */
  detail?: string
  /** The ratio to the figure's baseline, with its label (e.g. `0.14× openai client + runs`). */
  ratio?: { value: number; label: string }
  /** A target this figure is held to, and whether it was met. */
  target?: { text: string; met: boolean }
  /** A breakdown figure: printed and kept in latest.json, left out of the short latest.md table. */
  breakdown?: boolean
}

/** Median and minimum of a set of samples (ms, or whatever unit the caller uses). */
export type Summary = { median: number; min: number; samples: number[] }

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { median, min: sorted[0]!, samples }
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) {
    return Number.NaN
  }
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc

/** Runs a full garbage collection when node runs with `--expose-gc` (pnpm bench does). */
export function collectGarbage(): void {
  gc?.()
}

/**
 * Times every case once per repetition, rotating the order each round so that no case always runs first (warm
 * caches) or last (a heap full of the others' garbage). A case may stop early after its own `reps` cap.
 */
export async function interleave<Name extends string>(
  rounds: number,
  cases: Record<Name, { run: () => unknown; reps?: number }>,
  onRound?: (round: number) => void,
): Promise<Record<Name, Summary>> {
  const names = Object.keys(cases) as Name[]
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(round + offset) % names.length]!
      const spec = cases[name]
      if (samples[name].length >= (spec.reps ?? rounds)) {
        continue
      }
      collectGarbage()
      const start = performance.now()
      await spec.run()
      samples[name].push(performance.now() - start)
    }
    onRound?.(round)
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples[name])])) as Record<Name, Summary>
}

export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) {
    return String(value)
  }
  const magnitude = Math.abs(value)
  if (magnitude >= 1e6) {
    return `${(value / 1e6).toPrecision(digits)}M`
  }
  if (magnitude >= 1e4) {
    return `${(value / 1e3).toPrecision(digits)}k`
  }
  if (magnitude >= 1000) {
    return Math.round(value).toString()
  }
  return value.toPrecision(digits).replace(/\.0+$|(\.\d*?)0+$/, '$1')
}

export function formatRatio(value: number): string {
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`
}

/** One line per figure: section, name, value and unit, detail, then the ratio last. */
export function formatFigure(figure: Figure): string {
  const value = `${formatNumber(figure.value)} ${figure.unit}`
  const target = figure.target ? `  [${figure.target.met ? 'met' : 'MISSED'}: ${figure.target.text}]` : ''
  const detail = figure.detail ? `  (${figure.detail})` : ''
  const ratio = figure.ratio ? `  ${formatRatio(figure.ratio.value)} ${figure.ratio.label}` : ''
  return `${figure.section.padEnd(10)} ${figure.name.padEnd(44)} ${value.padStart(14)}${detail}${target}${ratio}`
}

/** Asks a bench child process to stop with `message`, and kills it if it has not exited within `graceMs`. */
export function stopChild(child: ChildProcess, message: Serializable, graceMs = 5000): Promise<void> {
  child.send(message)
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      resolve()
    }, graceMs)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
