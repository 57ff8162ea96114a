import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
/** Anything with a fetch handler: a {@link RunsServer}, a proxy, or an app that routes between them. */
export interface FetchHandler {
  fetch(request: Request): Promise<Response>
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Interface to bind. @defaultValue '127.0.0.1' (loopback only) */
  host?: string
  /** Port; 0 picks a free one. @defaultValue 0 */
  port?: number
}

/** A running Node listener. */
export interface Listener {
  /** The API base URL, e.g. `http://127.0.0.1:4010/v1`. */
  url: string
  port: number
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>
}

function toRequest(incoming: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        headers.append(name, item)
      }
    } else if (value !== undefined) {
      headers.set(name, value)
    }
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD'
  return new Request(new URL(incoming.url ?? '/', origin), {
    method: incoming.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit)
}

async function send(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  outgoing.writeHead(response.status, headers)
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    outgoing.flushHeaders()
  }
  if (!response.body) {
    outgoing.end()
    return
  }
  const reader = response.body.getReader()
  outgoing.on('close', () => {
    // The client went away: stop reading (the run itself goes on).
    void reader.cancel().catch(() => {})
  })
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        break
      }
      outgoing.write(value)
    }
  } catch {
    // The stream was cancelled because the client left.
  }
  outgoing.end()
}

/**
 * Serves a fetch handler (a Runs server, a proxy, an app) over HTTP with `node:http`, on loopback by default.
 * @example const { url, close } = await listen(createRunsServer(), { port: 0 })
 */
export function listen(server: FetchHandler, options: ListenOptions = {}): Promise<Listener> {
  const host = options.host ?? '127.0.0.1'
  const http = createServer((incoming, outgoing) => {
    const abort = new AbortController()
    outgoing.on('close', () => abort.abort())
    const address = http.address() as AddressInfo
    const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
    server
      .fetch(toRequest(incoming, origin, abort.signal))
      .then((response) => send(response, outgoing))
      .catch(() => {
        if (!outgoing.headersSent) {
          outgoing.writeHead(500, { 'content-type': 'application/json' })
        }
        outgoing.end()
      })
  })
  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      const { port } = http.address() as AddressInfo
      const shownHost = host.includes(':') ? `[${host}]` : host
      resolve({
        url: `http://${shownHost}:${port}/v1`,
        port,
        close: () =>
          new Promise<void>((done) => {
            http.closeAllConnections()
            http.close(() => done())
          }),
      })
    })
  })
}
