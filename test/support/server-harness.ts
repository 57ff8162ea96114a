import { createRunsServer, demoAssistant, type RunsServerOptions } from '@oai-runs/server'
import { type ContractFetch, withContractChecks } from './contract.ts'

/** One SSE frame as read from a response body. */
export interface Frame {
  event: string
  data: string
}

/** A server for tests: no token delay, fast polling, the demo assistant seeded, every response contract-checked. */
export function createTestServer(options: RunsServerOptions = {}) {
  const server = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5, ...options })
  const assistant = server.seedAssistant(demoAssistant)
  const fetch: ContractFetch = withContractChecks((request) => server.fetch(request))

  /** Sends one API call; `path` is under /v1. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`http://runs.test/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    const text = response.headers.get('content-type')?.includes('json') ? await response.json() : null
    // biome-ignore lint/suspicious/noExplicitAny: tests read API bodies loosely; the contract harness checks their shape.
    return { status: response.status, headers: response.headers, body: text as any }
  }

  /** Opens a streamed call and reads every SSE frame until the server closes the stream. */
  async function stream(path: string, body: unknown) {
    const response = await fetch(`http://runs.test/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(body as object), stream: true }),
    })
    const raw = await response.text()
    return { response, raw, frames: parseFrames(raw) }
  }

  /** Polls a run until it leaves queued/in_progress/cancelling. */
  async function settle(threadId: string, runId: string) {
    for (let attempt = 0; attempt < 500; attempt++) {
      const { body } = await call('GET', `/threads/${threadId}/runs/${runId}`)
      if (!['queued', 'in_progress', 'cancelling'].includes(body.status)) {
        return body
      }
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    throw new Error(`run ${runId} did not settle`)
  }

  return { server, assistant, fetch, call, stream, settle }
}

/** Splits an SSE body into frames (LF endings, as this server writes them). */
export function parseFrames(raw: string): Frame[] {
  return raw
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? ''
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? ''
      return { event, data }
    })
}
