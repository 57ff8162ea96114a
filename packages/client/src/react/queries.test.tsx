import { QueryClient } from '@tanstack/react-query'
import { waitFor } from '@testing-library/react'
import { describe, expect, test, vi } from 'vitest'
import { createClient, type FileSearchToolCall } from '../core/index.ts'
import { runKeys } from '../query/keys.ts'
import { runQueries } from '../query/queries.ts'
import {
  BASE_URL,
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderHookWithClient,
  textOf,
} from './test-utils.tsx'
import { useRun } from './useRun.ts'
import { useRunStep } from './useRunStep.ts'
import { useRunSteps } from './useRunSteps.ts'
import { useRuns } from './useRuns.ts'
import { useThreadMessages } from './useThreadMessages.ts'

describe('keys', () => {
  test('two backends never share a cache key for the same ids', () => {
    const backend = createTestBackend()
    const ids = { threadId: 'thread_1', runId: 'run_1' }
    const other = createClient({
      baseURL: 'http://other.test/v1',
      fetch: () => Promise.reject(new Error('unused')),
    })
    expect(runQueries.run(backend.client, ids).queryKey).not.toEqual(runQueries.run(other, ids).queryKey)
    expect(runKeys.run(backend.client, ids).slice(0, 4)).toEqual(runKeys.thread(backend.client, ids))
  })

  test('list keys leave out the cursor so every page lives in one entry', () => {
    expect(runKeys.messageList('b', { threadId: 't' }, { after: 'msg_1', limit: 5 })).toEqual(
      runKeys.messageList('b', { threadId: 't' }, { limit: 5 }),
    )
  })
})

describe('useRun', () => {
  test('polls a working run until it completes, then stops polling', async () => {
    const backend = createTestBackend({ tokenDelayMs: 20 })
    const threadId = await createThread(backend, '/long 8')
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRun({ threadId, runId: run.id }),
    )
    await waitFor(() => expect(result.current.data?.status).toBe('completed'), { timeout: 5000 })
    const polls = backend.count('GET', /\/runs\/run_/)
    expect(polls).toBeGreaterThan(1)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(backend.count('GET', /\/runs\/run_/)).toBe(polls)
  })

  test('a polled run that finishes refreshes its steps, the messages and the run list (C5)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 10 })
    const threadId = await createThread(backend, 'Hi there')
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun({ threadId, runId: run.id }),
      steps: useRunSteps({ threadId, runId: run.id }),
      messages: useThreadMessages({ threadId }),
      runs: useRuns({ threadId }),
    }))
    await waitFor(() => expect(result.current.messages.data).toBeDefined())
    await waitFor(() => expect(result.current.run.data?.status).toBe('completed'), { timeout: 5000 })
    await waitFor(() => {
      expect(result.current.runs.data?.pages[0]?.data[0]?.status).toBe('completed')
      expect(result.current.steps.data?.pages[0]?.data[0]?.status).toBe('completed')
      expect(textOf(result.current.messages.data?.pages[0]?.data[0])).toBe('You said: "Hi there"')
    })
  })

  test('stops polling at requires_action', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const before = backend.count('GET', /\/runs\/run_/)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRun({ threadId, runId: run.id }),
    )
    await waitFor(() => expect(result.current.data?.status).toBe('requires_action'))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(backend.count('GET', /\/runs\/run_/) - before).toBe(1)
  })

  test('an unknown future status keeps polling with backoff, never a busy loop (C7)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    try {
      const backend = createTestBackend({
        // A future server answers GET run with a status this client does not know.
        rewrite: async (response, request) => {
          if (request.method !== 'GET' || !/\/runs\/run_\w+$/.test(new URL(request.url).pathname)) {
            return response
          }
          const run = await response.json()
          return Response.json({ ...run, status: 'paused_for_review' }, { headers: response.headers })
        },
      })
      const threadId = await createThread(backend)
      const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
      const queryClient = createTestQueryClient()
      const { result } = renderHookWithClient(queryClient, backend.client, () =>
        useRun({ threadId, runId: run.id }),
      )
      await vi.advanceTimersByTimeAsync(50)
      expect(result.current.data?.status).toBe('paused_for_review')
      const polls = () => backend.count('GET', /\/runs\/run_\w+$/)
      expect(polls()).toBe(1)
      await vi.advanceTimersByTimeAsync(1000) // first retry after 1 s
      expect(polls()).toBe(2)
      await vi.advanceTimersByTimeAsync(1500) // then 2 s: nothing yet at 2.5 s
      expect(polls()).toBe(2)
      await vi.advanceTimersByTimeAsync(600)
      expect(polls()).toBe(3)
      await vi.advanceTimersByTimeAsync(12_000) // then 4 s and 8 s: at 7 s and 15 s
      expect(polls()).toBe(5)
      expect(result.current.data?.status).toBe('paused_for_review')
    } finally {
      vi.useRealTimers()
    }
  })

  test('errors are the client error family, with the server status', async () => {
    const backend = createTestBackend()
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRun({ threadId: 'thread_missing', runId: 'run_missing' }),
    )
    await waitFor(() => expect(result.current.isError).toBe(true))
    expect(result.current.error).toMatchObject({ name: 'NotFoundError', status: 404 })
  })

  test('transport retries × query retries stay bounded; only retryable errors are retried (T9)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend)
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    let gets = 0
    const client = createClient({
      baseURL: BASE_URL,
      maxRetries: 2,
      fetch: (input, init) => {
        const request = new Request(input, init)
        gets += request.method === 'GET' ? 1 : 0
        return backend.server.fetch(request)
      },
    })
    backend.server.faults.add({ operation: 'getRun', status: 500, retryAfterMs: 1, times: 100 })
    const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 0 } } })
    const failing = renderHookWithClient(queryClient, client, () => useRun({ threadId, runId: run.id }))
    await waitFor(() => expect(failing.result.current.isError).toBe(true))
    expect(failing.result.current.error).toMatchObject({ status: 500, retryable: true })
    expect(gets).toBe(6) // (1 + 2 transport retries) × (1 + 1 query retry), never more
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(gets).toBe(6)
    backend.server.faults.clear()
    gets = 0
    const missing = renderHookWithClient(queryClient, client, () =>
      useRun({ threadId, runId: 'run_missing' }),
    )
    await waitFor(() => expect(missing.result.current.isError).toBe(true))
    expect(missing.result.current.error).toMatchObject({ status: 404, retryable: false })
    expect(gets).toBe(1) // a 404 is retried nowhere
  })
})

