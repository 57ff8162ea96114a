// The server side of the load benchmark, in its own process (forked by bench/server.ts) so that server and
// clients each get a core. Loopback only; exits when told to, when the parent goes away, or after a watchdog.
import type { MessageObject, ModelOutput, RunModel } from '@oai-runs/server'
import { createRunsServer } from '@oai-runs/server'
import { listen } from '@oai-runs/server/node'

/** Parent → child. */
export type ChildRequest = { type: 'stats'; gc: boolean } | { type: 'stop' }
/** Child → parent. */
export type ChildReply =
  | { type: 'ready'; url: string; assistantId: string }
  | { type: 'stats'; heapUsed: number; cpuMicros: number }

const WATCHDOG_MS = 150_000
export const ASSISTANT_ID = 'asst_bench'

/** A wall-clock stamp comparable across processes on one machine (ms, sub-ms precision). */
export const stamp = () => performance.timeOrigin + performance.now()

function lastUserText(messages: MessageObject[]): string {
  const message = messages.filter((item) => item.role === 'user').at(-1)
  const part = message?.content[0]
  return part?.type === 'text' ? part.text.value : ''
}

// `tokens N`: N text tokens, each carrying the time it was produced. `idle`: holds the stream open, sending nothing
// after the run went in_progress, until the run is stopped.
const benchModel: RunModel = async function* (context): AsyncGenerator<ModelOutput> {
  const command = lastUserText(context.messages)
  if (command === 'idle') {
    await new Promise<void>((resolve) => {
      context.signal.addEventListener('abort', () => resolve(), { once: true })
    })
    return
  }
  const tokens = Number(/^tokens (\d+)$/.exec(command)?.[1] ?? 10)
  for (let index = 0; index < tokens; index++) {
    yield { type: 'text', text: ` ${stamp().toFixed(3)}` }
  }
}

async function main() {
  const send = (reply: ChildReply) => process.send?.(reply)
  const server = createRunsServer({ tokenDelayMs: 0, model: benchModel })
  server.seedAssistant({ id: ASSISTANT_ID, name: 'bench', model: 'bench', tools: [] })
  const listener = await listen(server, { host: '127.0.0.1', port: 0 })
  const stop = async () => {
    server.close()
    await Promise.race([listener.close(), new Promise((resolve) => setTimeout(resolve, 2000))])
    process.exit(0)
  }
  setTimeout(stop, WATCHDOG_MS).unref()
  process.on('disconnect', stop)
  process.on('message', (request: ChildRequest) => {
    if (request.type === 'stop') {
      void stop()
    } else if (request.type === 'stats') {
      if (request.gc) {
        ;(globalThis as { gc?: () => void }).gc?.()
      }
      const { user, system } = process.cpuUsage()
      send({ type: 'stats', heapUsed: process.memoryUsage().heapUsed, cpuMicros: user + system })
    }
  })
  send({ type: 'ready', url: listener.url, assistantId: ASSISTANT_ID })
}

if (process.send) {
  void main()
}
