import { createManualClock } from '@oai-runs/server'
import { focusManager } from '@tanstack/react-query'
import { act, renderHook, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { Message, Run, RunStep } from '../core/index.ts'
import { RunExpiredError, ToolOutputsMismatchError } from '../core/index.ts'
import { isHeld } from '../query/holds.ts'
import { runKeys } from '../query/keys.ts'
import type { ListData } from '../query/queries.ts'
import { runQueries } from '../query/queries.ts'
import { activeRunKey, type RunStorage, StreamBusyError } from '../query/run-stream-state.ts'
import { ToolCallsError } from '../query/tool-calls.ts'
import {
  BASE_URL,
  createTestBackend,
  createTestQueryClient,
  createThread,
  createWrapper,
  renderHookWithClient,
  renderWithClient,
  textOf,
} from './test-utils.tsx'
import { useRun } from './useRun.ts'
import { useRunSteps } from './useRunSteps.ts'
import { type UseRunStreamOptions, useRunStream } from './useRunStream.ts'
import { useThreadMessages } from './useThreadMessages.ts'

const WEATHER_AND_TIME = '/tool get_weather {"city":"Paris"}\n/tool get_time {"city":"Paris"}'

const allMessages = (data: ListData<Message> | undefined) => data?.pages.flatMap((page) => page.data) ?? []
const assistantText = (data: ListData<Message> | undefined) =>
  textOf(allMessages(data).find((message) => message.role === 'assistant'))

function memoryStorage(): RunStorage & { items: Map<string, string> } {
  const items = new Map<string, string>()
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      items.set(key, value)
    },
    removeItem: (key) => {
      items.delete(key)
    },
  }
}

async function waitForServerRun(
  backend: ReturnType<typeof createTestBackend>,
  threadId: string,
  status: string,
) {
  await waitFor(
    async () => {
      const page = await backend.client.runs.list({ threadId }, { limit: 1 })
      expect(page.data[0]?.status).toBe(status)
    },
    { timeout: 5000 },
  )
}

afterEach(() => {
  vi.unstubAllGlobals()
})

// A page that streams a run and shows it through the ordinary query hooks, mounted only once the run exists.
type Seen = {
  stream?: ReturnType<typeof useRunStream>
  run?: Run
  steps?: ListData<RunStep>
  messages?: ListData<Message>
  renders: number
}

function RunPanel({ threadId, runId, seen }: { threadId: string; runId: string; seen: Seen }) {
  seen.run = useRun({ threadId, runId }).data
  seen.steps = useRunSteps({ threadId, runId }).data
  return null
}

function Chat({ threadId, seen, options }: { threadId: string; seen: Seen; options?: UseRunStreamOptions }) {
  seen.renders++
  const stream = useRunStream({ threadId, resume: false, ...options })
  seen.stream = stream
  seen.messages = useThreadMessages({ threadId }).data
  return stream.runId ? <RunPanel threadId={threadId} runId={stream.runId} seen={seen} /> : null
}

function Watch(props: { threadId: string; seen: Seen; connections: Set<string>; onFinish: () => void }) {
  const stream = useRunStream({ threadId: props.threadId, resume: false, onFinish: props.onFinish })
  props.connections.add(stream.connection)
  props.seen.stream = stream
  props.seen.messages = useThreadMessages({ threadId: props.threadId }).data
  return null
}

