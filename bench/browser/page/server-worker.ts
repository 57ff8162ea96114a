// What it is: the bench page's server worker (bundled as /server-worker.js): `init` creates the Runs server with the
// reply model, `fetch` runs one request through its fetch handler and transfers the response body back.
import { createBenchServer, type WireRequest, type WireResponse } from './bench-server.ts'

type Message =
  | { type: 'init'; replyBytes: number; msPerToken: number }
  | { type: 'fetch'; request: WireRequest }

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
    const value: WireResponse = {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body: response.body,
    }
    port.postMessage({ ok: true, value }, response.body ? [response.body] : [])
  } catch (error) {
    port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) })
  }
}
