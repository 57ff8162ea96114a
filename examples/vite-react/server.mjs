// Serves the built app (dist/) and mounts the key-holding proxy at /api/runs in front of an embedded Runs API
// server with the scripted model. Swap `fetch: runs.fetch` for `upstream` + `apiKey` to reach a real backend.
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { listen } from '@oai-runs/server/node'
import { createRunsProxy } from '@oai-runs/server/proxy'

const tokenDelayMs = Number(process.env.TOKEN_DELAY_MS ?? 20)
const runs = createRunsServer({ tokenDelayMs })
runs.seedAssistant(demoAssistant)

const proxy = createRunsProxy({
  upstream: 'http://runs.internal/v1',
  apiKey: 'server-side-key', // never sent to the browser
  fetch: (request) => runs.fetch(request),
  basePath: '/api/runs',
  assistantId: 'asst_demo',
  authorize: () => true, // an app checks its session here
})

const dist = fileURLToPath(new URL('./dist/', import.meta.url))
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }

async function serveStatic(pathname) {
  const file = normalize(join(dist, pathname === '/' ? 'index.html' : pathname))
  if (!file.startsWith(dist)) {
    return new Response('Not found', { status: 404 })
  }
  try {
    const body = await readFile(file)
    return new Response(body, {
      headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream' },
    })
  } catch {
    return new Response(await readFile(join(dist, 'index.html')), {
      headers: { 'content-type': 'text/html' },
    })
  }
}

const app = {
  fetch(request) {
    const { pathname } = new URL(request.url)
    return pathname.startsWith('/api/runs/') ? proxy.fetch(request) : serveStatic(pathname)
  },
}

const { port } = await listen(app, { port: Number(process.env.PORT ?? 5173), host: '127.0.0.1' })
console.log(`example listening on http://127.0.0.1:${port}/`)
