// Soak: a real `listen()` server (child process, scripted model, token delay 0) under 200 concurrent streamed runs
// over HTTP for 60 s, each re-created as soon as it ends; 20 of the connections read slowly (the socket paused, one
// small read every interval), the rest as fast as they can. Samples the server's heap, RSS and CPU every second and
// checks that every fast stream ends with its terminal event and `[DONE]`, that the server never crashes, and how
// far behind the slow readers are (and what the server holds for them). Baseline in the same run: the same load
// with 0 slow readers, for a shorter time.
//   pnpm bench:soak                     60 s (writes results/soak.json and soak.md)
//   pnpm bench:soak --soak-seconds 10   a quick check (SOAK_SECONDS=10 works too; results left unchanged)
import { type ChildProcess, fork } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { Agent, type IncomingMessage, request } from 'node:http'
import { cpus } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { fileURLToPath } from 'node:url'
import { SLOW_HEADER, type SlowRunStats, type SoakReply, type SoakRequest } from './soak-child'
import { collectGarbage, type Figure, formatFigure, formatNumber, formatRatio, stopChild } from './stats'

export type SoakOptions = {
  /** Length of the soak. @defaultValue 60 */
  seconds: number
  /** Concurrent streams, slow ones included. */
  streams: number
  slow: number
  /** Length of the baseline (the same load, no slow readers). */
  baselineSeconds: number
  /** Tokens of a fast stream's run (`/long N`). */
  fastTokens: number
  /** Tokens of a slow stream's run: its reader needs longer than the run (about 40 s at 10 KiB/s). */
  slowTokens: number
  /** A slow reader takes at most this many bytes every `slowIntervalMs`. */
  slowChunkBytes: number
  slowIntervalMs: number
  /** Then, without other load: readers that take nothing until their runs have completed on the server. */
  stalled: number
  stalledTokens: number
}

export const DEFAULT_SOAK_SECONDS = 60
/**
 * Live-heap growth (last window − first) the soak is held to: well under what holding the slow readers' lag would
 * take (about 1 MiB per slow stream after 60 s, 20 of them).
 */
const GROWTH_BOUND_MB = 8

export function soakOptions(seconds = DEFAULT_SOAK_SECONDS): SoakOptions {
  return {
    seconds,
    streams: 200,
    slow: 20,
    baselineSeconds: Math.min(10, Math.max(3, Math.round(seconds / 4))),
    fastTokens: 200,
    slowTokens: 2000,
    slowChunkBytes: 1024,
    slowIntervalMs: 100,
    stalled: 5,
    stalledTokens: 50_000,
  }
}

const MB = 1024 * 1024
/** The server's heap is also sampled after a forced full GC every this many seconds (live memory, no GC noise). */
const GC_EVERY_SECONDS = Number(process.env.SOAK_GC_EVERY ?? 5)
const mb = (bytes: number) => bytes / MB

type Stats = Extract<SoakReply, { type: 'stats' }>

function startChild(
  options: SoakOptions,
): Promise<{ child: ChildProcess; port: number; assistantId: string }> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'soak-child.ts')
  const child = fork(entry, [String(options.seconds), String(options.slowTokens)], {
    execArgv: ['--expose-gc', '--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the soak server exited early (${code})`)))
    child.once('message', (reply: SoakReply) => {
      if (reply.type === 'ready') {
        resolve({ child, port: reply.port, assistantId: reply.assistantId })
      }
    })
  })
}

/** `runs`: the slow streams' run ids still watched; the child forgets the others once they are over. */
function childStats(child: ChildProcess, gc: boolean, runs?: string[]): Promise<Stats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage)
      reject(new Error('the soak server did not answer a stats request within 10 s'))
    }, 10_000)
    const onMessage = (reply: SoakReply) => {
      if (reply.type === 'stats') {
        clearTimeout(timer)
        child.off('message', onMessage)
        resolve(reply)
      }
    }
    child.on('message', onMessage)
    child.send({ type: 'stats', gc, runs } satisfies SoakRequest)
  })
}

