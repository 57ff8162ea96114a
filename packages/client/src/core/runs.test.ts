// client.runs / steps / threads / messages / assistants request shapes, streaming overloads, and checklist T8
// (a lost create is never turned into a second run).
import { describe, expect, expectTypeOf, test, vi } from 'vitest'
import { type Client, createClientFromTransport } from './client.ts'
import {
  ActiveRunError,
  CannotCancelRunError,
  ConnectionError,
  InternalServerError,
  RunExpiredError,
  UnexpectedContentTypeError,
  ValidationError,
} from './errors.ts'
import type { RunStream } from './run-stream.ts'
import { createTransport } from './transport.ts'
import type { Run } from './types.ts'

type Step = Response | Error
type Call = { url: string; method: string; body: unknown }

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run_1',
    object: 'thread.run',
    created_at: 1,
    thread_id: 'thread_1',
    assistant_id: 'asst_1',
    status: 'queued',
    required_action: null,
    last_error: null,
    expires_at: null,
    started_at: null,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    incomplete_details: null,
    model: 'scripted',
    instructions: '',
    tools: [],
    usage: null,
    ...overrides,
  }
}

function badRequest(message: string): Response {
  return json({ error: { message, type: 'invalid_request_error', param: null, code: null } }, 400)
}

function sse(...frames: Array<[string, unknown]>): Response {
  const text = frames.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join('')
  return new Response(text, { headers: { 'content-type': 'text/event-stream' } })
}

function setup(steps: Step[]): { client: Client; calls: Call[]; sleeps: number[] } {
  const calls: Call[] = []
  const sleeps: number[] = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    calls.push({ url: String(url).replace('http://api.test/v1', ''), method: init?.method ?? 'GET', body })
    const step = steps.shift()
    if (step === undefined) {
      throw new Error('unexpected fetch')
    }
    if (step instanceof Error) {
      throw step
    }
    return step
  })
  const transport = createTransport({
    baseURL: 'http://api.test/v1',
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms)
    },
    random: () => 0,
  })
  return { client: createClientFromTransport(transport), calls, sleeps }
}

const ids = { threadId: 'thread_1', runId: 'run_1' }

describe('operations send the method, path, query and body of the spec', () => {
  test('every resource call', async () => {
    const list = { object: 'list', data: [], first_id: null, last_id: null, has_more: false }
    const { client, calls } = setup(Array.from({ length: 16 }, () => json(list)))
    await client.runs.createThreadAndRun({ assistant_id: 'asst_1', thread: { messages: [] } })
    await client.runs.list({ threadId: 'thread_1' }, { limit: 5, order: 'asc' })
    await client.runs.update(ids, { metadata: { k: 'v' } })
    await client.runs.cancel(ids)
    await client.runs.submitToolOutputs(ids, { tool_outputs: [{ tool_call_id: 'call_1', output: 'ok' }] })
    await client.steps.list(ids, { include: ['step_details.tool_calls[*].file_search.results[*].content'] })
    await client.steps.retrieve({ ...ids, stepId: 'step_1' })
    await client.threads.create({ metadata: { a: 'b' } })
    await client.threads.retrieve({ threadId: 'thread_1' })
    await client.messages.create({ threadId: 'thread_1' }, { role: 'user', content: 'Hi' })
    await client.messages.list({ threadId: 'thread_1' }, { run_id: 'run_1' })
    await client.messages.retrieve({ threadId: 'thread_1', messageId: 'msg_1' })
    await client.assistants.retrieve({ assistantId: 'asst_1' })
    await client.assistants.list({ limit: 100 })
    expect(calls.map((call) => `${call.method} ${decodeURIComponent(call.url)}`)).toEqual([
      'POST /threads/runs',
      'GET /threads/thread_1/runs?limit=5&order=asc',
      'POST /threads/thread_1/runs/run_1',
      'POST /threads/thread_1/runs/run_1/cancel',
      'POST /threads/thread_1/runs/run_1/submit_tool_outputs',
      'GET /threads/thread_1/runs/run_1/steps?include[]=step_details.tool_calls[*].file_search.results[*].content',
      'GET /threads/thread_1/runs/run_1/steps/step_1',
      'POST /threads',
      'GET /threads/thread_1',
      'POST /threads/thread_1/messages',
      'GET /threads/thread_1/messages?run_id=run_1',
      'GET /threads/thread_1/messages/msg_1',
      'GET /assistants/asst_1',
      'GET /assistants?limit=100',
    ])
    expect(calls[2]?.body).toEqual({ metadata: { k: 'v' } })
    expect(calls[3]?.body).toBeUndefined()
    expect(calls[4]?.body).toEqual({ tool_outputs: [{ tool_call_id: 'call_1', output: 'ok' }] })
    expect(calls[9]?.body).toEqual({ role: 'user', content: 'Hi' })
  })

  test('a body breaking a spec rule rejects with ValidationError and sends nothing', async () => {
    const { client, calls } = setup([])
    const error = await client.runs
      .create({ threadId: 'thread_1' }, { assistant_id: 'asst_1', temperature: 3 })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ValidationError)
    expect(error).toMatchObject({ param: 'temperature' })
    await expect(client.runs.list({ threadId: 'thread_1' }, { limit: 101 })).rejects.toMatchObject({
      param: 'limit',
    })
    expect(calls).toHaveLength(0)
  })
})