describe('useRunStream: the cache is the source of truth', () => {
  test('useRun, useRunSteps and useThreadMessages show the live run with no GET while it streams (C5)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 10 })
    const threadId = await createThread(backend, '/long 40')
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    renderWithClient(queryClient, backend.client, <Chat threadId={threadId} seen={seen} />)
    await waitFor(() => expect(seen.messages).toBeDefined())
    const userMessage = allMessages(seen.messages)[0]
    const start = backend.requests.length
    let done: Promise<void> | undefined
    act(() => {
      done = seen.stream!.create({ assistant_id: 'asst_demo' })
    })
    // Mid-stream: the run, its step and part of the reply are visible through the ordinary hooks.
    await waitFor(() => expect(assistantText(seen.messages).split(' ').length).toBeGreaterThan(5))
    expect(seen.stream?.status).toBe('streaming')
    expect(seen.run?.status).toBe('in_progress')
    expect(seen.steps?.pages[0]?.data[0]?.type).toBe('message_creation')
    expect(backend.requests.slice(start).filter((request) => request.method === 'GET')).toEqual([])
    // C8: the user message nobody touched is the very same object after many writes.
    expect(allMessages(seen.messages).find((message) => message.id === userMessage?.id)).toBe(userMessage)
    await act(() => done!)
    await waitFor(() => expect(seen.stream?.status).toBe('done'))
    expect(seen.stream?.runStatus).toBe('completed')
    expect(seen.run?.status).toBe('completed')
    // One invalidation at the end: each list refetches once; the final run needs no GET.
    await waitFor(() =>
      expect(backend.requests.slice(start).filter((r) => r.method === 'GET')).toHaveLength(2),
    )
    const gets = backend.requests.slice(start).filter((request) => request.method === 'GET')
    expect(gets.map((request) => request.path).sort()).toEqual([
      `/threads/${threadId}/messages`,
      `/threads/${threadId}/runs/${seen.stream?.runId}/steps`,
    ])
    await waitFor(() => expect(queryClient.isFetching()).toBe(0))
    const messages = allMessages(seen.messages)
    expect(new Set(messages.map((message) => message.id)).size).toBe(messages.length) // no duplicates
    expect(messages).toHaveLength(2)
    expect(assistantText(seen.messages).split(' ')).toHaveLength(40)
  })

  test('coalesces cache writes and re-renders to one per frame: renders ≪ deltas', async () => {
    // A 16 ms frame clock (happy-dom runs frames as immediates).
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) =>
      setTimeout(() => callback(performance.now()), 16),
    )
    vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id))
    const measure = async (coalesce: boolean) => {
      const backend = createTestBackend({ tokenDelayMs: 0 })
      const threadId = await createThread(backend, '/long 500')
      const queryClient = createTestQueryClient()
      let deltas = 0
      const seen: Seen = { renders: 0 }
      renderWithClient(
        queryClient,
        backend.client,
        <Chat threadId={threadId} seen={seen} options={{ coalesce, onTextDelta: () => deltas++ }} />,
      )
      await waitFor(() => expect(seen.messages).toBeDefined())
      const before = seen.renders
      await act(() => seen.stream!.create({ assistant_id: 'asst_demo' }))
      // Listeners are notified through react-query's notifyManager (a macrotask): wait for the last render.
      await waitFor(() => expect(assistantText(seen.messages).split(' ')).toHaveLength(500))
      return { renders: seen.renders - before, deltas }
    }
    const coalesced = await measure(true)
    const baseline = await measure(false)
    console.info(
      `render count, /long 500: coalesced ${JSON.stringify(coalesced)}, baseline ${JSON.stringify(baseline)}`,
    )
    expect(coalesced.deltas).toBe(500)
    expect(coalesced.renders).toBeLessThan(coalesced.deltas / 10)
    // The same measure sees many more renders without coalescing, so the assertion above can fail.
    expect(baseline.renders).toBeGreaterThan(coalesced.renders * 10)
  })

  test('additional_messages show at once under a temporary id, replaced by the server’s (C1, C5)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, 'first')
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    renderWithClient(queryClient, backend.client, <Chat threadId={threadId} seen={seen} />)
    await waitFor(() => expect(seen.messages).toBeDefined())
    backend.server.faults.add({ operation: 'createRun', delayMs: 100 })
    let done: Promise<void> | undefined
    act(() => {
      done = seen.stream!.create({
        assistant_id: 'asst_demo',
        additional_messages: [{ role: 'user', content: 'second' }],
      })
    })
    await waitFor(() => expect(allMessages(seen.messages)[0]?.id).toMatch(/^temp_msg_/))
    const optimistic = allMessages(seen.messages)[0]
    expect(backend.count('POST', /\/runs$/)).toBe(1)
    expect(seen.stream?.runId).toBeNull() // the create has not been answered yet
    expect(textOf(optimistic)).toBe('second')
    await act(() => done!)
    await waitFor(() => expect(allMessages(seen.messages).some((m) => m.id.startsWith('temp_'))).toBe(false))
    const messages = allMessages(seen.messages)
    expect(messages.map((message) => textOf(message))).toEqual(['You said: "second"', 'second', 'first'])
  })

  test('a failed create rolls the temporary message back and reports the error (C1)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, 'first')
    backend.server.faults.add({ operation: 'createRun', status: 400, message: 'Injected: bad request.' })
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    const onError = vi.fn()
    renderWithClient(
      queryClient,
      backend.client,
      <Chat threadId={threadId} seen={seen} options={{ onError }} />,
    )
    await waitFor(() => expect(seen.messages).toBeDefined())
    await act(() =>
      seen.stream!.create({
        assistant_id: 'asst_demo',
        additional_messages: [{ role: 'user', content: 'second' }],
      }),
    )
    await waitFor(() => expect(seen.stream?.status).toBe('error'))
    expect(seen.stream?.error).toMatchObject({ name: 'BadRequestError', status: 400 })
    expect(onError).toHaveBeenCalledTimes(1)
    expect(allMessages(seen.messages).map((message) => textOf(message))).toEqual(['first'])
  })
})