/** Splits a response body into SSE frames (the server writes `event:` + one `data:` line per frame). */
class FrameReader {
  private readonly decoder = new StringDecoder('utf8')
  private rest = ''
  frames = 0
  deltas = 0
  bytes = 0
  last = ''
  beforeLast = ''
  threadId: string | undefined
  runId: string | undefined

  push(chunk: Buffer) {
    this.bytes += chunk.byteLength
    const text = this.rest + this.decoder.write(chunk)
    let start = 0
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n', start)) {
      this.frame(text.slice(start, end))
      start = end + 2
    }
    this.rest = text.slice(start)
  }

  private frame(raw: string) {
    this.frames++
    const name = raw.slice('event: '.length, raw.indexOf('\n'))
    if (name === 'thread.message.delta') {
      this.deltas++
    } else if (name === 'thread.created') {
      this.threadId = /"id":"([^"]+)"/.exec(raw)?.[1]
    } else if (name === 'thread.run.created') {
      this.runId = /"id":"([^"]+)"/.exec(raw)?.[1]
    }
    this.beforeLast = this.last
    this.last = raw
  }

  /** Ended as a complete stream does: the terminal run event, then `done` / `[DONE]`, nothing left over. */
  get complete(): boolean {
    return (
      this.rest === '' &&
      this.last === 'event: done\ndata: [DONE]' &&
      this.beforeLast.startsWith('event: thread.run.completed\n')
    )
  }

  get endedWithError(): boolean {
    return this.last.startsWith('event: error\n')
  }
}

type Counters = {
  fastRuns: number
  fastComplete: number
  fastIncomplete: number
  fastFailures: number
  fastFrames: number
  slowFrames: number
  slowRuns: number
  slowComplete: number
  slowEndedWithError: number
  slowOther: number
  firstProblem?: string
}

const newCounters = (): Counters => ({
  fastRuns: 0,
  fastComplete: 0,
  fastIncomplete: 0,
  fastFailures: 0,
  fastFrames: 0,
  slowFrames: 0,
  slowRuns: 0,
  slowComplete: 0,
  slowEndedWithError: 0,
  slowOther: 0,
})

type Target = { port: number; assistantId: string; agent: Agent }

function post(target: Target, tokens: number, slow: boolean) {
  const body = JSON.stringify({
    assistant_id: target.assistantId,
    thread: { messages: [{ role: 'user', content: `/long ${tokens}` }] },
    stream: true,
  })
  const req = request({
    host: '127.0.0.1',
    port: target.port,
    method: 'POST',
    path: '/v1/threads/runs',
    agent: target.agent,
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(slow ? { [SLOW_HEADER]: '1' } : {}),
    },
  })
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve)
    req.once('error', reject)
  })
  req.end(body)
  return { req, response }
}

function deleteThread(target: Target, threadId: string): Promise<void> {
  return call(target, 'DELETE', `/v1/threads/${threadId}`)
}

/** A bodiless request whose answer is read and dropped; never rejects. */
function call(target: Target, method: string, path: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: target.port, method, path, agent: target.agent },
      (res) => {
        res.resume()
        res.once('end', () => resolve())
        res.once('error', () => resolve())
      },
    )
    req.once('error', () => resolve())
    req.end()
  })
}

/** One fast run: read as fast as possible, then delete its thread (the memory store keeps what it is given). */
async function fastRun(target: Target, counters: Counters, tokens: number): Promise<void> {
  const reader = new FrameReader()
  try {
    const { response } = post(target, tokens, false)
    const res = await response
    await new Promise<void>((resolve, reject) => {
      if (res.statusCode !== 200) {
        reject(new Error(`status ${res.statusCode}`))
      }
      res.on('data', (chunk: Buffer) => reader.push(chunk))
      res.once('end', resolve)
      res.once('error', reject)
      res.once('aborted', () => reject(new Error('aborted')))
    })
  } catch (error) {
    counters.fastFailures++
    counters.firstProblem ??= `fast stream failed: ${String(error)}`
  }
  counters.fastRuns++
  counters.fastFrames += reader.frames
  if (reader.complete) {
    counters.fastComplete++
  } else {
    counters.fastIncomplete++
    counters.firstProblem ??= `fast stream ended with ${JSON.stringify(reader.last.slice(0, 120))}`
  }
  if (reader.threadId) {
    await deleteThread(target, reader.threadId)
  }
}