describe('streaming overloads', () => {
  test('stream: true returns a RunStream of typed events, and the body says stream: true', async () => {
    const { client, calls } = setup([
      sse(
        ['thread.run.created', run()],
        ['thread.run.completed', run({ status: 'completed' })],
        ['done', '[DONE]'],
      ),
    ])
    const stream = await client.runs.create(
      { threadId: 'thread_1' },
      { assistant_id: 'asst_1', stream: true },
    )
    const events: string[] = []
    for await (const event of stream) {
      events.push(event.event)
    }
    expect(events).toEqual(['thread.run.created', 'thread.run.completed', 'done'])
    expect(calls[0]?.body).toEqual({ assistant_id: 'asst_1', stream: true })
  })

  test('the overloads type the result by the stream flag', () => {
    const { client } = setup([])
    const body = { assistant_id: 'asst_1' }
    expectTypeOf(client.runs.create).toBeCallableWith({ threadId: 't' }, body)
    expectTypeOf<Awaited<ReturnType<Client['runs']['retrieve']>>>().toEqualTypeOf<Run>()
    const streamed = () => client.runs.create({ threadId: 't' }, { ...body, stream: true })
    const plain = () => client.runs.create({ threadId: 't' }, body)
    const submitted = () => client.runs.submitToolOutputs(ids, { tool_outputs: [], stream: true })
    const both = () => client.runs.createThreadAndRun({ ...body, stream: false })
    expectTypeOf<Awaited<ReturnType<typeof streamed>>>().toEqualTypeOf<RunStream>()
    expectTypeOf<Awaited<ReturnType<typeof plain>>>().toEqualTypeOf<Run>()
    expectTypeOf<Awaited<ReturnType<typeof submitted>>>().toEqualTypeOf<RunStream>()
    expectTypeOf<Awaited<ReturnType<typeof both>>>().toEqualTypeOf<Run>()
  })

  test('a streamed create that gets JSON instead of SSE fails with UnexpectedContentTypeError', async () => {
    const { client } = setup([json(run())])
    const stream = await client.runs.createThreadAndRun({ assistant_id: 'asst_1', stream: true })
    await expect(stream.finalRun()).rejects.toBeInstanceOf(UnexpectedContentTypeError)
  })

  test('a streamed create is not retried after a connection error (T8: it may have started a run)', async () => {
    const { client, calls } = setup([new TypeError('socket hang up'), sse()])
    await expect(
      client.runs.create({ threadId: 'thread_1' }, { assistant_id: 'asst_1', stream: true }),
    ).rejects.toBeInstanceOf(ConnectionError)
    expect(calls).toHaveLength(1)
  })

  test('a streamed create is retried after a 429 (the server did nothing)', async () => {
    const { client, calls } = setup([
      json({ error: { message: 'slow down', type: 'requests', param: null, code: null } }, 429),
      sse(['thread.run.completed', run({ status: 'completed' })], ['done', '[DONE]']),
    ])
    const stream = await client.runs.create(
      { threadId: 'thread_1' },
      { assistant_id: 'asst_1', stream: true },
    )
    expect((await stream.finalRun()).status).toBe('completed')
    expect(calls).toHaveLength(2)
  })

  test('a non-streamed thread-and-run create is not retried after a 500', async () => {
    const { client, calls } = setup([
      json({ error: { message: 'boom', type: 'server_error', param: null, code: null } }, 500),
    ])
    await expect(client.runs.createThreadAndRun({ assistant_id: 'asst_1' })).rejects.toBeInstanceOf(
      InternalServerError,
    )
    expect(calls).toHaveLength(1)
  })
})

