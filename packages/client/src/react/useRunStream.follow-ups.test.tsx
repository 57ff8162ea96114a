// Follow-ups while a run is active (`create(body, { ifBusy })`): queued behind a streamed, polled, waiting or
// foreign run (ActiveRunError), or sent after cancelling it; dropped ones reject with QueuedRunDroppedError, failed
// ones with the API error and keep their body. The in-process server is the network; the hooks are real.
import { act, waitFor } from '@testing-library/react'
import { describe, expect, test, vi } from 'vitest'
import { InternalServerError, type Run } from '../core/index.ts'
import { QueuedRunDroppedError } from '../query/follow-up-queue.ts'
import { StreamBusyError } from '../query/run-stream-state.ts'
import {
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderHookWithClient,
  textOf,
} from './test-utils.tsx'
import { type UseRunStreamOptions, useRunStream } from './useRunStream.ts'

type Backend = ReturnType<typeof createTestBackend>

const ask = (content: string) => ({
  assistant_id: 'asst_demo',
  additional_messages: [{ role: 'user' as const, content }],
})

/** The thread's messages on the server, oldest first, as `role: text`. */
async function transcript(backend: Backend, threadId: string): Promise<string[]> {
  const page = await backend.client.messages.list({ threadId }, { order: 'asc', limit: 100 })
  return page.data.map((message) => `${message.role}: ${textOf(message)}`)
}

/** The thread's runs on the server, oldest first. */
async function serverRuns(backend: Backend, threadId: string): Promise<Run[]> {
  return (await backend.client.runs.list({ threadId }, { order: 'asc' })).data
}

/** A backend whose log says, in order, when a run was created (`post`) and when the hook saw one end. */
function orderedBackend(options: Parameters<typeof createTestBackend>[0] = {}) {
  const order: string[] = []
  const backend = createTestBackend({
    ...options,
    rewrite: (response, request) => {
      if (request.method === 'POST' && /\/runs$/.test(new URL(request.url).pathname)) {
        order.push(`post ${response.status}`)
      }
      return response
    },
  })
  const onFinish: UseRunStreamOptions['onFinish'] = ({ reason }) => {
    order.push(`finish ${reason}`)
  }
  return { backend, order, onFinish }
}

function renderStream(backend: Backend, options: UseRunStreamOptions) {
  return renderHookWithClient(createTestQueryClient(), backend.client, () =>
    useRunStream({ resume: false, storage: null, ...options }),
  )
}