/** A slow stream in flight: what its reader has taken so far. */
type SlowSlot = { reader: FrameReader; stop: () => void }

/** One slow run: the socket is paused and read `chunkBytes` at a time every `intervalMs`. */
async function slowRun(
  target: Target,
  counters: Counters,
  options: SoakOptions,
  slot: SlowSlot,
): Promise<void> {
  const reader = slot.reader
  let stopped = false
  const { req, response } = post(target, options.slowTokens, true)
  slot.stop = () => {
    stopped = true
    req.destroy()
  }
  try {
    const res = await response
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const size = Math.min(options.slowChunkBytes, res.readableLength)
        const chunk = res.read(size) as Buffer | null
        if (chunk) {
          reader.push(chunk)
        }
      }, options.slowIntervalMs)
      const finish = (error?: Error) => {
        clearInterval(timer)
        error ? reject(error) : resolve()
      }
      res.once('end', () => finish())
      res.once('error', finish)
      res.once('close', () => finish(res.complete ? undefined : new Error('closed')))
    })
  } catch (error) {
    if (!stopped) {
      counters.slowOther++
      counters.firstProblem ??= `slow stream failed: ${String(error)}`
    }
  }
  counters.slowFrames += reader.frames
  if (stopped) {
    // The soak is over: the run would go on without its reader; cancel it so that it does not count afterwards.
    if (reader.threadId && reader.runId) {
      await call(target, 'POST', `/v1/threads/${reader.threadId}/runs/${reader.runId}/cancel`)
      await deleteThread(target, reader.threadId)
    }
    return
  }
  counters.slowRuns++
  if (reader.complete) {
    counters.slowComplete++
  } else if (reader.endedWithError) {
    counters.slowEndedWithError++
  } else {
    counters.slowOther++
    counters.firstProblem ??= `slow stream ended with ${JSON.stringify(reader.last.slice(0, 120))}`
  }
  if (reader.threadId) {
    await deleteThread(target, reader.threadId)
  }
}

type Sample = {
  second: number
  heapUsed: number
  /** Every `gcEvery` seconds: the heap right after a full GC (what is live). */
  liveHeap?: number
  rss: number
  /** Per slow stream in flight: the model's tokens, what the listener took, what the reader took. */
  slow: {
    produced: number
    deltasPulled: number
    deltaBytes: number
    bytesPulled: number
    deltasReceived: number
    bytesReceived: number
  }[]
}

