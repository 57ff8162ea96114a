// Owns the browser bench's figures: per-round samples of each case, their medians, the ratios to the floor, the
// goals, and the printed lines and Markdown table (bench/README.md's house format: one line per figure, ratio last).
import { formatNumber, formatRatio, percentile, summarize } from '../stats.ts'

/** One measured window of one case, reduced to the figures the bench reports. */
export type Sample = {
  frameP50: number
  frameP95: number
  frameP99: number
  fps: number
  frames: number
  longTaskCount: number
  longTaskMaxMs: number
  longTaskTotalMs: number
  /** When the longest long task started, ms from the window's start (0 without one). */
  longTaskMaxAtMs: number
  /** CDP Performance.getMetrics TaskDuration delta: all main-thread tasks, ms. */
  taskMs: number
  /** CDP ScriptDuration delta: JavaScript execution, ms. */
  scriptMs: number
  /** Sum of <Profiler> actualDuration, ms. */
  commitMs: number
  commits: number
  durationMs: number
  tokensPerSecond: number
}

/** What the page reports for one window, plus the CDP metric deltas around it. */
export type RawWindow = {
  durationMs: number
  frames: number[]
  longTasks: number[]
  /** ms from the window's start of each long task (older pages: absent). */
  longTaskStarts?: number[]
  commits: number
  commitMs: number
  tokens?: number
  taskMs: number
  scriptMs: number
}

/** Reduces one window to its Sample. */
export function sampleOf(raw: RawWindow): Sample {
  return {
    frameP50: percentile(raw.frames, 50),
    frameP95: percentile(raw.frames, 95),
    frameP99: percentile(raw.frames, 99),
    fps: raw.frames.length / (raw.durationMs / 1000),
    frames: raw.frames.length,
    longTaskCount: raw.longTasks.length,
    longTaskMaxMs: raw.longTasks.length ? Math.max(...raw.longTasks) : 0,
    longTaskTotalMs: raw.longTasks.reduce((sum, ms) => sum + ms, 0),
    longTaskMaxAtMs: raw.longTasks.length
      ? (raw.longTaskStarts?.[raw.longTasks.indexOf(Math.max(...raw.longTasks))] ?? 0)
      : 0,
    taskMs: raw.taskMs,
    scriptMs: raw.scriptMs,
    commitMs: raw.commitMs,
    commits: raw.commits,
    durationMs: raw.durationMs,
    tokensPerSecond: raw.tokens ? raw.tokens / (raw.durationMs / 1000) : 0,
  }
}

/** The median of every field over the rounds, except the long-task maximum, which is the worst round's. */
export function medianSample(samples: Sample[]): Sample {
  const keys = Object.keys(samples[0]!) as (keyof Sample)[]
  const out = Object.fromEntries(
    keys.map((key) => [key, summarize(samples.map((s) => s[key])).median]),
  ) as Sample
  const worst = samples.reduce((a, b) => (b.longTaskMaxMs > a.longTaskMaxMs ? b : a))
  out.longTaskMaxMs = worst.longTaskMaxMs
  out.longTaskMaxAtMs = worst.longTaskMaxAtMs
  return out
}

/** One printed figure: the house line format, kept in browser.json too. */
export type Line = {
  name: string
  value: number
  unit: string
  detail?: string
  ratio?: { value: number; label: string }
  target?: { text: string; met: boolean }
}

/** Formats one figure line: section, name, value and unit, detail, target, then the ratio last. */
export function formatLine(line: Line): string {
  const value = `${formatNumber(line.value)} ${line.unit}`
  const target = line.target ? `  [${line.target.met ? 'met' : 'MISSED'}: ${line.target.text}]` : ''
  const detail = line.detail ? `  (${line.detail})` : ''
  const ratio = line.ratio ? `  ${formatRatio(line.ratio.value)} ${line.ratio.label}` : ''
  return `${'browser'.padEnd(10)} ${line.name.padEnd(44)} ${value.padStart(14)}${detail}${target}${ratio}`
}

/** The case names, in table order, with what each shows. */
export const CASE_LABELS = {
  message: '(a) MessageContent + useRunStream',
  viewer: '(b) ConnectedRunViewer',
  playground: '(c) playground app',
  floor: '(d) floor: <pre> + useRunStream',
} as const

/** A streamed case's name. */
export type CaseName = keyof typeof CASE_LABELS

const ratioTo = (value: number, floor: number) => ({
  value: floor > 0 ? value / floor : Number.NaN,
  label: 'floor',
})

