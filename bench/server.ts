// Server load: N concurrent streamed runs over loopback HTTP (server in a child process, clients here, through
// @oai-runs/client), token delay 0. Reports events/s overall and the p99 time from the model emitting a token on
// the server to the client receiving its delta; then memory per idle open stream on both sides.
import { type ChildProcess, fork } from 'node:child_process'
import { setMaxListeners } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Client, createClient } from '@oai-runs/client'
import type { ChildReply, ChildRequest } from './server-child'
import { collectGarbage, type Figure, formatNumber, percentile, stopChild } from './stats'

const stamp = () => performance.timeOrigin + performance.now()
const PHASE_TIMEOUT_MS = 60_000

function startChild(): Promise<{ child: ChildProcess; url: string; assistantId: string }> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'server-child.ts')
  const child = fork(entry, [], {
    execArgv: ['--expose-gc', '--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the bench server exited early (${code})`)))
    child.once('message', (reply: ChildReply) => {
      if (reply.type === 'ready') {
        resolve({ child, url: reply.url, assistantId: reply.assistantId })
      }
    })
  })
}

function childStats(child: ChildProcess, gc: boolean): Promise<{ heapUsed: number; cpuMicros: number }> {
  return new Promise((resolve) => {
    const onMessage = (reply: ChildReply) => {
      if (reply.type === 'stats') {
        child.off('message', onMessage)
        resolve(reply)
      }
    }
    child.on('message', onMessage)
    child.send({ type: 'stats', gc } satisfies ChildRequest)
  })
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took longer than ${PHASE_TIMEOUT_MS} ms`)),
      PHASE_TIMEOUT_MS,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

async function streamRun(client: Client, assistantId: string, tokens: number, latencies: number[]) {
  const stream = await client.runs.createThreadAndRun({
    assistant_id: assistantId,
    thread: { messages: [{ role: 'user', content: `tokens ${tokens}` }] },
    stream: true,
  })
  let events = 0
  for await (const event of stream) {
    events++
    if (event.event === 'thread.message.delta' && !('unknown' in event)) {
      const part = event.data.delta.content?.[0]
      if (part?.type === 'text' && part.text?.value) {
        latencies.push(stamp() - Number(part.text.value))
      }
    }
  }
  return events
}

async function load(
  client: Client,
  child: ChildProcess,
  assistantId: string,
  concurrency: number,
  tokens: number,
) {
  const latencies: number[] = []
  const serverCpu = (await childStats(child, false)).cpuMicros
  const clientCpu = cpuMicros()
  const start = performance.now()
  const counts = await withTimeout(
    Promise.all(Array.from({ length: concurrency }, () => streamRun(client, assistantId, tokens, latencies))),
    `${concurrency} concurrent runs`,
  )
  const seconds = (performance.now() - start) / 1000
  const events = counts.reduce((sum, count) => sum + count, 0)
  // Busy share of one core on each side: shows which process bounds the rate.
  const serverBusy = ((await childStats(child, false)).cpuMicros - serverCpu) / 1e6 / seconds
  const clientBusy = (cpuMicros() - clientCpu) / 1e6 / seconds
  return { events, seconds, latencies, serverBusy, clientBusy }
}

async function idle(client: Client, assistantId: string, child: ChildProcess, count: number) {
  collectGarbage()
  const clientBefore = process.memoryUsage().heapUsed
  const serverBefore = (await childStats(child, true)).heapUsed
  const controller = new AbortController()
  setMaxListeners(count + 10, controller.signal) // one listener per open stream, on purpose
  const holders: Promise<void>[] = []
  await withTimeout(
    Promise.all(
      Array.from({ length: count }, async () => {
        const stream = await client.runs.createThreadAndRun(
          {
            assistant_id: assistantId,
            thread: { messages: [{ role: 'user', content: 'idle' }] },
            stream: true,
          },
          { signal: controller.signal },
        )
        const iterator = stream[Symbol.asyncIterator]()
        // Read until the run is in progress; after that the server sends nothing and the stream sits open.
        for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
          if (result.value.event === 'thread.run.in_progress') {
            break
          }
        }
        holders.push(
          iterator.next().then(
            () => undefined,
            () => undefined,
          ),
        )
      }),
    ),
    `${count} idle streams`,
  )
  collectGarbage()
  const clientAfter = process.memoryUsage().heapUsed
  const serverAfter = (await childStats(child, true)).heapUsed
  controller.abort()
  await Promise.all(holders)
  return { client: (clientAfter - clientBefore) / count, server: (serverAfter - serverBefore) / count }
}

export async function benchServer(options: {
  concurrency: number[]
  eventsPerLevel: number
  idleStreams: number
}) {
  const { child, url, assistantId } = await startChild()
  const client = createClient({ baseURL: url, apiKey: 'sk-bench', maxRetries: 0 })
  const figures: Figure[] = []
  const notes: string[] = []
  try {
    await load(client, child, assistantId, 10, 50) // warm-up: JIT, sockets
    let baseline: number | undefined
    for (const concurrency of options.concurrency) {
      const tokens = Math.max(10, Math.round(options.eventsPerLevel / concurrency))
      const result = await load(client, child, assistantId, concurrency, tokens)
      const rate = result.events / result.seconds
      baseline ??= rate
      const p50 = percentile(result.latencies, 50)
      const p99 = percentile(result.latencies, 99)
      figures.push(
        {
          section: 'server',
          name: `${concurrency} concurrent runs × ${tokens} tokens: throughput`,
          value: rate,
          unit: 'ev/s',
          detail:
            `${formatNumber(result.events)} events in ${result.seconds.toFixed(2)} s; CPU busy: server ` +
            `${(result.serverBusy * 100).toFixed(0)}%, client ${(result.clientBusy * 100).toFixed(0)}% of a core`,
          ratio: { value: rate / baseline, label: `of the ${options.concurrency[0]}-run rate` },
        },
        {
          section: 'server',
          name: `${concurrency} concurrent runs: p99 emit → receipt`,
          value: p99,
          unit: 'ms',
          detail: `p50 ${p50.toFixed(2)} ms, max ${percentile(result.latencies, 100).toFixed(1)} ms`,
          ratio: { value: p99 / p50, label: 'p50' },
        },
      )
    }
    const memory = await idle(client, assistantId, child, options.idleStreams)
    figures.push(
      {
        section: 'server',
        name: `idle stream memory, server heap (${options.idleStreams} open)`,
        value: memory.server / 1000,
        unit: 'KB/stream',
        ratio: { value: memory.server / memory.client, label: 'client heap/stream' },
      },
      {
        section: 'server',
        name: `idle stream memory, client heap (${options.idleStreams} open)`,
        value: memory.client / 1000,
        unit: 'KB/stream',
        ratio: { value: memory.client / memory.server, label: 'server heap/stream' },
      },
    )
    notes.push(
      'server: server in a child process, clients (@oai-runs/client over undici) in the bench process; latency = ' +
        'client receipt of a delta − the server-side stamp taken when the model yielded that token ' +
        '(performance.timeOrigin + now(), same machine); idle streams are runs whose model waits, open after ' +
        '`thread.run.in_progress`.',
    )
  } finally {
    await stopChild(child, { type: 'stop' } satisfies ChildRequest)
  }
  return { figures, notes }
}