describe('useRunStream follow-ups: ifBusy "queue"', () => {
  test('queues behind a streaming run and sends once it completed; the server has the messages in order', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 60')
    const { result } = renderStream(backend, { threadId, onFinish })
    let first: Promise<void> | undefined
    act(() => {
      first = result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    let second: Promise<void> | undefined
    act(() => {
      second = result.current.create(ask('And then?'), { ifBusy: 'queue' })
    })
    // Queued: listed with its body, nothing sent yet.
    await waitFor(() =>
      expect(result.current.queued).toEqual([{ id: expect.any(String), threadId, body: ask('And then?') }]),
    )
    expect(backend.count('POST', /\/runs$/)).toBe(1)
    const firstRunId = result.current.runId
    await act(() => first!)
    await act(() => second!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.queued).toEqual([])
    expect(result.current.runId).not.toBe(firstRunId)
    expect(result.current.runStatus).toBe('completed')
    // The second run was created only after the first had completed.
    expect(order).toEqual(['post 200', 'finish completed', 'post 200', 'finish completed'])
    const [prompt, reply, followUp, answer] = await transcript(backend, threadId)
    expect([prompt, followUp, answer]).toEqual([
      'user: /long 60',
      'user: And then?',
      'assistant: You said: "And then?"',
    ])
    expect(reply!.split(' ')).toHaveLength(61) // "assistant:" and the 60 words of the first reply
  })

  test('several follow-ups go one after another (FIFO), each after the previous run ended', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 30')
    const { result } = renderStream(backend, { threadId, onFinish, ifBusy: 'queue' })
    let all: Promise<void>[] = []
    act(() => {
      all = [
        result.current.create({ assistant_id: 'asst_demo' }),
        result.current.create(ask('two')),
        result.current.create(ask('three')),
      ]
    })
    await waitFor(() =>
      expect(result.current.queued.map((item) => item.body.additional_messages?.[0]?.content)).toEqual([
        'two',
        'three',
      ]),
    )
    await act(() => Promise.all(all))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(order).toEqual([
      'post 200',
      'finish completed',
      'post 200',
      'finish completed',
      'post 200',
      'finish completed',
    ])
    expect((await transcript(backend, threadId)).filter((line) => line.startsWith('user'))).toEqual([
      'user: /long 30',
      'user: two',
      'user: three',
    ])
  })

  test('a run that ends failed still frees the thread: the queue goes on', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/fail server_error')
    const { result } = renderStream(backend, { threadId, onFinish })
    let both: Promise<void>[] = []
    act(() => {
      both = [
        result.current.create({ assistant_id: 'asst_demo' }),
        result.current.create(ask('Try again'), { ifBusy: 'queue' }),
      ]
    })
    await act(() => Promise.all(both))
    await waitFor(() => expect(result.current.runStatus).toBe('completed'))
    expect(order).toEqual(['post 200', 'finish failed', 'post 200', 'finish completed'])
  })

  test('queues behind a run followed by polling (resume) and sends once it completed', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 80')
    const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const { result } = renderStream(backend, { threadId, onFinish, resume: { threadId, runId: run.id } })
    await waitFor(() => expect(result.current.connection).toBe('poll'))
    let queued: Promise<void> | undefined
    act(() => {
      queued = result.current.create(ask('After the resumed run'), { ifBusy: 'queue' })
    })
    await waitFor(() => expect(result.current.queued).toHaveLength(1))
    expect(result.current.runId).toBe(run.id)
    await act(() => queued!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runId).not.toBe(run.id)
    // The direct create, the resumed run's end, then the follow-up.
    expect(order).toEqual(['post 200', 'finish completed', 'post 200', 'finish completed'])
    expect((await serverRuns(backend, threadId)).map((item) => item.status)).toEqual([
      'completed',
      'completed',
    ])
  })

  test('a run started elsewhere (ActiveRunError): the hook follows it and sends the follow-up after it', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 80')
    // Another tab (the core client directly) starts a run the hook knows nothing about.
    const elsewhere = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
    const onError = vi.fn()
    const { result } = renderStream(backend, { threadId, onFinish, onError })
    let queued: Promise<void> | undefined
    act(() => {
      queued = result.current.create(ask('Behind the other tab'), { ifBusy: 'queue' })
    })
    // The server refused the create; the hook follows the run it named, and the follow-up waits for it.
    await waitFor(() => expect(result.current.runId).toBe(elsewhere.id))
    expect(result.current.connection).toBe('poll')
    expect(result.current.queued.map((item) => item.body)).toEqual([ask('Behind the other tab')])
    expect(result.current.error).toBeNull()
    await act(() => queued!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(result.current.runId).not.toBe(elsewhere.id)
    expect(onError).not.toHaveBeenCalled()
    expect(order).toEqual(['post 200', 'post 400', 'finish completed', 'post 200', 'finish completed'])
    const users = (await transcript(backend, threadId)).filter((line) => line.startsWith('user'))
    expect(users).toEqual(['user: /long 80', 'user: Behind the other tab'])
  })

  test('a run waiting for tool outputs keeps the follow-up queued until it is answered', async () => {
    const { backend, order, onFinish } = orderedBackend()
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const { result } = renderStream(backend, { threadId, onFinish })
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    let queued: Promise<void> | undefined
    act(() => {
      queued = result.current.create(ask('After the tool'), { ifBusy: 'queue' })
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(result.current.queued).toHaveLength(1)
    expect(backend.count('POST', /\/runs$/)).toBe(1)
    const call = result.current.toolCalls[0]!
    await act(() => result.current.submitToolOutputs({ [call.id]: 'sunny' }))
    await act(() => queued!)
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(order).toEqual(['post 200', 'finish completed', 'post 200', 'finish completed'])
    expect(textOf(result.current.snapshot.messages.byId[result.current.snapshot.messages.ids.at(-1)!])).toBe(
      'You said: "After the tool"',
    )
  })
})

