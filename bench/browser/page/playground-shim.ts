// Owns the in-page stand-in for the playground's backend (playground/app.ts is Node-only): the page's `fetch` answers
// `/api/runs/*` with the bench's Runs server (the proxy's path mapping, without its key and session checks) and
// `/api/playground/*` (config, thread index, faults) the way app.ts does for the embedded server.
import type { BenchServer } from './bench-server.ts'

type Entry = { id: string; createdAt: number; title: string }

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

/** The playground API and the Runs proxy over an in-page server, as a fetch function. */
export function playgroundBackend(server: BenchServer): typeof fetch {
  const threads: Entry[] = []
  const known = new Set<string>()
  const remember = (path: string) => {
    const id = /^\/threads\/(thread_[A-Za-z0-9_-]+)/.exec(path)?.[1]
    if (id && !known.has(id)) {
      known.add(id)
      threads.unshift({ id, createdAt: Date.now(), title: 'New chat' })
    }
  }
  const playground = async (request: Request, path: string): Promise<Response> => {
    if (path === '/config') {
      return json({
        mode: 'embedded',
        upstream: null,
        baseURL: '/api/runs',
        assistantId: server.assistantId,
        tools: server.tools,
        faults: true,
        pace: { tokenDelayMs: 1, cancelDelayMs: 200 },
      })
    }
    if (path === '/threads') {
      return json({ data: threads })
    }
    if (path === '/faults') {
      return json({ data: [] })
    }
    const titled = /^\/threads\/([A-Za-z0-9_-]+)$/.exec(path)
    const entry = titled && threads.find((thread) => thread.id === titled[1])
    if (entry && request.method === 'PATCH') {
      const body = (await request.json().catch(() => ({}))) as { title?: unknown }
      entry.title = typeof body.title === 'string' ? body.title.slice(0, 80) : entry.title
      return json(entry)
    }
    return json({ error: { message: 'Not found.' } }, 404)
  }
  return async (input, init) => {
    const request = new Request(input, init)
    const url = new URL(request.url)
    if (url.pathname.startsWith('/api/playground/')) {
      return playground(request, url.pathname.slice('/api/playground'.length))
    }
    if (url.pathname.startsWith('/api/runs/')) {
      const path = url.pathname.slice('/api/runs'.length)
      const response = await server.fetch(new Request(`http://bench.invalid/v1${path}${url.search}`, request))
      // The proxy's onThreadCreated, roughly: a thread shows in the index once a request names it.
      remember(path)
      return response
    }
    return globalFetch(request)
  }
}

const globalFetch = globalThis.fetch.bind(globalThis)
