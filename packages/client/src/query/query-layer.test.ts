// The query layer without React, as a Vue, Solid or Svelte adapter would use it: a plain QueryClient from
// @tanstack/query-core, observers subscribed by hand, and the run stream controller subscribed as a store. The
// in-process server is the network. Assertions are on cache contents and on the order of notifications.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  InfiniteQueryObserver,
  type InfiniteQueryObserverResult,
  QueryClient,
  QueryObserver,
  type QueryObserverResult,
} from '@tanstack/query-core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Message, OaiRunsError, Run, RunIds } from '../core/index.ts'
import {
  createRunStreamController,
  type ListData,
  type RunStreamController,
  type RunStreamState,
  runKeys,
  runQueries,
} from './index.ts'
import { BASE_URL, createTestBackend, createThread, type TestBackend, textOf } from './test-utils.tsx'

type Subscribable<T> = { subscribe(listener: (value: T) => void): () => void; getCurrentResult(): T }

/** Every result an observer notifies, in order, and a promise for the first one that satisfies a predicate. */
function record<T>(observer: Subscribable<T>) {
  const results: T[] = []
  const waiters: { test: (value: T) => boolean; resolve: (value: T) => void }[] = []
  const unsubscribe = observer.subscribe((result) => {
    results.push(result)
    for (const waiter of [...waiters]) {
      if (waiter.test(result)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(result)
      }
    }
  })
  cleanups.push(unsubscribe)
  return {
    results,
    unsubscribe,
    /** The current result if it satisfies `test`, else the first notified one that does. */
    until(test: (value: T) => boolean): Promise<T> {
      const current = observer.getCurrentResult()
      if (test(current)) {
        return Promise.resolve(current)
      }
      return new Promise((resolve) => waiters.push({ test, resolve }))
    },
    /** The first notified result that satisfies `test` (already notified, or the next one that does). */
    notified(test: (value: T) => boolean): Promise<T> {
      const seen = results.find(test)
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }))
    },
  }
}

/** The controller as a store: every state it notifies, and a promise for the first one that satisfies a predicate. */
function recordController(controller: RunStreamController) {
  return record<RunStreamState>({
    subscribe: (listener) => controller.subscribe(() => listener(controller.getState())),
    getCurrentResult: controller.getState,
  })
}

const cleanups: (() => void)[] = []
let queryClient: QueryClient | null = null

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) {
    cleanup()
  }
  queryClient?.clear()
  queryClient = null
})

function setup(options: Parameters<typeof createTestBackend>[0] = {}) {
  const backend = createTestBackend(options)
  queryClient = new QueryClient()
  return { backend, queryClient }
}

const messagesOf = (data: ListData<Message> | undefined) => data?.pages.flatMap((page) => page.data) ?? []
const assistantText = (data: ListData<Message> | undefined) =>
  messagesOf(data)
    .filter((message) => message.role === 'assistant')
    .map(textOf)
    .join('\n')

/** A QueryObserver on the run's entry, subscribed as soon as the controller knows the run. */
function observeRunOnceKnown(
  backend: TestBackend,
  client: QueryClient,
  stream: ReturnType<typeof recordController>,
) {
  return stream
    .until((state) => state.runId !== null)
    .then((state) => {
      const ids: RunIds = { threadId: state.threadId!, runId: state.runId! }
      const observer = new QueryObserver(client, runQueries.run(backend.client, ids))
      return { ids, observer, run: record<QueryObserverResult<Run, OaiRunsError>>(observer) }
    })
}