/** The figure lines of every case (medians), with ratios to the floor and the goals. */
export function caseLines(medians: Record<CaseName, Sample>, idle: Sample | undefined): Line[] {
  const floor = medians.floor
  const lines: Line[] = []
  for (const name of Object.keys(CASE_LABELS) as CaseName[]) {
    const m = medians[name]
    const label = CASE_LABELS[name]
    const goals = name !== 'floor'
    lines.push(
      {
        name: `${label}: frame p95`,
        value: m.frameP95,
        unit: 'ms',
        detail: `p50 ${formatNumber(m.frameP50)}, p99 ${formatNumber(m.frameP99)} ms; ${formatNumber(m.fps)} fps`,
        ...(goals ? { target: { text: '≤ 1.25× floor', met: m.frameP95 <= 1.25 * floor.frameP95 } } : {}),
        ratio: ratioTo(m.frameP95, floor.frameP95),
      },
      {
        name: `${label}: long tasks, max`,
        value: m.longTaskMaxMs,
        unit: 'ms',
        detail: `${formatNumber(m.longTaskCount)} tasks, ${formatNumber(m.longTaskTotalMs)} ms in all (medians); max of all rounds${
          m.longTaskMaxMs === 0
            ? ''
            : `, starting ${formatNumber(m.longTaskMaxAtMs / 1000)} s into the ${formatNumber(m.durationMs / 1000)} s window`
        }`,
        ...(goals ? { target: { text: 'none > 50 ms', met: m.longTaskMaxMs === 0 } } : {}),
      },
      {
        name: `${label}: main-thread time`,
        value: m.taskMs,
        unit: 'ms',
        detail: `scripting ${formatNumber(m.scriptMs)} ms, ${formatRatio(m.scriptMs / floor.scriptMs)} floor; stream ${formatNumber(m.durationMs / 1000)} s, ${formatNumber(m.tokensPerSecond)} tokens/s`,
        ...(goals ? { target: { text: '≤ 2× floor', met: m.taskMs <= 2 * floor.taskMs } } : {}),
        ratio: ratioTo(m.taskMs, floor.taskMs),
      },
      {
        name: `${label}: React commit time`,
        value: m.commitMs,
        unit: 'ms',
        detail: `${formatNumber(m.commits)} commits`,
        ratio: ratioTo(m.commitMs, floor.commitMs),
      },
    )
  }
  if (idle) {
    const streaming = medians.playground.fps
    lines.push({
      name: '(c) playground: fps streaming vs idle',
      value: streaming,
      unit: 'fps',
      detail: `idle ${formatNumber(idle.fps)} fps, frame p95 idle ${formatNumber(idle.frameP95)} ms`,
      target: { text: '≥ 0.9× idle (this bench’s bar)', met: streaming >= 0.9 * idle.fps },
      ratio: { value: streaming / idle.fps, label: 'idle' },
    })
  }
  return lines
}

const cell = (value: number, digits = 3) => formatNumber(value, digits)

/** The short Markdown table of the cases (medians). */
export function caseTable(medians: Record<CaseName, Sample>, idle: Sample | undefined): string[] {
  const floor = medians.floor
  const rows = (Object.keys(CASE_LABELS) as CaseName[]).map((name) => {
    const m = medians[name]
    const vs =
      name === 'floor'
        ? '1×'
        : `${formatRatio(m.frameP95 / floor.frameP95)} / ${formatRatio(m.taskMs / floor.taskMs)}`
    const goal =
      name === 'floor'
        ? ''
        : [
            m.frameP95 <= 1.25 * floor.frameP95 ? '✅ p95' : '❌ p95',
            m.longTaskMaxMs === 0 ? '✅ long tasks' : '❌ long tasks',
            m.taskMs <= 2 * floor.taskMs ? '✅ main thread' : '❌ main thread',
          ].join(', ')
    return (
      `| ${CASE_LABELS[name]} | ${cell(m.frameP50)} / ${cell(m.frameP95)} / ${cell(m.frameP99)} | ${cell(m.fps)} | ` +
      `${cell(m.longTaskCount)}, ${cell(m.longTaskMaxMs)}, ${cell(m.longTaskTotalMs)} | ${cell(m.taskMs)} / ${cell(m.scriptMs)} | ` +
      `${cell(m.commitMs)} (${cell(m.commits)}) | ${cell(m.durationMs / 1000)} | ${vs} | ${goal} |`
    )
  })
  const idleRow = idle
    ? [
        `| (e) idle: playground, nothing streaming | ${cell(idle.frameP50)} / ${cell(idle.frameP95)} / ${cell(idle.frameP99)} | ` +
          `${cell(idle.fps)} | ${cell(idle.longTaskCount)}, ${cell(idle.longTaskMaxMs)}, ${cell(idle.longTaskTotalMs)} | ` +
          `${cell(idle.taskMs)} / ${cell(idle.scriptMs)} | ${cell(idle.commitMs)} (${cell(idle.commits)}) | ${cell(idle.durationMs / 1000)} | | ` +
          `playground streaming ${formatRatio(medians.playground.fps / idle.fps)} idle fps |`,
      ]
    : []
  return [
    '| case | frame p50 / p95 / p99 ms | fps | long tasks: n, max, total ms | main thread / scripting ms | React commits ms (n) | stream s | p95 / main thread vs floor | goals |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    ...idleRow,
  ]
}