describe('useRunStream: lifecycle and callbacks', () => {
  test('reports events, text deltas and onFinish({ run, reason }) once', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, 'Hi')
    const queryClient = createTestQueryClient()
    const events: string[] = []
    let text = ''
    const onFinish = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({
        threadId,
        resume: false,
        onEvent: (event) => events.push(event.event),
        onTextDelta: (delta) => {
          text += delta
        },
        onFinish,
      }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(text).toBe('You said: "Hi"')
    expect(events[0]).toBe('thread.run.created')
    expect(events.at(-1)).toBe('done')
    expect(onFinish).toHaveBeenCalledTimes(1)
    expect(onFinish.mock.calls[0]?.[0]).toMatchObject({ reason: 'completed', run: { status: 'completed' } })
    const snapshotText = textOf(
      result.current.snapshot.messages.byId[result.current.snapshot.messages.ids[0]!],
    )
    expect(snapshotText).toBe(text)
  })

  test('isHeld tells a streaming thread apart: held while the stream runs, released at the end', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 30')
    const thread = { queryKey: runKeys.thread(backend.client, { threadId }) }
    const seen: boolean[] = []
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, resume: false, onTextDelta: () => seen.push(isHeld(thread)) }),
    )
    expect(isHeld(thread)).toBe(false)
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every(Boolean)).toBe(true)
    expect(isHeld(thread)).toBe(false)
  })

  test('a failed run is a finished run, with its reason and last_error (truthful lifecycle)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/fail rate_limit_exceeded')
    const queryClient = createTestQueryClient()
    const onFinish = vi.fn()
    const onError = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, onFinish, onError }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runStatus).toBe('failed')
    expect(result.current.run?.last_error?.code).toBe('rate_limit_exceeded')
    expect(onFinish.mock.calls[0]?.[0]).toMatchObject({ reason: 'failed' })
    expect(onError).not.toHaveBeenCalled()
  })

  test('createThreadAndRun streams a new thread and exposes its id', async () => {
    const backend = createTestBackend()
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ resume: false }),
    )
    await act(() =>
      result.current.createThreadAndRun({
        assistant_id: 'asst_demo',
        thread: { messages: [{ role: 'user', content: 'New here' }] },
      }),
    )
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.threadId).toMatch(/^thread_/)
    const ids = { threadId: result.current.threadId!, runId: result.current.runId! }
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.status).toBe('completed')
  })

  test('create() after createThreadAndRun continues on that thread; without any thread it rejects, never throws', async () => {
    const backend = createTestBackend()
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ resume: false }),
    )
    let missing: Promise<void> | undefined
    expect(() => {
      missing = result.current.create({ assistant_id: 'asst_demo' })
    }).not.toThrow()
    await expect(missing).rejects.toThrow(/needs a thread/)
    await act(() =>
      result.current.createThreadAndRun({
        assistant_id: 'asst_demo',
        thread: { messages: [{ role: 'user', content: 'First' }] },
      }),
    )
    await waitFor(() => expect(result.current.status).toBe('done'))
    const threadId = result.current.threadId!
    const firstRun = result.current.runId
    await act(() =>
      result.current.create({
        assistant_id: 'asst_demo',
        additional_messages: [{ role: 'user', content: 'Second' }],
      }),
    )
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.threadId).toBe(threadId)
    expect(result.current.runId).not.toBe(firstRun)
    const runs = await backend.client.runs.list({ threadId })
    expect(runs.data).toHaveLength(2)
  })

  test('cancel() shows cancelling at once and ends cancelled (F11)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 10, cancelDelayMs: 100 })
    const threadId = await createThread(backend, '/long 300')
    const queryClient = createTestQueryClient()
    const onFinish = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, onFinish }),
    )
    let done: Promise<void> | undefined
    act(() => {
      done = result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    backend.server.faults.add({ operation: 'cancelRun', delayMs: 200 })
    act(() => {
      void result.current.cancel()
    })
    await waitFor(() => expect(result.current.runStatus).toBe('cancelling'))
    expect(queryClient.isMutating()).toBe(1) // before the cancel request was answered
    const ids = { threadId, runId: result.current.runId! }
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)?.status).toBe('cancelling')
    await act(() => done!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runStatus).toBe('cancelled')
    expect(onFinish.mock.calls[0]?.[0]).toMatchObject({ reason: 'cancelled' })
  })

  test('a cancel that fails with a 500 rolls back to the streaming run', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 100')
    const queryClient = createTestQueryClient()
    const onError = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, onError }),
    )
    let done: Promise<void> | undefined
    act(() => {
      done = result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    backend.server.faults.add({ operation: 'cancelRun', status: 500, delayMs: 50 })
    act(() => {
      void result.current.cancel()
    })
    await waitFor(() => expect(result.current.runStatus).toBe('cancelling'))
    await waitFor(() => expect(onError).toHaveBeenCalledTimes(1))
    expect(result.current.runStatus).toBe('in_progress')
    await act(() => done!)
    await waitFor(() => expect(result.current.runStatus).toBe('completed'))
  })
})