describe('lists', () => {
  test('useThreadMessages pages with the after cursor into one infinite entry', async () => {
    const backend = createTestBackend()
    const thread = await backend.client.threads.create({
      messages: ['one', 'two', 'three', 'four', 'five'].map((content) => ({
        role: 'user' as const,
        content,
      })),
    })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useThreadMessages({ threadId: thread.id }, { limit: 2 }),
    )
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(1))
    expect(result.current.hasNextPage).toBe(true)
    await result.current.fetchNextPage()
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(2))
    await result.current.fetchNextPage()
    await waitFor(() => expect(result.current.data?.pages).toHaveLength(3))
    expect(result.current.hasNextPage).toBe(false)
    const texts = result.current.data?.pages.flatMap((page) => page.data.map((message) => textOf(message)))
    expect(texts).toEqual(['five', 'four', 'three', 'two', 'one'])
    expect(backend.requests.filter((request) => request.path.endsWith('/messages'))).toHaveLength(3)
  })

  test('useRuns and useRunSteps list a finished run and its steps', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      runs: useRuns({ threadId }),
      steps: useRunSteps({ threadId, runId: run.id }),
    }))
    await waitFor(() => expect(result.current.steps.data).toBeDefined())
    await waitFor(() => expect(result.current.runs.data).toBeDefined())
    expect(result.current.runs.data?.pages[0]?.data.map((item) => item.id)).toEqual([run.id])
    expect(result.current.steps.data?.pages[0]?.data[0]?.type).toBe('tool_calls')
  })

  test('useRunStep sends include[] and returns file search content', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/search pricing')
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const steps = await backend.client.steps.list({ threadId, runId: run.id })
    const step = steps.data.find((item) => item.type === 'tool_calls')!
    const queryClient = createTestQueryClient()
    const include = ['step_details.tool_calls[*].file_search.results[*].content' as const]
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      with: useRunStep({ threadId, runId: run.id, stepId: step.id }, { include }),
      without: useRunStep({ threadId, runId: run.id, stepId: step.id }),
    }))
    await waitFor(() => expect(result.current.with.data && result.current.without.data).toBeTruthy())
    const results = (data: typeof result.current.with.data) => {
      const details = data?.step_details
      const call = details?.type === 'tool_calls' ? details.tool_calls[0] : undefined
      return call?.type === 'file_search' ? (call as FileSearchToolCall).file_search.results : undefined
    }
    expect(results(result.current.with.data)?.[0]?.content).toBeDefined()
    expect(results(result.current.without.data)?.[0]?.content).toBeUndefined()
    expect(
      backend.requests.some((request) => request.method === 'GET' && request.path.includes('/steps/')),
    ).toBe(true)
  })
})
