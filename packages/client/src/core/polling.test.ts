// Poll helpers: openai-poll-after-ms (clamped), intervalMs, stop statuses, backoff on unknown statuses (C7).
import { describe, expect, test, vi } from 'vitest'
import { createClientFromTransport } from './client.ts'
import { UserAbortError } from './errors.ts'
import { pollDelayMs } from './polling.ts'
import { createTransport, defaultSleep, type Sleep } from './transport.ts'

function runResponse(status: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ id: 'run_1', thread_id: 'thread_1', object: 'thread.run', status }), {
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function setup(responses: Response[], sleep?: Sleep) {
  const calls: string[] = []
  const sleeps: number[] = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push(`${init?.method} ${String(url).replace('http://api.test/v1', '')}`)
    const response = responses.shift()
    if (!response) {
      throw new Error('unexpected fetch')
    }
    return response
  })
  const transport = createTransport({
    baseURL: 'http://api.test/v1',
    fetch,
    sleep:
      sleep ??
      (async (ms) => {
        sleeps.push(ms)
      }),
  })
  return { client: createClientFromTransport(transport), calls, sleeps }
}

const ids = { threadId: 'thread_1', runId: 'run_1' }

describe('runs.poll', () => {
  test('polls until requires_action, waiting what openai-poll-after-ms says', async () => {
    const { client, calls, sleeps } = setup([
      runResponse('queued', { 'openai-poll-after-ms': '250' }),
      runResponse('in_progress', { 'openai-poll-after-ms': '400' }),
      runResponse('requires_action'),
    ])
    const run = await client.runs.poll(ids)
    expect(run.status).toBe('requires_action')
    expect(sleeps).toEqual([250, 400])
    expect(calls).toEqual(Array(3).fill('GET /threads/thread_1/runs/run_1'))
  })

  test.each(['completed', 'failed', 'cancelled', 'expired', 'incomplete'])('stops at %s', async (status) => {
    const { client, sleeps } = setup([runResponse('cancelling'), runResponse(status)])
    await expect(client.runs.poll(ids)).resolves.toMatchObject({ status })
    expect(sleeps).toEqual([1000])
  })

  test('the server hint is clamped to 100 ms–30 s and intervalMs overrides it', () => {
    const hinted = (value: string) => new Response(null, { headers: { 'openai-poll-after-ms': value } })
    expect(pollDelayMs(hinted('0'), undefined)).toBe(100)
    expect(pollDelayMs(hinted('999999'), undefined)).toBe(30_000)
    expect(pollDelayMs(hinted('junk'), undefined)).toBe(1000)
    expect(pollDelayMs(hinted('250'), 2000)).toBe(2000)
  })

  test('an unknown future status is polled with growing waits, never a busy loop (C7)', async () => {
    const { client, sleeps } = setup([
      runResponse('thinking_hard', { 'openai-poll-after-ms': '100' }),
      runResponse('thinking_hard'),
      runResponse('thinking_hard'),
      runResponse('completed'),
    ])
    await expect(client.runs.poll(ids)).resolves.toMatchObject({ status: 'completed' })
    expect(sleeps).toEqual([1000, 2000, 4000])
  })

  test('aborting while waiting between polls rejects with UserAbortError', async () => {
    vi.useFakeTimers()
    const controller = new AbortController()
    const { client, calls } = setup([runResponse('in_progress')], defaultSleep)
    const pending = client.runs
      .poll(ids, { signal: controller.signal, intervalMs: 5000 })
      .catch((e: unknown) => e)
    await vi.advanceTimersByTimeAsync(10)
    controller.abort()
    expect(await pending).toBeInstanceOf(UserAbortError)
    expect(calls).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
    vi.useRealTimers()
  })
})

describe('create-and-poll helpers', () => {
  test('createAndPoll creates without streaming, then polls the created run', async () => {
    const { client, calls } = setup([runResponse('queued'), runResponse('completed')])
    const run = await client.runs.createAndPoll({ threadId: 'thread_1' }, { assistant_id: 'asst_1' })
    expect(run.status).toBe('completed')
    expect(calls).toEqual(['POST /threads/thread_1/runs', 'GET /threads/thread_1/runs/run_1'])
  })

  test('createThreadAndRunPoll and submitToolOutputsAndPoll poll the run they got', async () => {
    const { client, calls } = setup([
      runResponse('queued'),
      runResponse('requires_action'),
      runResponse('queued'),
      runResponse('completed'),
    ])
    const waiting = await client.runs.createThreadAndRunPoll({ assistant_id: 'asst_1' }, { intervalMs: 0 })
    expect(waiting.status).toBe('requires_action')
    const done = await client.runs.submitToolOutputsAndPoll(ids, { tool_outputs: [] })
    expect(done.status).toBe('completed')
    expect(calls).toEqual([
      'POST /threads/runs',
      'GET /threads/thread_1/runs/run_1',
      'POST /threads/thread_1/runs/run_1/submit_tool_outputs',
      'GET /threads/thread_1/runs/run_1',
    ])
  })
})