describe('useRunStream: client tools', () => {
  test('runs parallel handlers with parsed arguments and submits both outputs in one streamed request', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const queryClient = createTestQueryClient()
    const weather = vi.fn(async (args: { city: string }) => ({ city: args.city, celsius: 21 }))
    const time = vi.fn(async (_args: { city: string }) => '12:00')
    const onFinish = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, tools: { get_weather: weather, get_time: time }, onFinish }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(weather).toHaveBeenCalledWith(
      { city: 'Paris' },
      expect.objectContaining({ expiresAt: expect.any(Number) }),
    )
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    expect(result.current.runStatus).toBe('completed')
    expect(onFinish).toHaveBeenCalledTimes(1)
    const reply = textOf(result.current.snapshot.messages.byId[result.current.snapshot.messages.ids.at(-1)!])
    expect(reply).toContain('12:00')
    expect(reply).toContain('21')
  })

  test('approve gates calls until the UI approves or denies them', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const queryClient = createTestQueryClient()
    const weather = vi.fn(async () => 'sunny')
    const time = vi.fn(async () => '12:00')
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({
        threadId,
        resume: false,
        tools: { get_weather: weather, get_time: time },
        approve: (call) => call.function.name === 'get_weather',
      }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() =>
      expect(result.current.toolCalls.map((call) => call.status)).toEqual(['awaiting_approval', 'done']),
    )
    expect(result.current.status).toBe('requires_action')
    expect(weather).not.toHaveBeenCalled()
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(0)
    act(() => result.current.denyToolCall(result.current.toolCalls[0]!.id, 'Not today.'))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(weather).not.toHaveBeenCalled()
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    const reply = textOf(result.current.snapshot.messages.byId[result.current.snapshot.messages.ids.at(-1)!])
    expect(reply).toContain('Not today.')
  })

  test('approveToolCall runs the handler, then the run continues', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Oslo"}')
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, tools: { get_weather: async () => 'snow' }, approve: true }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.toolCalls[0]?.status).toBe('awaiting_approval'))
    act(() => result.current.approveToolCall(result.current.toolCalls[0]!.id))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runStatus).toBe('completed')
  })

  test('a handler that throws names the failed call and submits nothing; outputs given later complete it (F10)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const queryClient = createTestQueryClient()
    const onError = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({
        threadId,
        resume: false,
        onError,
        tools: {
          get_weather: async () => {
            throw new Error('weather service down')
          },
          get_time: async () => '12:00',
        },
      }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.error).toBeInstanceOf(ToolCallsError))
    const error = result.current.error as ToolCallsError
    const failed = result.current.toolCalls.find((call) => call.name === 'get_weather')!
    expect(error.calls.map((call) => call.id)).toEqual([failed.id])
    expect(error.message).toContain('get_weather')
    expect(error.message).toContain('weather service down')
    expect(result.current.toolCalls.find((call) => call.name === 'get_time')?.output).toBe('12:00') // kept
    expect(result.current.status).toBe('requires_action')
    expect(onError).toHaveBeenCalledTimes(1)
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(0)
    await act(() => result.current.submitToolOutputs({ [failed.id]: 'unknown' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
  })

  test('without handlers the UI submits every output once; a second submit in flight is refused (F1, F3, F7)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    expect(result.current.toolCalls.map((call) => call.status)).toEqual(['manual', 'manual'])
    const [first, second] = result.current.toolCalls
    expect(() => result.current.submitToolOutputs({ [first!.id]: 'a' })).toThrow(/missing: get_time/)
    expect(() =>
      result.current.submitToolOutputs({ call_stale: 'x', [first!.id]: 'a', [second!.id]: 'b' }),
    ).toThrow(/not waiting for tool call call_stale/)
    backend.server.faults.add({ operation: 'submitToolOuputsToRun', delayMs: 50 })
    let submitted: Promise<void> | undefined
    let refused: unknown
    act(() => {
      submitted = result.current.submitToolOutputs({ [first!.id]: 'a', [second!.id]: 'b' })
      try {
        void result.current.submitToolOutputs({ [first!.id]: 'a', [second!.id]: 'b' })
      } catch (error) {
        refused = error
      }
    })
    expect(refused).toBeInstanceOf(StreamBusyError)
    await act(() => submitted!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
  })
})