/** Runs `streams` fast and `slow` slow connections for `seconds`, each re-creating its run as soon as it ends. */
async function phase(
  target: Target,
  child: ChildProcess,
  options: SoakOptions,
  seconds: number,
  slow: number,
  label: string,
) {
  const counters = newCounters()
  const samples: Sample[] = []
  const slots: SlowSlot[] = Array.from({ length: slow }, () => ({
    reader: new FrameReader(),
    stop: () => {},
  }))
  let running = true
  const started = performance.now()
  const cpuBefore = (await childStats(child, false)).cpuMicros
  const fast = Array.from({ length: options.streams - slow }, async () => {
    while (running) {
      await fastRun(target, counters, options.fastTokens)
    }
  })
  const slowLoops = slots.map(async (slot) => {
    while (running) {
      slot.reader = new FrameReader()
      await slowRun(target, counters, options, slot)
    }
  })
  const sample = async (second: number) => {
    const watched = slots.flatMap((slot) => (slot.reader.runId ? [slot.reader.runId] : []))
    const stats = await childStats(child, false, watched)
    const perSlow = slots.flatMap((slot) => {
      const run: SlowRunStats | undefined = slot.reader.runId ? stats.runs[slot.reader.runId] : undefined
      return run
        ? [
            {
              produced: run.produced,
              deltasPulled: run.deltasPulled,
              deltaBytes: run.deltasPulled > 0 ? run.deltaBytesPulled / run.deltasPulled : 0,
              bytesPulled: run.bytesPulled,
              deltasReceived: slot.reader.deltas,
              bytesReceived: slot.reader.bytes,
            },
          ]
        : []
    })
    const live =
      second % GC_EVERY_SECONDS === 0 ? (await childStats(child, true, watched)).heapUsed : undefined
    samples.push({
      second,
      heapUsed: stats.heapUsed,
      rss: stats.rss,
      slow: perSlow,
      ...(live === undefined ? {} : { liveHeap: live }),
    })
    if (second % 5 === 0) {
      const slowPart =
        perSlow.length === 0
          ? ''
          : `; slow streams (mean): ${formatNumber(mean(perSlow.map((s) => s.produced - s.deltasReceived)))} deltas behind, ` +
            `${formatNumber(mean(perSlow.map((s) => Math.max(0, s.produced - s.deltasPulled))))} queued in the server, ` +
            `${formatNumber(mean(perSlow.map((s) => s.bytesPulled - s.bytesReceived)) / 1024)} KiB in the sockets`
      console.log(
        `soak ${label} ${second} s: server heap ${mb(stats.heapUsed).toFixed(1)} MB${live === undefined ? '' : ` (live ${mb(live).toFixed(1)} MB)`}, rss ${mb(stats.rss).toFixed(0)} MB, ` +
          `${counters.fastComplete} fast runs complete, ${counters.fastIncomplete + counters.fastFailures} not${slowPart}`,
      )
    }
  }
  for (let second = 1; second <= seconds; second++) {
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, started + second * 1000 - performance.now())),
    )
    await sample(second)
  }
  const wall = (performance.now() - started) / 1000
  const cpuBusy = ((await childStats(child, false)).cpuMicros - cpuBefore) / 1e6 / wall
  const framesInWindow = counters.fastFrames + counters.slowFrames
  const fastRunsInWindow = counters.fastComplete
  // Heap retained while the slow streams are still open (after a full GC).
  const retained = (await childStats(child, true)).heapUsed
  running = false
  for (const slot of slots) {
    slot.stop()
  }
  await Promise.all([...fast, ...slowLoops])
  return { counters, samples, wall, cpuBusy, framesInWindow, fastRunsInWindow, retained }
}

type Phase = Awaited<ReturnType<typeof phase>>

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length)
const max = (values: number[]) => values.reduce((top, value) => Math.max(top, value), 0)

/**
 * Stalled readers: `count` streams of `/long tokens` whose readers take nothing until their runs have completed on
 * the server (no other load). Live heap before and after, per stream; then the readers resume and read to the end.
 */
