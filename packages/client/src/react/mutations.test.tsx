import { act, waitFor } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import type { Run } from '../core/index.ts'
import { ActiveRunError } from '../core/index.ts'
import { runKeys } from '../query/keys.ts'
import { runQueries } from '../query/queries.ts'
import {
  createTestBackend,
  createTestQueryClient,
  createThread,
  renderHookWithClient,
} from './test-utils.tsx'
import { useCancelRun } from './useCancelRun.ts'
import { useCreateRun } from './useCreateRun.ts'
import { useCreateThreadAndRun } from './useCreateThreadAndRun.ts'
import { useModifyRun } from './useModifyRun.ts'
import { useRun } from './useRun.ts'
import { useRuns } from './useRuns.ts'
import { SubmitInFlightError, useSubmitToolOutputs } from './useSubmitToolOutputs.ts'

const WEATHER_AND_TIME = '/tool get_weather {"city":"Paris"}\n/tool get_time {"city":"Paris"}'

async function startLongRun(backend: ReturnType<typeof createTestBackend>, tokens = 400) {
  const threadId = await createThread(backend, `/long ${tokens}`)
  const run = await backend.client.runs.create({ threadId }, { assistant_id: 'asst_demo' })
  return { threadId, runId: run.id }
}

describe('useCreateRun / useCreateThreadAndRun', () => {
  test('the created run lands in useRun’s cache entry without a GET', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => useCreateRun())
    const run = await act(() => result.current.mutateAsync({ threadId, body: { assistant_id: 'asst_demo' } }))
    const cached = queryClient.getQueryData(
      runQueries.run(backend.client, { threadId, runId: run.id }).queryKey,
    )
    expect(cached?.id).toBe(run.id)
    expect(backend.count('GET')).toBe(0)
  })

  test('createThreadAndRun caches the run of the new thread', async () => {
    const backend = createTestBackend()
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => useCreateThreadAndRun())
    const run = await act(() =>
      result.current.mutateAsync({
        body: { assistant_id: 'asst_demo', thread: { messages: [{ role: 'user', content: 'Hi' }] } },
      }),
    )
    const ids = { threadId: run.thread_id, runId: run.id }
    expect(queryClient.getQueryData(runQueries.run(backend.client, ids).queryKey)).toEqual(run)
  })
})

describe('useCancelRun', () => {
  test('shows cancelling before the response arrives, then the server’s cancelled (F11)', async () => {
    const backend = createTestBackend({ tokenDelayMs: 20, cancelDelayMs: 50 })
    const ids = await startLongRun(backend)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      cancel: useCancelRun(),
    }))
    await waitFor(() => expect(result.current.run.data?.status).toBe('in_progress'))
    backend.server.faults.add({ operation: 'cancelRun', delayMs: 300 })
    act(() => result.current.cancel.mutate(ids))
    await waitFor(() => expect(result.current.run.data?.status).toBe('cancelling'))
    expect(result.current.cancel.isPending).toBe(true) // the response has not arrived yet
    await waitFor(() => expect(result.current.run.data?.status).toBe('cancelled'), { timeout: 3000 })
    expect(result.current.cancel.isError).toBe(false)
  })

  test('rolls back to the run as it was when the cancel fails with a 500', async () => {
    const backend = createTestBackend({ tokenDelayMs: 10 })
    const ids = await startLongRun(backend, 60)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      cancel: useCancelRun(),
    }))
    await waitFor(() => expect(result.current.run.data?.status).toBe('in_progress'))
    backend.server.faults.add({ operation: 'cancelRun', status: 500, delayMs: 100 })
    act(() => result.current.cancel.mutate(ids))
    await waitFor(() => expect(result.current.run.data?.status).toBe('cancelling'))
    await waitFor(() => expect(result.current.cancel.isError).toBe(true))
    expect(result.current.cancel.error).toMatchObject({ name: 'InternalServerError', status: 500 })
    expect(result.current.run.data?.status).toBe('in_progress')
    // The run was never cancelled: polling resumes and it completes.
    await waitFor(() => expect(result.current.run.data?.status).toBe('completed'), { timeout: 5000 })
  })

  test('cancelling a run that already completed is no error: the run is shown as it is (F11)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend)
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const ids = { threadId, runId: run.id }
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      cancel: useCancelRun(),
    }))
    await waitFor(() => expect(result.current.run.data?.status).toBe('completed'))
    const answered = await act(() => result.current.cancel.mutateAsync(ids))
    expect(answered.status).toBe('completed')
    // The observer's result reaches the hook through react-query's batched notify, a tick after mutateAsync settles.
    await waitFor(() => expect(result.current.cancel.isSuccess).toBe(true))
    expect(result.current.cancel.data?.status).toBe('completed')
    expect(result.current.run.data?.status).toBe('completed')
    expect(backend.count('POST', /\/cancel$/)).toBe(1)
  })
})

