// Test helpers of the query layer, free of React: the in-process server as the network, a counting fetch, a fresh
// QueryClient per test. `.tsx` like every test-utils file, so the build and the tarball leave it out.
import { createRunsServer, demoAssistant, type RunsServer, type RunsServerOptions } from '@oai-runs/server'
import { QueryClient } from '@tanstack/query-core'
import { createClient } from '../core/index.ts'
import type { RunsClient } from './runs-client.ts'

/** The base URL of the test client. */
export const BASE_URL = 'http://runs.test/v1'

/** One request the client sent: method, path (without the base) and whether it was aborted later. */
export type RecordedRequest = { method: string; path: string; signal: AbortSignal | null }

/** A scripted server, a client over it and the log of every request. */
export type TestBackend = {
  server: RunsServer
  client: RunsClient
  requests: RecordedRequest[]
  /** Requests matching a method and a path pattern. */
  count(method: string, path?: RegExp): number
}

/** Options of `createTestBackend`: the server's, plus a hook that may replace a response (a "future server"). */
export type TestBackendOptions = RunsServerOptions & {
  rewrite?: (response: Response, request: Request) => Response | Promise<Response>
  /** Holds a request back (before the server sees it) until the returned promise settles. */
  hold?: (request: Request) => Promise<void> | undefined
}

/** A scripted in-process server (tokens without delay, 5 ms poll hint), a client over it and its request log. */
export function createTestBackend({ rewrite, hold, ...options }: TestBackendOptions = {}): TestBackend {
  const server = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5, ...options })
  server.seedAssistant(demoAssistant)
  const requests: RecordedRequest[] = []
  const client = createClient({
    baseURL: BASE_URL,
    maxRetries: 0,
    fetch: (input, init) => {
      const request = new Request(input, init)
      requests.push({
        method: request.method,
        path: new URL(request.url).pathname.replace('/v1', ''),
        signal: init?.signal ?? null,
      })
      const held = hold?.(request)
      const response = held ? held.then(() => server.fetch(request)) : server.fetch(request)
      return rewrite ? response.then((value) => rewrite(value, request)) : response
    },
  })
  return {
    server,
    client,
    requests,
    count: (method, path) =>
      requests.filter((request) => request.method === method && (!path || path.test(request.path))).length,
  }
}

/** A fresh QueryClient for one test: no retries, nothing garbage-collected mid-test. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Number.POSITIVE_INFINITY },
      mutations: { retry: false },
    },
  })
}

/** A thread with one user message and its id, made directly through the client. */
export async function createThread(backend: TestBackend, content = 'Hello'): Promise<string> {
  const thread = await backend.client.threads.create({ messages: [{ role: 'user', content }] })
  return thread.id
}

/** Text of a message's first text part. */
export function textOf(
  message: { content: ReadonlyArray<{ type: string; text?: { value: string } }> } | undefined,
) {
  const part = message?.content[0]
  return part?.type === 'text' ? (part.text?.value ?? '') : ''
}
