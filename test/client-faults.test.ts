// @oai-runs/client against the server's fault injection (checklist T1–T8, S5, S7 end to end), and against a
// backend configured like Azure: another base path, no beta header, an `api-version` query.
import {
  BadRequestError,
  ConnectionTimeoutError,
  createClient,
  InternalServerError,
  QuotaExceededError,
  StreamError,
  StreamTruncatedError,
} from '@oai-runs/client'
import { createRunsServer, demoAssistant, type RunsServer, type RunsServerOptions } from '@oai-runs/server'
import { type Listener, listen } from '@oai-runs/server/node'
import { afterEach, describe, expect, test } from 'vitest'

const USER = (content: string) => ({
  assistant_id: 'asst_demo',
  thread: { messages: [{ role: 'user' as const, content }] },
})

type Seen = { method: string; url: string; headers: Headers }

let servers: RunsServer[] = []

afterEach(() => {
  for (const server of servers) {
    server.close()
  }
  servers = []
})

/** An in-process server and a fetch that records each request and can lose responses on purpose. */
function setup(options: RunsServerOptions = {}, loseResponses: (seen: Seen) => boolean = () => false) {
  const server = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5, ...options })
  servers.push(server)
  server.seedAssistant(demoAssistant)
  const seen: Seen[] = []
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const entry = { method: request.method, url: request.url, headers: request.headers }
    seen.push(entry)
    const response = await server.fetch(request)
    if (loseResponses(entry)) {
      throw new TypeError('socket hang up') // the server did the work; the client never hears of it
    }
    return response
  }
  return { server, seen, fetch: fetch as typeof globalThis.fetch }
}

const count = (seen: Seen[], pattern: RegExp, method = 'POST') =>
  seen.filter((entry) => entry.method === method && pattern.test(new URL(entry.url).pathname)).length

describe('transport faults', () => {
  test('T1: a 429 with retry-after-ms is retried and then succeeds', async () => {
    const { server, seen, fetch } = setup()
    server.faults.add({ operation: 'createThreadAndRun', status: 429, retryAfterMs: 5 })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    const { data, retryCount } = await client.runs.createThreadAndRun(USER('hi')).withResponse()
    expect(data.object).toBe('thread.run')
    expect(retryCount).toBe(1)
    expect(count(seen, /^\/v1\/threads\/runs$/)).toBe(2)
  })

  test('T2: 500s on GET run are retried within maxRetries, then surface as InternalServerError', async () => {
    const { server, seen, fetch } = setup()
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    const run = await client.runs.createThreadAndRun(USER('hi'))
    server.faults.add({ operation: 'getRun', status: 500, retryAfterMs: 1, times: 2 })
    await expect(client.runs.retrieve({ threadId: run.thread_id, runId: run.id })).resolves.toMatchObject({
      id: run.id,
    })
    server.faults.add({ operation: 'getRun', status: 503, retryAfterMs: 1, times: 3 })
    await expect(client.runs.retrieve({ threadId: run.thread_id, runId: run.id })).rejects.toBeInstanceOf(
      InternalServerError,
    )
    expect(count(seen, /\/runs\/run_/, 'GET')).toBe(6)
  })

  test('T2: x-should-retry: false is obeyed', async () => {
    const { server, seen, fetch } = setup()
    server.faults.add({ operation: 'getThread', status: 503, shouldRetry: false })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    await expect(client.threads.retrieve({ threadId: 'thread_x' })).rejects.toMatchObject({ status: 503 })
    expect(seen).toHaveLength(1)
  })

  test('T3: insufficient_quota is never retried', async () => {
    const { server, seen, fetch } = setup()
    server.faults.add({ operation: 'createThread', status: 429, code: 'insufficient_quota', times: 5 })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    await expect(client.threads.create()).rejects.toBeInstanceOf(QuotaExceededError)
    expect(seen).toHaveLength(1)
  })

  test('T5: headers later than the timeout give ConnectionTimeoutError', async () => {
    const { server, fetch } = setup()
    server.faults.add({ operation: 'getThread', delayMs: 300 })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch, timeout: 30, maxRetries: 0 })
    await expect(client.threads.retrieve({ threadId: 'thread_x' })).rejects.toBeInstanceOf(
      ConnectionTimeoutError,
    )
  })

  test('T8: a create-run whose response is lost is adopted, not re-sent; the thread has exactly one run', async () => {
    let lost = false
    const { seen, fetch } = setup({}, (entry) => {
      const loseIt = !lost && entry.method === 'POST' && /\/runs$/.test(new URL(entry.url).pathname)
      lost ||= loseIt
      return loseIt
    })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    const thread = await client.threads.create({ messages: [{ role: 'user', content: 'hello' }] })
    const run = await client.runs.create({ threadId: thread.id }, { assistant_id: 'asst_demo' })
    const runs = await client.runs.list({ threadId: thread.id })
    expect(runs.data.map((item) => item.id)).toEqual([run.id])
    expect(count(seen, /\/threads\/[^/]+\/runs$/)).toBe(1) // found by listing runs, not re-POSTed
  })
})