describe('useModifyRun', () => {
  test('shows the new metadata at once and keeps the server’s answer', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend)
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const ids = { threadId, runId: run.id }
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      modify: useModifyRun(),
    }))
    await waitFor(() => expect(result.current.run.data).toBeDefined())
    backend.server.faults.add({ operation: 'modifyRun', delayMs: 200 })
    act(() => result.current.modify.mutate({ ...ids, body: { metadata: { label: 'starred' } } }))
    await waitFor(() => expect(result.current.run.data?.metadata).toEqual({ label: 'starred' }))
    expect(result.current.modify.isPending).toBe(true)
    await waitFor(() => expect(result.current.modify.isSuccess).toBe(true))
    expect(result.current.run.data?.metadata).toEqual({ label: 'starred' })
  })

  test('rolls the metadata back when the request fails', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend)
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const ids = { threadId, runId: run.id }
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      modify: useModifyRun(),
    }))
    await waitFor(() => expect(result.current.run.data).toBeDefined())
    const before = result.current.run.data?.metadata
    backend.server.faults.add({ operation: 'modifyRun', status: 500, delayMs: 100 })
    act(() => result.current.modify.mutate({ ...ids, body: { metadata: { label: 'starred' } } }))
    await waitFor(() => expect(result.current.run.data?.metadata).toEqual({ label: 'starred' }))
    await waitFor(() => expect(result.current.modify.isError).toBe(true))
    expect(result.current.run.data?.metadata).toEqual(before)
  })
})

describe('useSubmitToolOutputs', () => {
  test('sends every output in one request and refuses a second submit while it is in flight (F1, F3)', async () => {
    const backend = createTestBackend()
    const threadId = await createThread(backend, WEATHER_AND_TIME)
    const run = await backend.client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
    const calls = run.required_action?.submit_tool_outputs?.tool_calls ?? []
    expect(calls).toHaveLength(2)
    const ids = { threadId, runId: run.id }
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      run: useRun(ids),
      submit: useSubmitToolOutputs(),
    }))
    await waitFor(() => expect(result.current.run.data?.status).toBe('requires_action'))
    backend.server.faults.add({ operation: 'submitToolOuputsToRun', delayMs: 100 })
    const body = { tool_outputs: calls.map((call) => ({ tool_call_id: call.id, output: '21°C' })) }
    let refused: unknown
    await act(async () => {
      result.current.submit.mutate({ ...ids, body })
      result.current.submit.mutate({ ...ids, body }) // double click
      refused = await result.current.submit.mutateAsync({ ...ids, body }).catch((error: unknown) => error)
    })
    expect(refused).toBeInstanceOf(SubmitInFlightError)
    await waitFor(() => expect(result.current.submit.isSuccess).toBe(true))
    expect(backend.count('POST', /\/submit_tool_outputs$/)).toBe(1)
    const cached = queryClient.getQueryData<Run>(runQueries.run(backend.client, ids).queryKey)
    expect(cached?.status).not.toBe('requires_action')
    await waitFor(() => expect(result.current.run.data?.status).toBe('completed'))
  })
})

describe('create and the thread’s lists (C2, C4)', () => {
  test('an older run-list refresh cannot land after a create and drop the new run from useRuns (C2)', async () => {
    let slowLists = false
    const backend = createTestBackend({
      // A refresh that answers late, with the list as it was when it was asked.
      rewrite: async (response, request) => {
        if (slowLists && request.method === 'GET' && /\/runs$/.test(new URL(request.url).pathname)) {
          await new Promise((resolve) => setTimeout(resolve, 150))
        }
        return response
      },
    })
    const threadId = await createThread(backend)
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => ({
      runs: useRuns({ threadId }),
      create: useCreateRun(),
    }))
    const listed = () => result.current.runs.data?.pages.flatMap((page) => page.data.map((run) => run.id))
    await waitFor(() => expect(listed()).toEqual([]))
    slowLists = true
    act(() => {
      void queryClient.invalidateQueries({ queryKey: runKeys.runLists(backend.client, { threadId }) })
    })
    const run = await act(() =>
      result.current.create.mutateAsync({ threadId, body: { assistant_id: 'asst_demo' } }),
    )
    await waitFor(() => expect(listed()).toEqual([run.id]))
    await new Promise((resolve) => setTimeout(resolve, 250)) // the old refresh would have landed by now
    expect(listed()).toEqual([run.id])
  })

  test('two creates on one thread run one after another; the second meets the active run (C4)', async () => {
    // How many creates had been sent when each create was answered.
    const sentWhenAnswered: number[] = []
    const backend: ReturnType<typeof createTestBackend> = createTestBackend({
      tokenDelayMs: 20,
      rewrite: (response, request) => {
        if (request.method === 'POST' && /\/runs$/.test(new URL(request.url).pathname)) {
          sentWhenAnswered.push(backend.count('POST', /\/runs$/))
        }
        return response
      },
    })
    const threadId = await createThread(backend, '/long 100')
    const queryClient = createTestQueryClient()
    const { result } = renderHookWithClient(queryClient, backend.client, () => useCreateRun({ threadId }))
    let first: Promise<Run> | undefined
    let second: Promise<unknown> | undefined
    act(() => {
      first = result.current.mutateAsync({ threadId, body: { assistant_id: 'asst_demo' } })
      second = result.current
        .mutateAsync({ threadId, body: { assistant_id: 'asst_demo' } })
        .catch((error: unknown) => error)
    })
    const run = await act(() => first!)
    const refused = await act(() => second!)
    expect(sentWhenAnswered).toEqual([1, 2]) // the second was sent only after the first was answered
    expect(refused).toBeInstanceOf(ActiveRunError)
    expect((refused as ActiveRunError).runId).toBe(run.id)
  })
})