describe('the query layer with a plain QueryClient and no React', () => {
  test('a streamed run fills the thread’s message list and the run entries; the observers are notified', async () => {
    const { backend, queryClient } = setup()
    const threadId = await createThread(backend, 'Hello from Vue')
    const messages = record<InfiniteQueryObserverResult<ListData<Message>, OaiRunsError>>(
      new InfiniteQueryObserver(queryClient, runQueries.messages(backend.client, { threadId })),
    )
    const runs = record<InfiniteQueryObserverResult<ListData<Run>, OaiRunsError>>(
      new InfiniteQueryObserver(queryClient, runQueries.runs(backend.client, { threadId })),
    )
    const before = await messages.until((result) => result.isSuccess)
    const noRuns = await runs.until((result) => result.isSuccess)
    expect(messagesOf(before.data).map((message) => message.role)).toEqual(['user'])
    expect(noRuns.data?.pages[0]?.data).toEqual([])

    // Every event is flushed at once (no frames), so each write the stream makes reaches the observers.
    const controller = createRunStreamController({
      client: backend.client,
      queryClient,
      config: { storage: null },
      coalesce: false,
    })
    const stream = recordController(controller)
    const runEntry = observeRunOnceKnown(backend, queryClient, stream)
    await controller.create(threadId, { assistant_id: 'asst_demo' })
    const done = await stream.notified((state) => state.status === 'done')
    const { ids, run } = await runEntry

    // The controller's lifecycle, in order.
    const statuses = stream.results.map((state) => state.status)
    expect(statuses[0]).toBe('streaming')
    expect(statuses.at(-1)).toBe('done')
    expect(done.runStatus).toBe('completed')
    expect(done.connection).toBe('none')

    // The run's entry: what the controller wrote, read through the factory's tagged key and its observer.
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.status).toBe('completed')
    const lastRun = await run.until((result) => result.data?.status === 'completed')
    expect(lastRun.data?.id).toBe(ids.runId)

    // The thread's message list: the reply was written into the observed entry (the stream makes no GET for it).
    const reply = await messages.until((result) => assistantText(result.data).includes('You said'))
    expect(assistantText(reply.data)).toBe('You said: "Hello from Vue"')
    expect(
      assistantText(queryClient.getQueryData(runQueries.messages(backend.client, { threadId }).queryKey)),
    ).toBe('You said: "Hello from Vue"')
    expect(messagesOf(reply.data).map((message) => message.role)).toEqual(['assistant', 'user'])
    // Written while it streamed, not only at the end: the observer saw the reply in progress, then completed.
    const replyStatuses = messages.results.map(
      (result) => messagesOf(result.data).find((message) => message.role === 'assistant')?.status,
    )
    expect(replyStatuses).toContain('in_progress')
    expect(replyStatuses.indexOf('in_progress')).toBeLessThan(replyStatuses.lastIndexOf('completed'))
    expect(backend.count('GET', /\/messages$/)).toBeLessThanOrEqual(2) // the first load, and one refresh at the end

    // The thread's run list: the run is in it, final.
    const listed = await runs.until((result) => result.data?.pages[0]?.data[0]?.status === 'completed')
    expect(listed.data?.pages[0]?.data.map((item) => item.id)).toEqual([ids.runId])
    // Every entry the stream wrote is under the thread's key, scoped by the client's base URL.
    const keys = queryClient
      .getQueryCache()
      .findAll({ queryKey: runKeys.thread(backend.client, { threadId }) })
      .map((query) => query.queryKey[4])
    expect(keys).toEqual(expect.arrayContaining(['messages', 'runs', 'run']))
  })

  test('a tool call: requires_action in state and cache, answered through the controller, the continuation streams', async () => {
    const { backend, queryClient } = setup()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const messages = record<InfiniteQueryObserverResult<ListData<Message>, OaiRunsError>>(
      new InfiniteQueryObserver(queryClient, runQueries.messages(backend.client, { threadId })),
    )
    const onRequiresAction = vi.fn()
    const controller = createRunStreamController({
      client: backend.client,
      queryClient,
      config: { storage: null, onRequiresAction },
    })
    const stream = recordController(controller)
    const runEntry = observeRunOnceKnown(backend, queryClient, stream)
    await controller.create(threadId, { assistant_id: 'asst_demo' })

    const waiting = await stream.notified((state) => state.status === 'requires_action')
    const { ids, run } = await runEntry
    expect(waiting.toolCalls).toHaveLength(1)
    const call = waiting.toolCalls[0]!
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' }, status: 'manual' })
    expect(onRequiresAction).toHaveBeenCalledTimes(1)
    await run.until((result) => result.data?.status === 'requires_action')
    expect(
      queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.required_action?.type,
    ).toBe('submit_tool_outputs')
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(0)

    // A form would call this: the output goes in one streamed request, and the continuation is followed.
    await controller.submitToolOutputs({ [call.id]: { city: 'Paris', celsius: 18 } })
    const done = await stream.notified((state) => state.status === 'done')
    expect(done.runStatus).toBe('completed')
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    const statuses = stream.results.map((state) => state.status)
    expect(statuses.indexOf('requires_action')).toBeGreaterThan(-1)
    expect(statuses.lastIndexOf('streaming')).toBeGreaterThan(statuses.indexOf('requires_action'))

    // The run entry went requires_action → completed, and the reply quoting the output is in the message list.
    const runStatuses = run.results.map((result) => result.data?.status)
    expect(runStatuses.indexOf('requires_action')).toBeLessThan(runStatuses.lastIndexOf('completed'))
    expect(runStatuses.at(-1)).toBe('completed')
    const reply = await messages.until((result) => assistantText(result.data).includes('18'))
    expect(assistantText(reply.data)).toContain('celsius')
  })

  test('a cancel: `cancelling` at once in state and cache, then `cancelled` from the server', async () => {
    // The cancel request is held back before the server sees it, so what shows meanwhile is the optimistic write.
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const { backend, queryClient } = setup({
      tokenDelayMs: 10,
      cancelDelayMs: 20,
      hold: (request) => (request.url.endsWith('/cancel') ? released : undefined),
    })
    const threadId = await createThread(backend, '/long 300')
    const onFinish = vi.fn()
    const controller = createRunStreamController({
      client: backend.client,
      queryClient,
      config: { storage: null, onFinish },
    })
    const stream = recordController(controller)
    const runEntry = observeRunOnceKnown(backend, queryClient, stream)
    const created = controller.create(threadId, { assistant_id: 'asst_demo' })
    await stream.until((state) => state.runStatus === 'in_progress')
    const { ids, run } = await runEntry

    const cancelled = controller.cancel()
    expect(controller.getState().runStatus).toBe('cancelling') // synchronously, before any request
    const optimistic = await run.until((result) => result.data?.status === 'cancelling')
    expect(optimistic.data?.id).toBe(ids.runId)
    expect(queryClient.isMutating()).toBe(1)
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.status).toBe('cancelling')
    // The server has not seen the cancel: the run still works there.
    expect(
      (await backend.server
        .fetch(new Request(`${BASE_URL}/threads/${threadId}/runs/${ids.runId}`))
        .then((response) => response.json())) as Run,
    ).toMatchObject({ status: 'in_progress' })

    release()
    await cancelled
    await created
    const done = await stream.notified((state) => state.status === 'done')
    expect(done.runStatus).toBe('cancelled')
    expect(onFinish).toHaveBeenCalledTimes(1)
    expect(onFinish.mock.calls[0]?.[0]).toMatchObject({ reason: 'cancelled' })
    const final = await run.until((result) => result.data?.status === 'cancelled')
    expect(final.data?.id).toBe(ids.runId)
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.status).toBe('cancelled')
    expect(queryClient.isMutating()).toBe(0)
    // The observer saw the optimistic status before the server's final one, and never went back to working.
    const runStatuses = run.results.map((result) => result.data?.status)
    const first = runStatuses.indexOf('cancelling')
    expect(runStatuses.indexOf('cancelled')).toBeGreaterThan(first)
    expect(runStatuses.slice(first)).not.toContain('in_progress')
    expect(backend.count('POST', /\/cancel$/)).toBe(1)
  })

  test('the query layer imports neither React nor react-query, and marks nothing `use client`', () => {
    const dir = import.meta.dirname
    const modules = readdirSync(dir).filter((name) => /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name))
    expect(modules).toContain('run-stream-controller.ts')
    for (const name of modules) {
      const text = readFileSync(join(dir, name), 'utf8')
      const specifiers = [...text.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((match) => match[1])
      expect(
        specifiers.filter((specifier) => /^(react|react-dom)(\/|$)|^@tanstack\/react-query/.test(specifier!)),
        name,
      ).toEqual([])
      expect(/^\s*['"]use client['"]/m.test(text), name).toBe(false)
    }
  })
})