describe('useRunStream: resilience', () => {
  test('switching threads mid-stream aborts the old stream and writes nothing into the new thread (C6)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadA = await createThread(backend, '/long 200')
    const threadB = await createThread(backend, 'other thread')
    const queryClient = createTestQueryClient()
    const { result, rerender } = renderHookWithClient(
      queryClient,
      backend.client,
      ({ threadId }: { threadId: string }) => ({
        stream: useRunStream({ threadId, resume: false }),
        messages: useThreadMessages({ threadId }),
      }),
      { initialProps: { threadId: threadA } },
    )
    await waitFor(() => expect(result.current.messages.data).toBeDefined())
    act(() => {
      void result.current.stream.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(assistantText(result.current.messages.data).length).toBeGreaterThan(20))
    const post = backend.requests.find(
      (request) => request.method === 'POST' && request.path.endsWith('/runs'),
    )!
    rerender({ threadId: threadB })
    expect(post.signal?.aborted).toBe(true)
    expect(result.current.stream.status).toBe('idle')
    expect(result.current.stream.runId).toBeNull()
    await waitFor(() => expect(result.current.messages.data).toBeDefined())
    const snapshotB = queryClient.getQueryData(
      runQueries.messages(backend.client, { threadId: threadB }).queryKey,
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(allMessages(result.current.messages.data).map((message) => textOf(message))).toEqual([
      'other thread',
    ])
    expect(
      queryClient.getQueryData(runQueries.messages(backend.client, { threadId: threadB }).queryKey),
    ).toBe(snapshotB)
    await waitForServerRun(backend, threadA, 'completed') // the old run was never cancelled
  })

  test('unmounting mid-stream aborts the fetch, but the run completes on the server (S14)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 60')
    const queryClient = createTestQueryClient()
    const { result, unmount } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false }),
    )
    act(() => {
      void result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    unmount()
    const post = backend.requests.find(
      (request) => request.method === 'POST' && request.path.endsWith('/runs'),
    )!
    expect(post.signal?.aborted).toBe(true)
    expect(backend.count('POST', /\/cancel$/)).toBe(0)
    await waitForServerRun(backend, threadId, 'completed')
  })

  test('abort() stops reading only; useRun then polls the run to completion', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 60')
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => {
      const stream = useRunStream({ threadId, resume: false })
      return { stream, run: useRun({ threadId, runId: stream.runId ?? 'run_pending' }) }
    })
    act(() => {
      void result.current.stream.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.stream.runStatus).toBe('in_progress'))
    act(() => result.current.stream.abort())
    await waitFor(() => expect(result.current.stream.status).toBe('idle'))
    expect(result.current.stream.connection).toBe('none')
    await waitFor(() => expect(result.current.run.data?.status).toBe('completed'), { timeout: 5000 })
    expect(backend.count('POST', /\/cancel$/)).toBe(0)
  })

  test('a stream cut mid-run falls back to polling and reaches the same final state (S7)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 2 })
    const threadId = await createThread(backend, '/long 30')
    backend.server.faults.add({ operation: 'createRun', stream: { cutAfterEvents: 12 } })
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    const connections = new Set<string>()
    const onFinish = vi.fn()
    renderWithClient(
      queryClient,
      backend.client,
      <Watch threadId={threadId} seen={seen} connections={connections} onFinish={onFinish} />,
    )
    await waitFor(() => expect(seen.messages).toBeDefined())
    await act(() => seen.stream!.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(seen.stream?.status).toBe('done'), { timeout: 5000 })
    expect(connections.has('poll')).toBe(true)
    expect(seen.stream?.runStatus).toBe('completed')
    expect(onFinish).toHaveBeenCalledTimes(1)
    await waitFor(() => expect(assistantText(seen.messages).split(' ')).toHaveLength(30))
    expect(backend.count('POST', /\/runs$/)).toBe(1) // never re-POSTed
  })

  test('an idle stream falls back to polling after idleTimeoutMs (S8)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 4 })
    const threadId = await createThread(backend, '/long 150')
    backend.server.faults.add({ operation: 'createRun', stream: { stallAfterEvents: 6, stallMs: 3000 } })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, resume: false, idleTimeoutMs: 150 }),
    )
    act(() => {
      void result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.connection).toBe('poll'))
    await waitFor(() => expect(result.current.status).toBe('done'), { timeout: 2500 })
    expect(result.current.runStatus).toBe('completed')
  })

  test('a focus refetch while streaming fetches nothing (C3)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 40')
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    renderWithClient(queryClient, backend.client, <Chat threadId={threadId} seen={seen} />)
    await waitFor(() => expect(seen.messages).toBeDefined())
    const start = backend.requests.length
    act(() => {
      void seen.stream!.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(seen.steps).toBeDefined())
    act(() => {
      focusManager.setFocused(false)
      focusManager.setFocused(true)
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(seen.stream?.status).toBe('streaming')
    expect(backend.requests.slice(start).filter((request) => request.method === 'GET')).toEqual([])
    focusManager.setFocused(undefined)
    await waitFor(() => expect(seen.stream?.status).toBe('done'))
  })

  test('after a reload mid-run it resumes the run kept in storage and backfills the messages', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 60')
    const storage = memoryStorage()
    const first = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, storage, resume: false }),
    )
    act(() => {
      void first.result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(first.result.current.runStatus).toBe('in_progress'))
    const runId = first.result.current.runId
    expect([...storage.items.values()]).toEqual([runId])
    first.unmount() // the reload

    const queryClient = createTestQueryClient()
    const onFinish = vi.fn()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      stream: useRunStream({ threadId, storage, onFinish }),
      messages: useThreadMessages({ threadId }),
    }))
    await waitFor(() => expect(result.current.stream.connection).toBe('poll'))
    expect(result.current.stream.runId).toBe(runId)
    await waitFor(() => expect(result.current.stream.status).toBe('done'), { timeout: 5000 })
    expect(onFinish).toHaveBeenCalledTimes(1)
    await waitFor(() => expect(assistantText(result.current.messages.data).split(' ')).toHaveLength(60))
    expect(storage.items.size).toBe(0)
  })

  test('with nothing stored it resumes the thread’s active run, and a waiting run continues with a stream', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' }) // waits in requires_action
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () =>
      useRunStream({ threadId, storage: memoryStorage(), tools: { get_weather: async () => 'rain' } }),
    )
    await waitFor(() => expect(result.current.status).toBe('done'), { timeout: 5000 })
    expect(result.current.runStatus).toBe('completed')
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
  })
})