async function stalled(target: Target, child: ChildProcess, count: number, tokens: number) {
  const before = (await childStats(child, true)).heapUsed
  const streams = await Promise.all(
    Array.from({ length: count }, async () => {
      const { response } = post(target, tokens, false)
      const res = await response
      const reader = new FrameReader()
      // One read for the thread id (the first frames), then nothing.
      await new Promise((resolve) => res.once('readable', resolve))
      const first = res.read() as Buffer | null
      if (first) {
        reader.push(first)
      }
      return { res, reader }
    }),
  )
  // Counted polls, bounded: until every run has completed on the server.
  let pending = streams.length
  for (let poll = 0; poll < 600 && pending > 0; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const statuses = await Promise.all(
      streams.map(async ({ reader }) => {
        const answer = await fetch(`http://127.0.0.1:${target.port}/v1/threads/${reader.threadId}/runs`)
        const runs = (await answer.json()) as { data: { status: string }[] }
        return runs.data[0]?.status
      }),
    )
    pending = statuses.filter((status) => status !== 'completed').length
  }
  const held = (await childStats(child, true)).heapUsed
  // Resume: read what is left and see how each stream ends.
  await Promise.all(
    streams.map(
      ({ res, reader }) =>
        new Promise<void>((resolve) => {
          res.on('data', (chunk: Buffer) => reader.push(chunk))
          res.once('end', () => resolve())
          res.once('error', () => resolve())
          res.once('close', () => resolve())
        }),
    ),
  )
  const after = (await childStats(child, true)).heapUsed
  for (const { reader } of streams) {
    if (reader.threadId) {
      await deleteThread(target, reader.threadId)
    }
  }
  return {
    completedOnServer: streams.length - pending,
    heldPerStream: (held - before) / count,
    afterPerStream: (after - before) / count,
    received: mean(streams.map(({ reader }) => reader.bytes)),
    deltas: mean(streams.map(({ reader }) => reader.deltas)),
    complete: streams.filter(({ reader }) => reader.complete).length,
    endedWithError: streams.filter(({ reader }) => reader.endedWithError).length,
    errorCode: streams.map(({ reader }) => /"code":"([^"]+)"/.exec(reader.last)?.[1]).find(Boolean),
  }
}

function heapFigures(result: Phase) {
  const window = Math.max(1, Math.min(10, Math.floor(result.samples.length / 3)))
  const heaps = result.samples.map((sample) => sample.heapUsed)
  const live = (samples: Sample[]) => samples.flatMap((sample) => sample.liveHeap ?? [])
  // Live heap (after a forced GC, every few seconds): the first window's samples against the last window's.
  const lives = live(result.samples)
  const liveWindow = Math.max(
    1,
    Math.min(Math.floor(lives.length / 2), Math.round(window / GC_EVERY_SECONDS)),
  )
  const firstLive = mean(lives.slice(0, liveWindow))
  const lastLive = mean(lives.slice(-liveWindow))
  // Without forced GCs the samples saw-tooth; a window's floor (its lowest sample) is shown next to it.
  const firstFloor = Math.min(...heaps.slice(0, window))
  const lastFloor = Math.min(...heaps.slice(-window))
  return {
    window,
    firstLive,
    lastLive,
    growth: lastLive - firstLive,
    liveMax: max(lives),
    floorGrowth: lastFloor - firstFloor,
    max: max(heaps),
    end: heaps.at(-1) ?? 0,
  }
}

