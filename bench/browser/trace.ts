// `pnpm bench:browser --trace`: a Chromium performance trace (CDP Tracing) of one streamed case, summarised as the
// renderer main thread's work by kind (style recalculation with how many elements each touched, layout with how
// many objects, paint, script) and, for every long task, what it was made of. Tells "the browser restyled the
// whole document" apart from "a script ran long", which a CPU profile lumps together as `(program)`.
import type { CDPSession } from 'playwright-core'
import { formatNumber } from '../stats.ts'

/** One trace event as Chromium reports it (the fields this summary reads). */
export type TraceEvent = {
  name: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  args?: Record<string, unknown> & {
    name?: string
    elementCount?: number
    beginData?: Record<string, unknown>
    data?: Record<string, unknown>
  }
}

const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.invalidationTracking',
].join(',')

/** Starts a trace on the page's session; the returned function ends it and gives its events. */
export async function startTrace(cdp: CDPSession): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = []
  // The protocol types the events as string maps; they are trace events (numbers where Chromium puts them).
  const onData = (message: { value: unknown[] }) => {
    events.push(...(message.value as TraceEvent[]))
  }
  cdp.on('Tracing.dataCollected', onData)
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' })
  return async () => {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
    await cdp.send('Tracing.end')
    await complete
    cdp.off('Tracing.dataCollected', onData)
    return events
  }
}

// Kinds of main-thread work, by trace event name; an event not named here counts under its own name.
const KINDS: Record<string, string> = {
  UpdateLayoutTree: 'style recalculation',
  RecalculateStyles: 'style recalculation',
  Layout: 'layout',
  PrePaint: 'pre-paint',
  Paint: 'paint',
  Layerize: 'layerize',
  UpdateLayer: 'paint',
  FunctionCall: 'script',
  EvaluateScript: 'script',
  'v8.callFunction': 'script',
  TimerFire: 'script',
  FireAnimationFrame: 'script',
  EventDispatch: 'script',
  MinorGC: 'garbage collection',
  MajorGC: 'garbage collection',
  'V8.GC_SCAVENGER': 'garbage collection',
  'V8.GC_MARK_COMPACTOR': 'garbage collection',
  HitTest: 'hit test',
  ParseHTML: 'parse HTML',
  ParseAuthorStyleSheet: 'parse CSS',
  ScheduleStyleRecalculation: 'invalidation',
  StyleInvalidatorInvalidationTracking: 'invalidation',
  StyleRecalcInvalidationTracking: 'invalidation',
}

type Span = { name: string; start: number; end: number; event: TraceEvent }

// Complete ('X') events and begin/end pairs of the main thread, as spans in microseconds.
function spansOf(events: TraceEvent[], pid: number, tid: number): Span[] {
  const spans: Span[] = []
  const open = new Map<string, TraceEvent[]>()
  for (const event of events) {
    if (event.pid !== pid || event.tid !== tid) {
      continue
    }
    if (event.ph === 'X' && event.dur !== undefined) {
      spans.push({ name: event.name, start: event.ts, end: event.ts + event.dur, event })
    } else if (event.ph === 'B') {
      const stack = open.get(event.name) ?? []
      stack.push(event)
      open.set(event.name, stack)
    } else if (event.ph === 'E') {
      const begin = open.get(event.name)?.pop()
      if (begin) {
        // The end event carries the figures some begin/end events report when they finish (Layout's endData).
        spans.push({
          name: event.name,
          start: begin.ts,
          end: event.ts,
          event: { ...begin, args: { ...begin.args, ...event.args } },
        })
      }
    }
  }
  return spans.sort((a, b) => a.start - b.start || b.end - a.end)
}