// A page that streams a run and reads its steps oldest first, as the timeline component does.
type StepsSeen = { stream?: ReturnType<typeof useRunStream>; steps?: ListData<RunStep> }

function AscStepList({ threadId, runId, seen }: { threadId: string; runId: string; seen: StepsSeen }) {
  seen.steps = useRunSteps({ threadId, runId }, { order: 'asc' }).data
  return null
}

function AscSteps({ threadId, seen }: { threadId: string; seen: StepsSeen }) {
  seen.stream = useRunStream({ threadId, resume: false })
  return seen.stream.runId ? <AscStepList threadId={threadId} runId={seen.stream.runId} seen={seen} /> : null
}

// Regressions found with the playground.
describe('useRunStream: playground regressions', () => {
  test('resumes a working run under <StrictMode> (mount → unmount → mount)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 300')
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const storage = memoryStorage()
    storage.setItem(activeRunKey(BASE_URL, threadId), run.id)
    const queryClient = createTestQueryClient()
    // StrictMode at the root, as in a React 19 app (a nested <StrictMode> does not replay effects).
    const options = { wrapper: createWrapper(queryClient, backend.client), reactStrictMode: true }
    // The run id kept in storage (a reload), and the same run given explicitly.
    const stored = renderHook(() => useRunStream({ threadId, storage }), options)
    const explicit = renderHook(
      () => useRunStream({ threadId, storage: null, resume: { threadId, runId: run.id } }),
      options,
    )
    for (const { result } of [stored, explicit]) {
      await waitFor(() => expect(result.current.connection).toBe('poll'))
      expect(result.current.runId).toBe(run.id)
    }
    for (const { result } of [stored, explicit]) {
      await waitFor(() => expect(result.current.status).toBe('done'), { timeout: 5000 })
      expect(result.current.runStatus).toBe('completed')
    }
  })

  test('a step list whose first fetch is still in flight when the stream ends shows the final steps', async () => {
    let slow: 'not sent' | 'in flight' | 'answered' = 'not sent'
    const backend = createTestBackend({
      tokenDelayMs: 5,
      // The first step-list GET answers late, with what the server had when it was asked.
      rewrite: async (response, request) => {
        if (
          request.method === 'GET' &&
          /\/steps$/.test(new URL(request.url).pathname) &&
          slow === 'not sent'
        ) {
          slow = 'in flight'
          await new Promise((resolve) => setTimeout(resolve, 300))
          slow = 'answered'
        }
        return response
      },
    })
    const threadId = await createThread(backend, '/long 10')
    const queryClient = createTestQueryClient()
    const seen: StepsSeen = {}
    renderWithClient(queryClient, backend.client, <AscSteps threadId={threadId} seen={seen} />)
    await act(() => seen.stream!.create({ assistant_id: 'asst_demo' }))
    expect(slow).toBe('in flight') // sent while the run streamed, not answered when it ended
    await waitFor(() => expect(seen.steps?.pages[0]?.data[0]?.status).toBe('completed'))
    await new Promise((resolve) => setTimeout(resolve, 400)) // the stale answer would have landed by now
    expect(seen.steps?.pages[0]?.data.map((step) => step.status)).toEqual(['completed'])
  })

  test('the status is done at the terminal event, before the stream’s done frame (A5)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, 'Hi')
    const order: string[] = []
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({
        threadId,
        resume: false,
        onEvent: (event) => order.push(event.event),
        onFinish: () => order.push('finish'),
      }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    expect(order.slice(-3)).toEqual(['thread.run.completed', 'finish', 'done'])
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.connection).toBe('none')
  })

  test('while following a run by polling, the messages refresh as the run goes (A5)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 300')
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      stream: useRunStream({ threadId, storage: null, resume: { threadId, runId: run.id } }),
      messages: useThreadMessages({ threadId }),
    }))
    const words = () => assistantText(result.current.messages.data).split(' ').filter(Boolean).length
    await waitFor(() => expect(words()).toBeGreaterThan(0))
    const first = words()
    await waitFor(() => expect(words()).toBeGreaterThan(first))
    expect(result.current.stream.status).toBe('streaming') // still polling: the text grew before the end
    expect(words()).toBeLessThan(300)
    await waitFor(() => expect(result.current.stream.status).toBe('done'), { timeout: 5000 })
    await waitFor(() => expect(words()).toBe(300))
  })

  test('submitToolOutputs rejects with the typed server error, which state and onError get too (F2)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const onError = vi.fn()
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, resume: false, onError }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    const [first, second] = result.current.toolCalls
    backend.server.faults.add({
      operation: 'submitToolOuputsToRun',
      status: 400,
      message: `Expected tool outputs for call_ids ['${first!.id}', '${second!.id}'], got ['${first!.id}']`,
    })
    let caught: unknown
    await act(async () => {
      await result.current.submitToolOutputs({ [first!.id]: 'a', [second!.id]: 'b' }).catch((error) => {
        caught = error
      })
    })
    expect(caught).toBeInstanceOf(ToolOutputsMismatchError)
    expect((caught as ToolOutputsMismatchError).expected).toEqual([first!.id, second!.id])
    expect((caught as ToolOutputsMismatchError).received).toEqual([first!.id])
    await waitFor(() => expect(result.current.error).toBe(caught))
    expect(result.current.status).toBe('error')
    expect(onError).toHaveBeenCalledWith(caught)
  })

  test('a submit after expires_at rejects with RunExpiredError (F4)', async () => {
    const clock = createManualClock(Date.now())
    const backend = createTestBackend({ clock })
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, resume: false }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    const call = result.current.toolCalls[0]!
    expect(result.current.run?.expires_at).toBeTypeOf('number')
    clock.advance(601_000)
    let caught: unknown
    await act(async () => {
      await result.current.submitToolOutputs({ [call.id]: 'rain' }).catch((error) => {
        caught = error
      })
    })
    expect(caught).toBeInstanceOf(RunExpiredError)
    await waitFor(() => expect(result.current.error).toBe(caught))
    // The form keeps its values: the calls are still listed with their arguments.
    expect(result.current.toolCalls.map((item) => item.arguments)).toEqual([call.arguments])
  })

  test('a run left waiting past expires_at is seen expired without the user acting, and a queued follow-up goes', async () => {
    // The server's clock is set so that the run's 10-minute window ends half a second from now (real time).
    const clock = createManualClock(Date.now() - 599_500)
    const backend = createTestBackend({ clock })
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const onFinish = vi.fn()
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, resume: false, onFinish }),
    )
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    let followUp: Promise<unknown> | undefined
    act(() => {
      followUp = result.current.create(
        { assistant_id: 'asst_demo', additional_messages: [{ role: 'user', content: 'Never mind' }] },
        { ifBusy: 'queue' },
      )
    })
    await waitFor(() => expect(result.current.queued).toHaveLength(1))
    clock.advance(601_000) // the server now holds the run expired; nothing streams to say so
    await waitFor(
      () => expect(onFinish).toHaveBeenCalledWith(expect.objectContaining({ reason: 'expired' })),
      {
        timeout: 5_000,
      },
    )
    await act(() => followUp!)
    const runs = await backend.client.runs.list({ threadId }, { order: 'asc' })
    expect(runs.data.map((run) => run.status)).toEqual(['expired', 'completed'])
  })

  test('an older message-list refresh cannot drop the optimistic message of create() (C2)', async () => {
    let slowLists = false
    const backend = createTestBackend({
      tokenDelayMs: 5,
      rewrite: async (response, request) => {
        if (slowLists && request.method === 'GET' && /\/messages$/.test(new URL(request.url).pathname)) {
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        return response
      },
    })
    const threadId = await createThread(backend, 'first')
    const queryClient = createTestQueryClient()
    const seen: Seen = { renders: 0 }
    renderWithClient(queryClient, backend.client, <Chat threadId={threadId} seen={seen} />)
    await waitFor(() => expect(seen.messages).toBeDefined())
    slowLists = true
    act(() => {
      void queryClient.invalidateQueries({ queryKey: runKeys.messageLists(backend.client, { threadId }) })
    })
    backend.server.faults.add({ operation: 'createRun', delayMs: 300 })
    let done: Promise<void> | undefined
    act(() => {
      done = seen.stream!.create({
        assistant_id: 'asst_demo',
        additional_messages: [{ role: 'user', content: 'second' }],
      })
    })
    await waitFor(() => expect(allMessages(seen.messages)[0]?.id).toMatch(/^temp_msg_/))
    await new Promise((resolve) => setTimeout(resolve, 200)) // the old refresh would have landed by now
    expect(allMessages(seen.messages).map((message) => textOf(message))).toEqual(['second', 'first'])
    slowLists = false
    await act(() => done!)
  })

  test('two sends on one thread: the second is refused while the first streams (C4)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 40')
    const { result } = renderHookWithClient(createTestQueryClient(), backend.client, () =>
      useRunStream({ threadId, resume: false }),
    )
    let done: Promise<void> | undefined
    let second: Promise<void> | undefined
    act(() => {
      done = result.current.create({ assistant_id: 'asst_demo' })
      second = result.current.create({ assistant_id: 'asst_demo' })
    })
    await expect(second).rejects.toBeInstanceOf(StreamBusyError)
    await act(() => done!)
    await waitFor(() => expect(result.current.runStatus).toBe('completed'))
    expect(backend.count('POST', /\/runs$/)).toBe(1)
  })
})