describe('useRunStream follow-ups: ifBusy "cancel"', () => {
  test('cancels the streaming run at once, then sends: the first run ends cancelled, the second runs', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 10, cancelDelayMs: 200 })
    const threadId = await createThread(backend, '/long 300')
    // The hook's default for every call.
    const { result } = renderStream(backend, { threadId, onFinish, ifBusy: 'cancel' })
    let first: Promise<void> | undefined
    act(() => {
      first = result.current.create({ assistant_id: 'asst_demo' }, { ifBusy: 'throw' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    let second: Promise<void> | undefined
    act(() => {
      second = result.current.create(ask('Stop, and answer this'))
    })
    // Optimistic: `cancelling` at once, the follow-up listed until the run is over.
    await waitFor(() => expect(result.current.runStatus).toBe('cancelling'))
    expect(result.current.queued).toHaveLength(1)
    await act(() => Promise.all([first!, second!]))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(order).toEqual(['post 200', 'finish cancelled', 'post 200', 'finish completed'])
    const runs = await serverRuns(backend, threadId)
    expect(runs.map((run) => run.status)).toEqual(['cancelled', 'completed'])
    expect(runs[0]!.cancelled_at).not.toBeNull()
    expect((await transcript(backend, threadId)).at(-1)).toBe('assistant: You said: "Stop, and answer this"')
  })

  test('while the first create is still in flight, its run is cancelled as soon as it exists', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 10 })
    const threadId = await createThread(backend, '/long 300')
    backend.server.faults.add({ operation: 'createRun', delayMs: 80 })
    const { result } = renderStream(backend, { threadId, onFinish })
    let both: Promise<void>[] = []
    act(() => {
      both = [
        result.current.create({ assistant_id: 'asst_demo' }),
        result.current.create(ask('Never mind that'), { ifBusy: 'cancel' }),
      ]
    })
    expect(result.current.runId).toBeNull() // nothing to cancel yet
    await act(() => Promise.all(both))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(order).toEqual(['post 200', 'finish cancelled', 'post 200', 'finish completed'])
  })

  test('a run that completed before the cancel landed: the follow-up is still sent', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 2 })
    const threadId = await createThread(backend, 'Quick one')
    backend.server.faults.add({ operation: 'cancelRun', delayMs: 150 })
    const onError = vi.fn()
    const { result } = renderStream(backend, { threadId, onFinish, onError })
    let first: Promise<void> | undefined
    act(() => {
      first = result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runId).not.toBeNull())
    let second: Promise<void> | undefined
    act(() => {
      second = result.current.create(ask('Second'), { ifBusy: 'cancel' })
    })
    await act(() => Promise.all([first!, second!]))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect((await serverRuns(backend, threadId)).map((run) => run.status)).toEqual(['completed', 'completed'])
    expect(order).toEqual(['post 200', 'finish completed', 'post 200', 'finish completed'])
    expect(onError).not.toHaveBeenCalled()
  })

  test('a cancel that lands after the run completed finishes nothing twice (onFinish once)', async () => {
    const { backend, order, onFinish } = orderedBackend({ tokenDelayMs: 2 })
    const threadId = await createThread(backend, 'Quick one')
    backend.server.faults.add({ operation: 'cancelRun', delayMs: 100 })
    const { result } = renderStream(backend, { threadId, onFinish })
    let first: Promise<void> | undefined
    act(() => {
      first = result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runId).not.toBeNull())
    let cancelled: Promise<void> | undefined
    act(() => {
      cancelled = result.current.cancel()
    })
    await act(() => Promise.all([first!, cancelled!]))
    expect(result.current.runStatus).toBe('completed')
    expect(order).toEqual(['post 200', 'finish completed'])
  })

  test('a run waiting for tool outputs is cancelled, then the follow-up is sent', async () => {
    const { backend, order, onFinish } = orderedBackend({ cancelDelayMs: 20 })
    const threadId = await createThread(backend, '/tool get_weather {"city":"Paris"}')
    const { result } = renderStream(backend, { threadId, onFinish })
    await act(() => result.current.create({ assistant_id: 'asst_demo' }))
    await waitFor(() => expect(result.current.status).toBe('requires_action'))
    await act(() => result.current.create(ask('Forget the weather'), { ifBusy: 'cancel' }))
    await waitFor(() => expect(result.current.status).toBe('done'))
    expect(order).toEqual(['post 200', 'finish cancelled', 'post 200', 'finish completed'])
  })
})