describe('T8 a lost create-run response', () => {
  const list = (...runs: Run[]) =>
    json({ object: 'list', data: runs, first_id: null, last_id: null, has_more: false })
  const now = () => Math.floor(Date.now() / 1000)

  test('a run the lost attempt created (already finished) is found by listing runs: no second POST', async () => {
    const { client, calls } = setup([
      new TypeError('socket hang up'),
      list(run({ id: 'run_7', status: 'completed', created_at: now() })),
    ])
    const created = await client.runs.create({ threadId: 'thread_1' }, { assistant_id: 'asst_1' })
    expect(created.id).toBe('run_7')
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /threads/thread_1/runs',
      'GET /threads/thread_1/runs?limit=1&order=desc',
    ])
  })

  test('when the listing shows no new run, the create is retried', async () => {
    const { client, calls } = setup([
      new TypeError('socket hang up'),
      list(run({ id: 'run_old', status: 'completed', created_at: now() - 3600 })),
      json(run({ id: 'run_new' })),
    ])
    const created = await client.runs.create({ threadId: 'thread_1' }, { assistant_id: 'asst_1' })
    expect(created.id).toBe('run_new')
    expect(calls.filter((call) => call.method === 'POST')).toHaveLength(2)
  })

  test('the retry meets "already has an active run" and adopts that run: one run, no error', async () => {
    const { client, calls } = setup([
      new TypeError('socket hang up'),
      new TypeError('listing failed too'),
      badRequest('Thread thread_1 already has an active run run_9.'),
      list(run({ id: 'run_9' })),
    ])
    const created = await client.runs.create({ threadId: 'thread_1' }, { assistant_id: 'asst_1' })
    expect(created.id).toBe('run_9')
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      'POST /threads/thread_1/runs',
      'GET /threads/thread_1/runs?limit=1&order=desc',
      'POST /threads/thread_1/runs',
      'GET /threads/thread_1/runs?limit=20&order=desc',
    ])
  })

  test('without a lost first attempt, an active run is an ActiveRunError naming thread and run', async () => {
    const { client, calls } = setup([badRequest('Thread thread_1 already has an active run run_9.')])
    const error = await client.runs
      .create({ threadId: 'thread_1' }, { assistant_id: 'asst_1' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ActiveRunError)
    expect(error).toMatchObject({ threadId: 'thread_1', runId: 'run_9' })
    expect(calls).toHaveLength(1)
  })

  test("another assistant's run is never adopted", async () => {
    const other = run({ id: 'run_9', assistant_id: 'asst_other', created_at: now() })
    const { client } = setup([
      new TypeError('socket hang up'),
      list(other),
      badRequest('Thread thread_1 already has an active run run_9.'),
      list(other),
    ])
    await expect(
      client.runs.create({ threadId: 'thread_1' }, { assistant_id: 'asst_1' }),
    ).rejects.toBeInstanceOf(ActiveRunError)
  })

  test('a lost tool-output submit that the server accepted returns the run instead of an error', async () => {
    const { client } = setup([
      new TypeError('socket hang up'),
      badRequest('Runs in status "queued" do not accept tool outputs.'),
      json(run({ status: 'in_progress' })),
    ])
    const result = await client.runs.submitToolOutputs(ids, {
      tool_outputs: [{ tool_call_id: 'c', output: '1' }],
    })
    expect(result.status).toBe('in_progress')
  })

  test('a submit to an expired run is a RunExpiredError, even after a lost attempt', async () => {
    const { client, calls } = setup([
      new TypeError('socket hang up'),
      badRequest('Runs in status "expired" do not accept tool outputs.'),
    ])
    await expect(client.runs.submitToolOutputs(ids, { tool_outputs: [] })).rejects.toBeInstanceOf(
      RunExpiredError,
    )
    expect(calls).toHaveLength(2)
  })

  test('a retried cancel that finds the run already cancelling returns the run', async () => {
    const { client } = setup([
      new TypeError('socket hang up'),
      badRequest("Cannot cancel run with status 'cancelling'."),
      json(run({ status: 'cancelling' })),
    ])
    await expect(client.runs.cancel(ids)).resolves.toMatchObject({ status: 'cancelling' })
  })

  test('cancelling a finished run is a CannotCancelRunError carrying its status', async () => {
    const { client } = setup([badRequest("Cannot cancel run with status 'completed'.")])
    await expect(client.runs.cancel(ids)).rejects.toSatisfy(
      (error) => error instanceof CannotCancelRunError && error.runStatus === 'completed',
    )
  })
})