export async function benchSoak(options: SoakOptions) {
  const { child, port, assistantId } = await startChild(options)
  let crashed: string | undefined
  child.once('exit', (code, signal) => {
    crashed = `exited (${code ?? signal})`
  })
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY })
  const target: Target = { port, assistantId, agent }
  const figures: Figure[] = []
  const notes: string[] = []
  try {
    // Warm-up (JIT, sockets), then the heap at rest.
    const warm = newCounters()
    await Promise.all(Array.from({ length: 20 }, () => fastRun(target, warm, options.fastTokens)))
    collectGarbage()
    const atStart = await childStats(child, true)
    console.log(`soak: baseline, ${options.streams} fast streams, ${options.baselineSeconds} s`)
    const baseline = await phase(target, child, options, options.baselineSeconds, 0, 'baseline')
    console.log(`soak: ${options.streams} streams, ${options.slow} slow, ${options.seconds} s`)
    const soak = await phase(target, child, options, options.seconds, options.slow, 'soak')
    const afterSoak = await childStats(child, true)
    // Still serving: one more fast run after the soak.
    const check = newCounters()
    await fastRun(target, check, options.fastTokens)
    const serving = check.fastComplete === 1 && crashed === undefined
    console.log(`soak: ${options.stalled} stalled readers on /long ${options.stalledTokens}`)
    const stall = await stalled(target, child, options.stalled, options.stalledTokens)

    const heap = heapFigures(soak)
    const baseHeap = heapFigures(baseline)
    const rssMax = max(soak.samples.map((sample) => sample.rss))
    const baseRssMax = max(baseline.samples.map((sample) => sample.rss))
    const eventsPerSecond = soak.framesInWindow / soak.wall
    const baseEventsPerSecond = baseline.framesInWindow / baseline.wall
    const fastRate = soak.fastRunsInWindow / soak.wall
    const baseFastRate = baseline.fastRunsInWindow / baseline.wall
    const fastTotal = baseline.counters.fastRuns + soak.counters.fastRuns
    const fastComplete = baseline.counters.fastComplete + soak.counters.fastComplete
    const allComplete = fastComplete === fastTotal && fastTotal > 0
    const lastSlow = soak.samples.at(-1)?.slow ?? []
    const behind = lastSlow.map((stream) => stream.produced - stream.deltasReceived)
    const queuedDeltas = lastSlow.map((stream) => Math.max(0, stream.produced - stream.deltasPulled))
    const queuedBytes = lastSlow.map(
      (stream) => Math.max(0, stream.produced - stream.deltasPulled) * stream.deltaBytes,
    )
    const inSockets = lastSlow.map((stream) => stream.bytesPulled - stream.bytesReceived)
    const slowRead = mean(lastSlow.map((stream) => stream.bytesReceived))
    const lagBytes = mean(inSockets) + mean(queuedBytes)
    const slowRate = (options.slowChunkBytes * 1000) / options.slowIntervalMs
    const maxBehind = max(
      soak.samples.flatMap((sample) => sample.slow.map((s) => s.produced - s.deltasReceived)),
    )
    const who = `${options.streams} streams, ${options.slow} slow, ${options.seconds} s`

    figures.push(
      {
        section: 'soak',
        name: `server heap used, max (${who})`,
        value: mb(heap.max),
        unit: 'MB',
        detail: `last ${mb(heap.end).toFixed(1)} MB; sampled every 1 s without a forced GC`,
        ratio: { value: heap.max / baseHeap.max, label: 'baseline max (0 slow)' },
      },
      {
        section: 'soak',
        name: `server live heap growth, first → last ${heap.window} s`,
        value: mb(heap.growth),
        unit: 'MB',
        detail:
          `after a forced GC every ${GC_EVERY_SECONDS} s: mean ${mb(heap.firstLive).toFixed(1)} → ` +
          `${mb(heap.lastLive).toFixed(1)} MB, max ${mb(heap.liveMax).toFixed(1)} MB; floor of the 1 s samples ` +
          `${mb(heap.floorGrowth).toFixed(1)} MB; baseline ${mb(baseHeap.growth).toFixed(1)} MB`,
        target: {
          text: `heap bounded: growth ≤ ${GROWTH_BOUND_MB} MB`,
          met: mb(heap.growth) <= GROWTH_BOUND_MB,
        },
        ratio: { value: heap.lastLive / heap.firstLive, label: 'first-window live heap' },
      },
      {
        section: 'soak',
        name: 'server heap after GC, slow streams open',
        value: mb(soak.retained),
        unit: 'MB',
        detail: `at start ${mb(atStart.heapUsed).toFixed(1)} MB, after the baseline ${mb(baseline.retained).toFixed(1)} MB, after the soak (all closed) ${mb(afterSoak.heapUsed).toFixed(1)} MB`,
        ratio: { value: soak.retained / atStart.heapUsed, label: 'heap at start' },
      },
      {
        section: 'soak',
        name: 'server RSS, max',
        value: mb(rssMax),
        unit: 'MB',
        detail: `last ${mb(soak.samples.at(-1)?.rss ?? 0).toFixed(0)} MB`,
        ratio: { value: rssMax / baseRssMax, label: 'baseline max' },
      },
      {
        section: 'soak',
        name: 'server CPU busy',
        value: soak.cpuBusy * 100,
        unit: '% of a core',
        ratio: { value: soak.cpuBusy / baseline.cpuBusy, label: 'baseline' },
      },
      {
        section: 'soak',
        name: 'fast runs completed',
        value: soak.fastRunsInWindow,
        unit: 'runs',
        detail: `${fastRate.toFixed(1)} runs/s of ${options.fastTokens} tokens on ${options.streams - options.slow} fast streams`,
        ratio: { value: fastRate / baseFastRate, label: `baseline rate (${baseFastRate.toFixed(1)}/s)` },
      },
      {
        section: 'soak',
        name: 'events received',
        value: eventsPerSecond,
        unit: 'ev/s',
        detail: `${formatNumber(soak.framesInWindow)} frames, slow streams ${formatNumber(soak.counters.slowFrames)}`,
        ratio: { value: eventsPerSecond / baseEventsPerSecond, label: 'baseline' },
      },
      {
        section: 'soak',
        name: 'fast streams ending with terminal event + [DONE]',
        value: (fastComplete / Math.max(1, fastTotal)) * 100,
        unit: '%',
        detail:
          `${fastComplete}/${fastTotal} (baseline and soak), ${soak.counters.fastFailures + baseline.counters.fastFailures} failed` +
          (soak.counters.firstProblem ? `; first problem: ${soak.counters.firstProblem}` : ''),
        target: { text: 'every fast stream complete', met: allComplete },
      },
      {
        section: 'soak',
        name: 'server crashes',
        value: crashed ? 1 : 0,
        unit: '',
        detail: serving
          ? 'a fast run after the soak completed'
          : `not serving after the soak${crashed ? `: ${crashed}` : ''}`,
        target: { text: 'no crash, serving after', met: !crashed && serving },
      },
      {
        section: 'soak',
        name: 'slow readers: deltas behind the model at end',
        value: mean(behind),
        unit: 'events',
        detail:
          `max ${formatNumber(max(behind))}, max over the soak ${formatNumber(maxBehind)}, ` +
          `${formatNumber(lagBytes / 1024)} KiB of lag; each read ${formatNumber(slowRead / 1024)} KiB ` +
          `at ${formatNumber(slowRate / 1024)} KiB/s; slow runs ended: ${soak.counters.slowComplete} complete, ` +
          `${soak.counters.slowEndedWithError} with an error event, ${soak.counters.slowOther} otherwise`,
        ratio: {
          value: mean(behind) / Math.max(1, mean(lastSlow.map((stream) => stream.produced))),
          label: 'of the tokens produced',
        },
      },
      {
        section: 'soak',
        name: 'server buffered per slow stream (est.)',
        value: mean(queuedBytes) / 1024,
        unit: 'KiB',
        detail:
          `max ${formatNumber(max(queuedBytes) / 1024)} KiB: ${formatNumber(mean(queuedDeltas))} deltas produced, not yet read ` +
          `by the listener × their mean frame size; in the sockets (Node + kernel, both ends) ` +
          `${formatNumber(mean(inSockets) / 1024)} KiB`,
        ratio: {
          value: mean(queuedBytes) / Math.max(1, lagBytes),
          label: "of the slow streams' lag (the rest is in the sockets)",
        },
      },
    )
    const deltaFrame = mean(lastSlow.map((stream) => stream.deltaBytes)) || 190
    const streamBytes = options.stalledTokens * deltaFrame
    const heldByStream = stall.heldPerStream - stall.afterPerStream
    figures.push({
      section: 'soak',
      name: `stalled readers: server heap held per stream (${options.stalled} × /long ${options.stalledTokens})`,
      value: mb(heldByStream),
      unit: 'MB',
      detail:
        `live heap once ${stall.completedOnServer}/${options.stalled} runs had completed with their readers stalled, minus ` +
        `after the readers finished (the completed runs stay stored: ${mb(stall.afterPerStream).toFixed(2)} MB each); ` +
        `each reader got ${formatNumber(stall.received / MB)} MiB (${formatNumber(stall.deltas)} deltas) and ended: ` +
        `${stall.complete} complete, ${stall.endedWithError} with an error event` +
        (stall.errorCode ? ` (${stall.errorCode})` : ''),
      target: {
        text: 'bounded: ≤ 1 MB per stalled stream',
        met: mb(heldByStream) <= 1 && stall.completedOnServer === options.stalled,
      },
      ratio: {
        value: heldByStream / streamBytes,
        label: `of the stream's size (≈ ${formatNumber(streamBytes / MB)} MiB)`,
      },
    })
    notes.push(
      `soak: server = listen() + createRunsServer({ tokenDelayMs: 0 }) with the scripted model in a child process ` +
        `(heap/RSS/CPU sampled there over IPC each second); ${options.streams} connections over node:http, each ` +
        `re-creating its run (createThreadAndRun, stream: true) as soon as it ends and then deleting its thread; ` +
        `fast: \`/long ${options.fastTokens}\` read as fast as possible; ${options.slow} slow: \`/long ${options.slowTokens}\` with ` +
        `the socket paused and ${options.slowChunkBytes} B read every ${options.slowIntervalMs} ms. Baseline: the same ` +
        `load with 0 slow readers for ${options.baselineSeconds} s, just before. Stalled: after the soak, with no other ` +
        `load, ${options.stalled} readers of \`/long ${options.stalledTokens}\` take nothing until their runs have completed.`,
    )
  } finally {
    agent.destroy()
    if (!crashed) {
      await stopChild(child, { type: 'stop' } satisfies SoakRequest)
    }
  }
  return { figures, notes }
}

