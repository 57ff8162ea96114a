// One server instance of the multi-instance bench, in its own process (forked by bench/instances.ts): the memory
// store, or the Postgres store on the database named by OAI_RUNS_BENCH_DB (several children may share it). Its
// model stamps every token with the time it produced it. Exits when told to, when the parent goes away, or after a
// watchdog.
import type { MessageObject, ModelOutput, RunModel, RunsServerOptions } from '@oai-runs/server'
import { createRunsServer } from '@oai-runs/server'
import { listen } from '@oai-runs/server/node'

/** Parent → child. */
export type InstanceRequest = { type: 'stats' } | { type: 'stop' }
/** Child → parent. */
export type InstanceReply =
  | { type: 'ready'; url: string; assistantId: string }
  | { type: 'stats'; cpuMicros: number; heapUsed: number }
  | { type: 'error'; message: string }

const WATCHDOG_MS = 300_000
/** The assistant every instance seeds (the same row on a shared database). */
export const INSTANCE_ASSISTANT_ID = 'asst_bench'

const stamp = () => performance.timeOrigin + performance.now()

function lastUserText(messages: MessageObject[]): string {
  const message = messages.filter((item) => item.role === 'user').at(-1)
  const part = message?.content[0]
  return part?.type === 'text' ? part.text.value : ''
}

// `tokens N`: N text tokens, each carrying the time it was produced (as bench/server-child.ts's model).
const benchModel: RunModel = async function* (context): AsyncGenerator<ModelOutput> {
  const tokens = Number(/^tokens (\d+)$/.exec(lastUserText(context.messages))?.[1] ?? 10)
  for (let index = 0; index < tokens; index++) {
    yield { type: 'text', text: ` ${stamp().toFixed(3)}` }
  }
}

/** The store named by the environment: OAI_RUNS_BENCH_DB unset is memory, else a Postgres URL. */
async function openStore(): Promise<{ store?: RunsServerOptions['store']; close: () => Promise<void> }> {
  const url = process.env.OAI_RUNS_BENCH_DB
  if (!url) {
    return { close: async () => {} }
  }
  const { createPostgresStore } = await import('@oai-runs/server/postgres')
  const store = await createPostgresStore(url)
  return { store, close: () => store.close() }
}

async function main() {
  const send = (reply: InstanceReply) => process.send?.(reply)
  const { store, close } = await openStore()
  const server = createRunsServer({ tokenDelayMs: 0, model: benchModel, ...(store ? { store } : {}) })
  server.seedAssistant({ id: INSTANCE_ASSISTANT_ID, name: 'bench', model: 'bench', tools: [] })
  await server.ready()
  const listener = await listen(server, { host: '127.0.0.1', port: 0 })
  const stop = async () => {
    const grace = new Promise((resolve) => setTimeout(resolve, 3000))
    await Promise.race([Promise.all([server.close(), listener.close()]), grace])
    await Promise.race([close(), grace])
    process.exit(0)
  }
  setTimeout(stop, WATCHDOG_MS).unref()
  process.on('disconnect', stop)
  process.on('message', (request: InstanceRequest) => {
    if (request.type === 'stop') {
      void stop()
    } else if (request.type === 'stats') {
      const { user, system } = process.cpuUsage()
      send({ type: 'stats', cpuMicros: user + system, heapUsed: process.memoryUsage().heapUsed })
    }
  })
  send({ type: 'ready', url: listener.url, assistantId: INSTANCE_ASSISTANT_ID })
}

if (process.send) {
  main().catch((error: unknown) => {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    } satisfies InstanceReply)
    process.exit(1)
  })
}