// The renderer's main thread: the thread named CrRendererMain with the most RunTask time.
function mainThread(events: TraceEvent[]): { pid: number; tid: number } | null {
  const names = events.filter(
    (event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
  )
  let best: { pid: number; tid: number; busy: number } | null = null
  for (const thread of names) {
    const busy = events
      .filter((event) => event.pid === thread.pid && event.tid === thread.tid && event.name === 'RunTask')
      .reduce((sum, event) => sum + (event.dur ?? 0), 0)
    if (!best || busy > best.busy) {
      best = { pid: thread.pid, tid: thread.tid, busy }
    }
  }
  return best
}

type KindRow = { kind: string; count: number; ms: number; detail: string }

// Self time per kind over `spans`: each span's time less its children's, so nested events are not counted twice.
function kindsOf(spans: Span[]): Map<string, { count: number; selfUs: number; spans: Span[] }> {
  const kinds = new Map<string, { count: number; selfUs: number; spans: Span[] }>()
  const stack: { span: Span; childUs: number }[] = []
  const close = (until: number) => {
    while (stack.length > 0 && stack[stack.length - 1]!.span.end <= until) {
      const { span, childUs } = stack.pop()!
      const kind = KINDS[span.name] ?? span.name
      const entry = kinds.get(kind) ?? { count: 0, selfUs: 0, spans: [] }
      entry.count++
      entry.selfUs += Math.max(0, span.end - span.start - childUs)
      entry.spans.push(span)
      kinds.set(kind, entry)
      if (stack.length > 0) {
        stack[stack.length - 1]!.childUs += span.end - span.start
      }
    }
  }
  for (const span of spans) {
    close(span.start)
    stack.push({ span, childUs: 0 })
  }
  close(Number.POSITIVE_INFINITY)
  return kinds
}

const elementsOf = (span: Span) =>
  Number(span.event.args?.elementCount ?? span.event.args?.data?.elementCount ?? 0)
const layoutObjectsOf = (span: Span) => Number(span.event.args?.beginData?.dirtyObjects ?? 0)

function detailOf(kind: string, spans: Span[]): string {
  if (kind === 'style recalculation') {
    const counts = spans.map(elementsOf).filter((count) => count > 0)
    const max = Math.max(0, ...counts)
    const sum = counts.reduce((a, b) => a + b, 0)
    return counts.length > 0
      ? `elements per recalculation: mean ${formatNumber(sum / counts.length)}, max ${formatNumber(max)}`
      : ''
  }
  if (kind === 'layout') {
    const counts = spans.map(layoutObjectsOf).filter((count) => count > 0)
    const max = Math.max(0, ...counts)
    return counts.length > 0
      ? `dirty objects per layout: mean ${formatNumber(counts.reduce((a, b) => a + b, 0) / counts.length)}, max ${formatNumber(max)}`
      : ''
  }
  if (kind === 'script') {
    // Which callbacks ran: the function (or script) each top-level script event names, by total time.
    const byName = new Map<string, number>()
    for (const span of spans) {
      const data = span.event.args?.data ?? {}
      const where = String(data.functionName || data.type || data.url || span.name)
      byName.set(where, (byName.get(where) ?? 0) + (span.end - span.start))
    }
    return [...byName.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, us]) => `${name} ${formatNumber(us / 1000)} ms`)
      .join(', ')
  }
  return ''
}

function rowsOf(spans: Span[]): KindRow[] {
  const kinds = kindsOf(
    spans.filter((span) => span.name !== 'RunTask' && span.name !== 'ThreadControllerImpl::RunTask'),
  )
  return [...kinds.entries()]
    .map(([kind, entry]) => ({
      kind,
      count: entry.count,
      ms: entry.selfUs / 1000,
      detail: detailOf(kind, entry.spans),
    }))
    .sort((a, b) => b.ms - a.ms)
}

/** The summary of a one-run trace as Markdown lines: main-thread work by kind, then every task over `longMs`. */
export function summariseTrace(events: TraceEvent[], longMs: number): string[] {
  const thread = mainThread(events)
  if (!thread) {
    return ['The trace has no renderer main thread (CrRendererMain).']
  }
  const spans = spansOf(events, thread.pid, thread.tid)
  const tasks = spans.filter((span) => span.name === 'RunTask')
  const busyMs = tasks.reduce((sum, task) => sum + (task.end - task.start), 0) / 1000
  const lines = [
    `Renderer main thread: ${formatNumber(tasks.length)} tasks, busy ${formatNumber(busyMs)} ms (wall time of its tasks).`,
    '',
    '| work | events | self ms | detail |',
    '|---|---|---|---|',
    ...rowsOf(spans)
      .filter((row) => row.ms >= 0.5)
      .slice(0, 20)
      .map((row) => `| ${row.kind} | ${formatNumber(row.count)} | ${formatNumber(row.ms)} | ${row.detail} |`),
    '',
  ]
  const long = tasks.filter((task) => (task.end - task.start) / 1000 > longMs)
  lines.push(`Tasks over ${longMs} ms: ${long.length}.`, '')
  const origin = tasks[0]?.start ?? 0
  for (const task of long.slice(0, 12)) {
    const inside = spans.filter((span) => span !== task && span.start >= task.start && span.end <= task.end)
    const parts = rowsOf(inside)
      .filter((row) => row.ms >= 1)
      .slice(0, 6)
      .map((row) => `${row.kind} ${formatNumber(row.ms)} ms${row.detail ? ` (${row.detail})` : ''}`)
    lines.push(
      `- ${formatNumber((task.end - task.start) / 1000)} ms at ${formatNumber((task.start - origin) / 1e6)} s: ${parts.join('; ') || 'no nested events'}`,
    )
    const causes = layoutCauses(events, thread, task, spans)
    if (causes) {
      lines.push(`  - layout invalidated since the previous frame by: ${causes}`)
    }
  }
  return lines
}

// What made a long task's layout dirty: Chromium's LayoutInvalidationTracking events (reason, node) from the
// end of the layout before the task to the task's end, counted by reason and node, the most frequent first.
function layoutCauses(
  events: TraceEvent[],
  thread: { pid: number; tid: number },
  task: Span,
  spans: Span[],
): string {
  const since = spans.filter((span) => span.name === 'Layout' && span.end <= task.start).at(-1)?.end ?? 0
  const counts = new Map<string, number>()
  for (const event of events) {
    if (
      event.name !== 'LayoutInvalidationTracking' ||
      event.pid !== thread.pid ||
      event.ts < since ||
      event.ts > task.end
    ) {
      continue
    }
    const data = event.args?.data ?? {}
    const key = `${String(data.reason ?? '?')} on ${String(data.nodeName ?? '?')}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, count]) => `${key} ×${count}`)
    .join('; ')
}
