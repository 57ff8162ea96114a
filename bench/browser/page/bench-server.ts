// Owns the bench's Runs server as the page sees it: `createRunsServer` with the reply model, either in a dedicated
// worker of the page (the default: its tokens then arrive on their schedule however busy the page is, as over a
// network, and the page's main thread pays only for the client and rendering) or on the page's main thread.
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { generateReply, replyModel, tokenizeReply } from './reply.ts'

/** Where the server runs: a worker of the page, or the page's main thread. */
export type ServerMode = 'worker' | 'main'

/** A running bench server: its fetch handler, the seeded assistant, and how to stop it. */
export type BenchServer = {
  fetch(request: Request): Promise<Response>
  assistantId: string
  tools: unknown[]
  close(): void
}

/** What the worker answers to `init`. */
export type WorkerReady = { assistantId: string; tools: unknown[] }

/** A request as it crosses to the worker (bodies are the client's JSON, so text). */
export type WireRequest = { url: string; method: string; headers: [string, string][]; body: string | null }

/** A response as it comes back; the body stream is transferred, not copied. */
export type WireResponse = {
  status: number
  statusText: string
  headers: [string, string][]
  body: ReadableStream<Uint8Array> | null
}

/** Creates the server and the reply model on this thread (the worker's, or the page's in `main` mode). */
export function createBenchServer(replyBytes: number, msPerToken: number) {
  const server = createRunsServer({
    tokenDelayMs: 0, // the pace is the model's schedule (see replyModel)
    cancelDelayMs: 200,
    model: replyModel(tokenizeReply(generateReply(replyBytes)), msPerToken),
  })
  const assistant = server.seedAssistant(demoAssistant)
  return { server, ready: { assistantId: assistant.id, tools: assistant.tools ?? [] } satisfies WorkerReady }
}

function call<T>(worker: Worker, message: unknown, transfer: Transferable[] = []): Promise<T> {
  const channel = new MessageChannel()
  return new Promise<T>((resolve, reject) => {
    channel.port1.onmessage = (event: MessageEvent<{ ok: boolean; value: T; error?: string }>) => {
      channel.port1.close()
      event.data.ok
        ? resolve(event.data.value)
        : reject(new Error(`bench server worker: ${event.data.error}`))
    }
    worker.postMessage(message, [channel.port2, ...transfer])
  })
}

/** Starts a bench server in `mode`, over a fresh store, streaming a reply of `replyBytes`. */
export async function startBenchServer(
  mode: ServerMode,
  replyBytes: number,
  msPerToken: number,
): Promise<BenchServer> {
  if (mode === 'main') {
    const { server, ready } = createBenchServer(replyBytes, msPerToken)
    return { ...ready, fetch: (request) => server.fetch(request), close: () => server.close() }
  }
  const worker = new Worker('/server-worker.js', { type: 'module', name: 'bench-runs-server' })
  worker.onerror = (event) => console.error(`bench server worker: ${event.message}`)
  const ready = await call<WorkerReady>(worker, { type: 'init', replyBytes, msPerToken })
  return {
    ...ready,
    async fetch(request) {
      const wire: WireRequest = {
        url: request.url,
        method: request.method,
        headers: [...request.headers],
        body: request.method === 'GET' || request.method === 'HEAD' ? null : await request.text(),
      }
      const answer = await call<WireResponse>(worker, { type: 'fetch', request: wire })
      return new Response(answer.body, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      })
    },
    close: () => worker.terminate(),
  }
}
