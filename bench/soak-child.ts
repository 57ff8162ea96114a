// The server side of the soak (forked by bench/soak.ts): a real `listen()` server with the scripted model, in its
// own process so that its heap and CPU are measured apart from the clients. Loopback only. Stats go over IPC;
// nothing here exists in the real server. Exits when told to, when the parent goes away, or after a watchdog.
import type { RunModel } from '@oai-runs/server'

// SOAK_SERVER_SRC=<dir> runs the soak against another copy of packages/server/src (e.g. the last commit's, to
// compare a change); by default, the workspace's.
const source = process.env.SOAK_SERVER_SRC
const { createRunsServer, scriptedModel } = (await import(
  source ? `${source}/index.ts` : '@oai-runs/server'
)) as typeof import('@oai-runs/server')
const { listen } = (await import(
  source ? `${source}/node.ts` : '@oai-runs/server/node'
)) as typeof import('@oai-runs/server/node')

/** Parent → child. `runs`: the slow streams' run ids the parent still watches (the others are forgotten once over). */
export type SoakRequest = { type: 'stats'; gc: boolean; runs?: string[] } | { type: 'stop' }

/** What the child knows about one slow stream's run. */
export type SlowRunStats = {
  /** Text tokens the model has yielded for the run so far. */
  produced: number
  /** The model has finished (the run ended on the server). */
  modelDone: boolean
  /** Bytes / frames / text-delta frames the listener has read out of the response body (handed to the socket). */
  bytesPulled: number
  framesPulled: number
  deltasPulled: number
  deltaBytesPulled: number
  /** The response body has ended or was cancelled. */
  streamDone: boolean
}

/** Child → parent. */
export type SoakReply =
  | { type: 'ready'; url: string; port: number; assistantId: string }
  | {
      type: 'stats'
      heapUsed: number
      heapTotal: number
      rss: number
      external: number
      arrayBuffers: number
      cpuMicros: number
      runs: Record<string, SlowRunStats>
    }

export const SOAK_ASSISTANT_ID = 'asst_soak'
/** The header a slow reader's request carries, so that only its body is counted here. */
export const SLOW_HEADER = 'x-bench-slow'

const watchdogMs = Number(process.argv[2] ?? 60) * 1000 + 180_000
const slowRuns = new Map<string, SlowRunStats>()
const entry = (runId: string): SlowRunStats => {
  let stats = slowRuns.get(runId)
  if (!stats) {
    stats = {
      produced: 0,
      modelDone: false,
      bytesPulled: 0,
      framesPulled: 0,
      deltasPulled: 0,
      deltaBytesPulled: 0,
      streamDone: false,
    }
    slowRuns.set(runId, stats)
  }
  return stats
}

// The scripted model, with the tokens of each slow stream's run counted (slow runs say `/long` with more tokens
// than any fast run; the parent passes the count on the command line).
const slowTokens = process.argv[3] ?? '20000'
const model: RunModel = async function* (context) {
  const last = context.messages.filter((message) => message.role === 'user').at(-1)?.content[0]
  const slow = last?.type === 'text' && last.text.value === `/long ${slowTokens}`
  if (!slow) {
    yield* scriptedModel(context)
    return
  }
  const stats = entry(context.run.id)
  try {
    for await (const output of scriptedModel(context)) {
      yield output
      stats.produced++
    }
  } finally {
    stats.modelDone = true
  }
}

const encoder = new TextEncoder()
const runCreated = encoder.encode('event: thread.run.created\n')
const delta = encoder.encode('event: thread.message.delta\n')
const startsWith = (chunk: Uint8Array, prefix: Uint8Array) =>
  chunk.length >= prefix.length && prefix.every((byte, index) => chunk[index] === byte)

/** Counts what the listener reads out of a slow stream's body (the server writes one SSE frame per chunk). */
function counted(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let stats: SlowRunStats | undefined
  const decoder = new TextDecoder()
  const reader = body.getReader()
  // highWaterMark 0: read from the server's stream only when the listener asks, so nothing waits in between.
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) {
          if (stats) {
            stats.streamDone = true
          }
          controller.close()
          return
        }
        if (!stats && startsWith(value, runCreated)) {
          const id = /"id":"(run_[^"]+)"/.exec(decoder.decode(value))?.[1]
          if (id) {
            stats = entry(id)
          }
        }
        if (stats) {
          stats.bytesPulled += value.byteLength
          stats.framesPulled++
          if (startsWith(value, delta)) {
            stats.deltasPulled++
            stats.deltaBytesPulled += value.byteLength
          }
        }
        controller.enqueue(value)
      },
      cancel(reason) {
        if (stats) {
          stats.streamDone = true
        }
        return reader.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

async function main() {
  const send = (reply: SoakReply) => process.send?.(reply)
  const server = createRunsServer({ tokenDelayMs: 0, model })
  server.seedAssistant({ id: SOAK_ASSISTANT_ID, name: 'soak', model: 'scripted', tools: [] })
  const handler = {
    async fetch(request: Request) {
      const response = await server.fetch(request)
      if (!request.headers.has(SLOW_HEADER) || !response.body) {
        return response
      }
      return new Response(counted(response.body), { status: response.status, headers: response.headers })
    },
  }
  const listener = await listen(handler, { host: '127.0.0.1', port: 0 })
  const stop = async () => {
    server.close()
    await Promise.race([listener.close(), new Promise((resolve) => setTimeout(resolve, 2000))])
    process.exit(0)
  }
  setTimeout(stop, watchdogMs).unref()
  process.on('disconnect', stop)
  process.on('message', (request: SoakRequest) => {
    if (request.type === 'stop') {
      void stop()
      return
    }
    if (request.gc) {
      ;(globalThis as { gc?: () => void }).gc?.()
    }
    const runs: Record<string, SlowRunStats> = {}
    if (request.runs) {
      const watched = new Set(request.runs)
      for (const [id, stats] of slowRuns) {
        if (watched.has(id)) {
          runs[id] = { ...stats }
        } else if (stats.modelDone && stats.streamDone) {
          slowRuns.delete(id)
        }
      }
    }
    const memory = process.memoryUsage()
    const { user, system } = process.cpuUsage()
    send({
      type: 'stats',
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      rss: memory.rss,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      cpuMicros: user + system,
      runs,
    })
  })
  send({ type: 'ready', url: listener.url, port: listener.port, assistantId: SOAK_ASSISTANT_ID })
}

if (process.send) {
  void main()
}