describe('useRunStream follow-ups: dropped, failed, and the default', () => {
  async function withQueued() {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 100')
    const otherThreadId = await createThread(backend, 'elsewhere')
    const rendered = renderHookWithClient(
      createTestQueryClient(),
      backend.client,
      ({ threadId: id }: { threadId: string }) =>
        useRunStream({ threadId: id, resume: false, storage: null }),
      { initialProps: { threadId } },
    )
    const { result } = rendered
    act(() => {
      void result.current.create({ assistant_id: 'asst_demo' })
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    let outcome: Promise<unknown> = Promise.resolve()
    act(() => {
      outcome = result.current.create(ask('Maybe later'), { ifBusy: 'queue' }).then(
        () => 'resolved',
        (error: unknown) => error,
      )
    })
    await waitFor(() => expect(result.current.queued).toHaveLength(1))
    return { backend, threadId, otherThreadId, ...rendered, outcome }
  }

  test.each([
    ['dequeue(id)', 'dequeued', /dequeued/],
    ['abort()', 'aborted', /aborted/],
    ['a thread switch', 'thread_switched', /thread switched/],
    ['unmount', 'unmounted', /unmounted/],
  ] as const)(
    '%s rejects the queued create with QueuedRunDroppedError (%s), body kept; nothing is sent',
    async (_, reason, message) => {
      const { backend, threadId, otherThreadId, result, rerender, unmount, outcome } = await withQueued()
      const id = result.current.queued[0]!.id
      act(() => {
        if (reason === 'dequeued') {
          result.current.dequeue(id)
        } else if (reason === 'aborted') {
          result.current.abort()
        } else if (reason === 'thread_switched') {
          rerender({ threadId: otherThreadId })
        } else {
          unmount()
        }
      })
      const error = await outcome
      expect(error).toBeInstanceOf(QueuedRunDroppedError)
      expect((error as QueuedRunDroppedError).reason).toBe(reason)
      expect((error as QueuedRunDroppedError).message).toMatch(message)
      expect((error as QueuedRunDroppedError).queued).toEqual({ id, threadId, body: ask('Maybe later') })
      if (reason !== 'unmounted') {
        await waitFor(() => expect(result.current.queued).toEqual([]))
      }
      // The first run goes on to its end on the server; the dropped follow-up is never sent.
      await waitFor(
        async () =>
          expect((await serverRuns(backend, threadId)).map((run) => run.status)).toEqual(['completed']),
        { timeout: 5000 },
      )
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(backend.count('POST', /\/runs$/)).toBe(1)
      expect(await transcript(backend, threadId)).not.toContain('user: Maybe later')
    },
  )

  test('a queued create that fails rejects with the API error and keeps its body in `unsent`; the queue goes on', async () => {
    const onError = vi.fn()
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 60')
    const { result } = renderStream(backend, { threadId, onError, ifBusy: 'queue' })
    let outcomes: Promise<unknown>[] = []
    act(() => {
      void result.current.create({ assistant_id: 'asst_demo' })
      outcomes = [ask('This one fails'), ask('This one goes')].map((body) =>
        result.current.create(body).then(
          () => 'resolved',
          (error: unknown) => error,
        ),
      )
    })
    await waitFor(() => expect(result.current.runStatus).toBe('in_progress'))
    backend.server.faults.add({
      operation: 'createRun',
      status: 500,
      message: 'Injected: the create failed.',
    })
    const [failed, sent] = await act(() => Promise.all(outcomes))
    expect(failed).toBeInstanceOf(InternalServerError)
    expect(sent).toBe('resolved')
    expect(onError).toHaveBeenCalledWith(failed)
    // The text to restore, with its error, until the UI lets it go.
    await waitFor(() => expect(result.current.unsent).toHaveLength(1))
    expect(result.current.unsent).toEqual([
      { id: expect.any(String), threadId, body: ask('This one fails'), error: failed },
    ])
    await waitFor(() => expect(result.current.status).toBe('done'))
    const users = (await transcript(backend, threadId)).filter((line) => line.startsWith('user'))
    expect(users).toEqual(['user: /long 60', 'user: This one goes'])
    act(() => result.current.dequeue(result.current.unsent[0]!.id))
    await waitFor(() => expect(result.current.unsent).toEqual([]))
  })

  test('"throw" is unchanged: the default, and a call can ask for it over the hook’s ifBusy', async () => {
    const backend = createTestBackend({ tokenDelayMs: 5 })
    const threadId = await createThread(backend, '/long 40')
    for (const options of [{}, { ifBusy: 'queue' as const }]) {
      // No thread on the hook: the call names it, as before (`{ threadId }`).
      const { result } = renderStream(backend, options)
      let done: Promise<void> | undefined
      let second: Promise<void> | undefined
      act(() => {
        done = result.current.create({ assistant_id: 'asst_demo' }, { threadId })
        second = result.current.create({ assistant_id: 'asst_demo' }, { threadId, ifBusy: 'throw' })
      })
      await expect(second).rejects.toBeInstanceOf(StreamBusyError)
      expect(result.current.queued).toEqual([])
      await act(() => done!)
      await waitFor(() => expect(result.current.runStatus).toBe('completed'))
    }
    expect(backend.count('POST', /\/runs$/)).toBe(2)
  })
})