describe('stream faults', () => {
  test('S7: a stream cut mid-event is a truncation, never a re-POST', async () => {
    const { server, seen, fetch } = setup()
    server.faults.add({ operation: 'createThreadAndRun', stream: { cutAfterEvents: 3 } })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    const stream = await client.runs.createThreadAndRun({ ...USER('hello there'), stream: true })
    await expect(stream.finalRun()).rejects.toBeInstanceOf(StreamTruncatedError)
    expect(count(seen, /\/threads\/runs$/)).toBe(1)
  })

  test('S5: an `event: error` frame mid-stream is a StreamError', async () => {
    const { server, fetch } = setup()
    server.faults.add({ operation: 'createThreadAndRun', stream: { errorAfterEvents: 2 } })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch })
    const stream = await client.runs.createThreadAndRun({ ...USER('hello'), stream: true })
    await expect(stream.finalRun()).rejects.toBeInstanceOf(StreamError)
  })
})

describe('a backend with another base path, no beta header and an api-version query (Azure-like)', () => {
  test('every call carries api-version, none carries OpenAI-Beta, over real HTTP', async () => {
    const server = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5, basePath: '/openai' })
    servers.push(server)
    server.seedAssistant(demoAssistant)
    const listener: Listener = await listen(server, { port: 0 })
    const seen: Seen[] = []
    try {
      const client = createClient({
        baseURL: listener.url.replace(/\/v1$/, '/openai'),
        headers: { 'api-key': 'azure-key-000' },
        betaHeader: null,
        defaultQuery: { 'api-version': '2024-05-01-preview' },
        fetch: async (input, init) => {
          const request = new Request(input, init)
          seen.push({ method: request.method, url: request.url, headers: request.headers })
          return fetch(request)
        },
      })
      const run = await client.runs.createThreadAndRunPoll(USER('/tool get_weather {"city":"Paris"}'), {
        intervalMs: 5,
      })
      expect(run.status).toBe('requires_action')
      const steps = await client.steps.list(
        { threadId: run.thread_id, runId: run.id },
        { include: ['step_details.tool_calls[*].file_search.results[*].content'] },
      )
      expect(steps.data).toHaveLength(1)
      expect(seen.length).toBeGreaterThan(2)
      for (const entry of seen) {
        const url = new URL(entry.url)
        expect(url.pathname.startsWith('/openai/')).toBe(true)
        expect(url.searchParams.get('api-version')).toBe('2024-05-01-preview')
        expect(entry.headers.has('openai-beta')).toBe(false)
        expect(entry.headers.get('api-key')).toBe('azure-key-000')
      }
      expect(new URL(seen.at(-1)?.url ?? '').searchParams.getAll('include[]')).toHaveLength(1)
    } finally {
      await listener.close()
    }
  })

  test('a server that requires the beta header rejects a client that turned it off', async () => {
    const { fetch } = setup({ requireBetaHeader: true })
    const client = createClient({ baseURL: 'http://runs.test/v1', fetch, betaHeader: false })
    await expect(client.threads.create()).rejects.toSatisfy(
      (error) => error instanceof BadRequestError && /OpenAI-Beta/.test(error.message),
    )
    const withBeta = createClient({ baseURL: 'http://runs.test/v1', fetch })
    await expect(withBeta.threads.create()).resolves.toMatchObject({ object: 'thread' })
  })
})