/** `--soak-seconds N` or `SOAK_SECONDS=N`; the default is 60. */
export function soakSecondsFrom(args: string[]): number | undefined {
  const flag = args.findIndex((arg) => arg === '--soak-seconds' || arg.startsWith('--soak-seconds='))
  const text =
    flag === -1
      ? process.env.SOAK_SECONDS
      : args[flag]!.includes('=')
        ? args[flag]!.split('=')[1]
        : args[flag + 1]
  const seconds = text === undefined ? undefined : Number(text)
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 3)) {
    throw new Error(`--soak-seconds: expected a number of seconds ≥ 3, got ${text}`)
  }
  return seconds
}

export function soakMarkdown(figures: Figure[], notes: string[], options: SoakOptions): string {
  return [
    `Measured by \`pnpm bench:soak\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'CPU'}, ${options.seconds} s.`,
    '',
    '| | Figure | Value | Detail | Target | Ratio |',
    '|---|---|---|---|---|---|',
    ...figures.map((figure) => {
      const target = figure.target ? `${figure.target.met ? '✅' : '❌'} ${figure.target.text}` : ''
      const ratio = figure.ratio ? `${formatRatio(figure.ratio.value)} ${figure.ratio.label}` : ''
      return `| ${figure.section} | ${figure.name} | ${formatNumber(figure.value)} ${figure.unit} | ${figure.detail ?? ''} | ${target} | ${ratio} |`
    }),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n')
}

async function main() {
  const seconds = soakSecondsFrom(process.argv.slice(2)) ?? DEFAULT_SOAK_SECONDS
  const options = soakOptions(seconds)
  console.log(`oai-runs soak: Node ${process.version}, ${cpus().length} CPUs, ${seconds} s`)
  const { figures, notes } = await benchSoak(options)
  for (const figure of figures) {
    console.log(formatFigure(figure))
  }
  for (const note of notes) {
    console.log(`note: ${note}`)
  }
  if (seconds !== DEFAULT_SOAK_SECONDS) {
    console.log('(shortened soak: results/soak.* left unchanged)')
    return
  }
  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results')
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    options,
    figures,
    notes,
  }
  writeFileSync(join(resultsDir, 'soak.json'), `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(join(resultsDir, 'soak.md'), soakMarkdown(figures, notes, options))
  console.log('wrote bench/results/soak.json and bench/results/soak.md')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
