// What it is: the bench page's server worker (bundled as /server-worker.js): `init` creates the Runs server with the
// reply model, `fetch` runs one request through its fetch handler and transfers the response body back, read the
// way a network reads a socket (below).
import { createBenchServer, type WireRequest, type WireResponse } from './bench-server.ts'

type Message =
  | { type: 'init'; replyBytes: number; msPerToken: number }
  | { type: 'fetch'; request: WireRequest }

// The server's body is read as soon as it produces (as the kernel and the browser's network stack take a socket's
// bytes), and each read of the page gets everything that arrived since its last read, in one chunk. Without this
// every event would cross to the page as its own chunk (one main-thread task each), and a busy page would leave
// the server's queue to fill until it drops the stream (its 1 MiB bound).
function asSocket(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  const pending: Uint8Array[] = []
  let ended = false
  let failure: unknown = null
  let wake: () => void = () => {}
  void (async () => {
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        pending.push(next.value)
        wake()
      }
    } catch (error) {
      failure = error ?? new Error('the server body failed')
    }
    ended = true
    wake()
  })()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (pending.length === 0 && !ended) {
          await new Promise<void>((resolve) => {
            wake = resolve
          })
        }
        wake = () => {}
        if (pending.length > 0) {
          const chunks = pending.splice(0)
          const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
          let at = 0
          for (const chunk of chunks) {
            out.set(chunk, at)
            at += chunk.length
          }
          controller.enqueue(out)
        } else if (failure) {
          controller.error(failure)
        } else {
          controller.close()
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  )
}

let server: ReturnType<typeof createBenchServer>['server'] | null = null

self.onmessage = async (event: MessageEvent<Message>) => {
  const port = event.ports[0]!
  try {
    const message = event.data
    if (message.type === 'init') {
      const created = createBenchServer(message.replyBytes, message.msPerToken)
      server = created.server
      port.postMessage({ ok: true, value: created.ready })
      return
    }
    if (!server) {
      throw new Error('fetch before init')
    }
    const { url, method, headers, body } = message.request
    const response = await server.fetch(new Request(url, { method, headers, body }))
    const stream = response.body ? asSocket(response.body) : null
    const value: WireResponse = {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body: stream,
    }
    port.postMessage({ ok: true, value }, stream ? [stream] : [])
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
