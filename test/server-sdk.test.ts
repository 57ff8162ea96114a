// The official `openai` SDK (7.x, `client.beta.threads.*`) driving @oai-runs/server over real HTTP on loopback.
// Every response body and SSE frame the SDK receives goes through the contract harness (validated against the spec).
import { createManualClock, createRunsServer, demoAssistant, type RunsServer } from '@oai-runs/server'
import { type Listener, listen } from '@oai-runs/server/node'
import OpenAI from 'openai'
import type { AssistantStream } from 'openai/lib/AssistantStream'
import type { Message } from 'openai/resources/beta/threads/messages'
import type { Run } from 'openai/resources/beta/threads/runs/runs'
import type { FunctionToolCall, RunStep } from 'openai/resources/beta/threads/runs/steps'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { expectNoViolations, wrapNodeFetch } from './support/contract'

const contractFetch = wrapNodeFetch()
const ASSISTANT = 'asst_demo'
const POLL = { pollIntervalMs: 5 }

let server: RunsServer
let listener: Listener
let openai: OpenAI

function client(url: string): OpenAI {
  return new OpenAI({ baseURL: url, apiKey: 'test-key', fetch: contractFetch, maxRetries: 0 })
}

async function start(options: Parameters<typeof createRunsServer>[0]) {
  const started = createRunsServer(options)
  started.seedAssistant(demoAssistant)
  const opened = await listen(started, { port: 0 })
  return { server: started, listener: opened, openai: client(opened.url) }
}

beforeAll(async () => {
  ;({ server, listener, openai } = await start({ tokenDelayMs: 0, pollAfterMs: 5 }))
})

afterAll(async () => {
  server.close()
  await listener.close()
})

afterEach(() => expectNoViolations(contractFetch))

/** The event names a stream delivered, in order (recorded through the SDK's `event` listener). */
function recordEvents(stream: AssistantStream): string[] {
  const events: string[] = []
  stream.on('event', (event) => events.push(event.event))
  return events
}

/** Collapses runs of the same event (e.g. many `thread.message.delta`) into one entry. */
function collapse(events: string[]): string[] {
  return events.filter((event, index) => event !== events[index - 1])
}

function textOf(message: Message | undefined): string {
  const part = message?.content[0]
  return part?.type === 'text' ? part.text.value : ''
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to throw')
}

async function pollUntil(
  api: OpenAI,
  threadId: string,
  runId: string,
  done: (run: Run) => boolean,
): Promise<Run> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const run = await api.beta.threads.runs.retrieve(runId, { thread_id: threadId })
    if (done(run)) {
      return run
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`run ${runId} never reached the expected state`)
}

describe('createAndRunStream', () => {
  test('delivers the real event order, accumulated messages and the final run', async () => {
    const stream = openai.beta.threads.createAndRunStream({
      assistant_id: ASSISTANT,
      thread: { messages: [{ role: 'user', content: 'Hello over HTTP' }] },
    })
    const events = recordEvents(stream)
    const deltas: string[] = []
    stream.on('textDelta', (delta) => deltas.push(delta.value ?? ''))
    const messages = await stream.finalMessages()
    const run = await stream.finalRun()

    expect(collapse(events)).toEqual([
      'thread.created',
      'thread.run.created',
      'thread.run.queued',
      'thread.run.in_progress',
      'thread.run.step.created',
      'thread.run.step.in_progress',
      'thread.message.created',
      'thread.message.in_progress',
      'thread.message.delta',
      'thread.message.completed',
      'thread.run.step.completed',
      'thread.run.completed',
    ])
    const deltaCount = events.filter((event) => event === 'thread.message.delta').length
    expect(deltaCount).toBeGreaterThan(1)

    const expected = 'You said: "Hello over HTTP"'
    expect(messages).toHaveLength(1)
    expect(messages[0]?.role).toBe('assistant')
    expect(messages[0]?.status).toBe('completed')
    expect(textOf(messages[0])).toBe(expected)
    expect(deltas.join('')).toBe(expected)

    expect(run.status).toBe('completed')
    expect(run.assistant_id).toBe(ASSISTANT)
    expect(run.completed_at).toEqual(expect.any(Number))
    expect(run.usage?.completion_tokens).toBe(deltaCount)
    expect(run.usage?.prompt_tokens).toBeGreaterThan(0)
    expect(run.usage?.total_tokens).toBe(
      (run.usage?.prompt_tokens ?? 0) + (run.usage?.completion_tokens ?? 0),
    )

    // The server's thread holds the same reply.
    const stored = await openai.beta.threads.messages.list(run.thread_id)
    expect(stored.data.map((message) => [message.role, textOf(message)])).toEqual([
      ['assistant', expected],
      ['user', 'Hello over HTTP'],
    ])
  })
})

describe('function-call round trip', () => {
  test('requires_action with streamed arguments, then submitToolOutputsStream to completion', async () => {
    const stream = openai.beta.threads.createAndRunStream({
      assistant_id: ASSISTANT,
      thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
    })
    const events = recordEvents(stream)
    const done: FunctionToolCall[] = []
    stream.on('toolCallDone', (call) => {
      if (call.type === 'function') {
        done.push(call)
      }
    })
    const run = await stream.finalRun()

    expect(events.at(-1)).toBe('thread.run.requires_action')
    expect(events.filter((event) => event === 'thread.run.step.delta').length).toBeGreaterThan(2)
    expect(run.status).toBe('requires_action')
    const calls = run.required_action?.submit_tool_outputs.tool_calls ?? []
    expect(calls).toHaveLength(1)
    expect(calls[0]?.type).toBe('function')
    expect(calls[0]?.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' })
    // The SDK accumulated the argument deltas into its tool-call snapshot.
    expect(done).toHaveLength(1)
    expect(done[0]?.id).toBe(calls[0]?.id)
    expect(done[0]?.function.name).toBe('get_weather')
    expect(done[0]?.function.arguments).toBe('{"city":"Paris"}')

    const followUp = openai.beta.threads.runs.submitToolOutputsStream(run.id, {
      thread_id: run.thread_id,
      tool_outputs: [{ tool_call_id: calls[0]?.id ?? '', output: '18°C and sunny' }],
    })
    const followEvents = recordEvents(followUp)
    const stepsDone: RunStep[] = []
    followUp.on('runStepDone', (step) => stepsDone.push(step))
    const finalRun = await followUp.finalRun()
    const messages = await followUp.finalMessages()

    expect(followEvents[0]).toBe('thread.run.step.completed')
    expect(followEvents).not.toContain('thread.run.created')
    expect(followEvents.at(-1)).toBe('thread.run.completed')
    const toolStep = stepsDone[0]
    expect(toolStep?.type).toBe('tool_calls')
    expect(toolStep?.status).toBe('completed')
    const stepCall =
      toolStep?.step_details.type === 'tool_calls' ? toolStep.step_details.tool_calls[0] : undefined
    expect(stepCall?.type === 'function' ? stepCall.function : undefined).toEqual({
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
      output: '18°C and sunny',
    })
    expect(finalRun.id).toBe(run.id)
    expect(finalRun.status).toBe('completed')
    expect(finalRun.required_action).toBeNull()
    expect(textOf(messages[0])).toBe('Tool results: get_weather returned "18°C and sunny".')
  })

  test('parallel calls: two /tool lines, both outputs in one request', async () => {
    const stream = openai.beta.threads.createAndRunStream({
      assistant_id: ASSISTANT,
      thread: {
        messages: [
          {
            role: 'user',
            content: '/tool get_weather {"city":"Oslo"}\n/tool get_time {"timezone":"Europe/Oslo"}',
          },
        ],
      },
    })
    const done: FunctionToolCall[] = []
    stream.on('toolCallDone', (call) => {
      if (call.type === 'function') {
        done.push(call)
      }
    })
    const run = await stream.finalRun()
    expect(run.status).toBe('requires_action')
    const calls = run.required_action?.submit_tool_outputs.tool_calls ?? []
    expect(calls.map((call) => call.function)).toEqual([
      { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      { name: 'get_time', arguments: '{"timezone":"Europe/Oslo"}' },
    ])
    expect(new Set(calls.map((call) => call.id)).size).toBe(2)
    expect(done.map((call) => [call.id, call.function.name, call.function.arguments])).toEqual(
      calls.map((call) => [call.id, call.function.name, call.function.arguments]),
    )

    const followUp = openai.beta.threads.runs.submitToolOutputsStream(run.id, {
      thread_id: run.thread_id,
      tool_outputs: [
        { tool_call_id: calls[0]?.id ?? '', output: 'rain' },
        { tool_call_id: calls[1]?.id ?? '', output: '09:30' },
      ],
    })
    const finalRun = await followUp.finalRun()
    const messages = await followUp.finalMessages()
    expect(finalRun.status).toBe('completed')
    expect(textOf(messages[0])).toBe('Tool results: get_weather returned "rain"; get_time returned "09:30".')
  })
})

describe('polling helpers', () => {
  test('createAndRunPoll, runs.createAndPoll and submitToolOutputsAndPoll', async () => {
    const first = await openai.beta.threads.createAndRunPoll(
      { assistant_id: ASSISTANT, thread: { messages: [{ role: 'user', content: 'poll me' }] } },
      POLL,
    )
    expect(first.status).toBe('completed')
    expect(first.usage?.completion_tokens).toBeGreaterThan(0)

    const threadId = first.thread_id
    await openai.beta.threads.messages.create(threadId, { role: 'user', content: 'and again' })
    const second = await openai.beta.threads.runs.createAndPoll(threadId, { assistant_id: ASSISTANT }, POLL)
    expect(second.status).toBe('completed')
    expect(second.thread_id).toBe(threadId)
    expect(second.id).not.toBe(first.id)

    const third = await openai.beta.threads.runs.createAndPoll(
      threadId,
      {
        assistant_id: ASSISTANT,
        additional_messages: [{ role: 'user', content: '/tool get_time {"timezone":"UTC"}' }],
      },
      POLL,
    )
    expect(third.status).toBe('requires_action')
    const call = third.required_action?.submit_tool_outputs.tool_calls[0]
    expect(call?.function).toEqual({ name: 'get_time', arguments: '{"timezone":"UTC"}' })

    const fourth = await openai.beta.threads.runs.submitToolOutputsAndPoll(
      third.id,
      { thread_id: threadId, tool_outputs: [{ tool_call_id: call?.id ?? '', output: 'noon' }] },
      POLL,
    )
    expect(fourth.id).toBe(third.id)
    expect(fourth.status).toBe('completed')

    const messages = await openai.beta.threads.messages.list(threadId, { order: 'asc' })
    expect(messages.data.map((message) => [message.role, textOf(message)])).toEqual([
      ['user', 'poll me'],
      ['assistant', 'You said: "poll me"'],
      ['user', 'and again'],
      ['assistant', 'You said: "and again"'],
      ['user', '/tool get_time {"timezone":"UTC"}'],
      ['assistant', 'Tool results: get_time returned "noon".'],
    ])
  })
})

describe('pagination', () => {
  const count = 25
  let threadId: string
  let runIds: string[] // oldest first
  let messageIds: string[] // oldest first

  beforeAll(async () => {
    const thread = await openai.beta.threads.create()
    threadId = thread.id
    runIds = []
    for (let index = 0; index < count; index++) {
      const run = await openai.beta.threads.runs.createAndPoll(
        threadId,
        { assistant_id: ASSISTANT, additional_messages: [{ role: 'user', content: `message ${index}` }] },
        POLL,
      )
      expect(run.status).toBe('completed')
      runIds.push(run.id)
    }
    const all = await openai.beta.threads.messages.list(threadId, { order: 'asc', limit: 100 })
    messageIds = all.data.map((message) => message.id)
    expect(all.data.map(textOf).slice(0, 2)).toEqual(['message 0', 'You said: "message 0"'])
  }, 30_000)

  test('runs.list auto-paginates over every page, desc by default', async () => {
    const seen: string[] = []
    for await (const run of openai.beta.threads.runs.list(threadId, { limit: 2 })) {
      seen.push(run.id)
    }
    expect(seen).toEqual([...runIds].reverse())

    const asc: string[] = []
    for await (const run of openai.beta.threads.runs.list(threadId, { limit: 2, order: 'asc' })) {
      asc.push(run.id)
    }
    expect(asc).toEqual(runIds)
  })

  test('pages carry has_more, first_id and last_id', async () => {
    const page = await openai.beta.threads.runs.list(threadId, { limit: 10, order: 'asc' })
    expect(page.data.map((run) => run.id)).toEqual(runIds.slice(0, 10))
    expect(page.has_more).toBe(true)
    expect(page.hasNextPage()).toBe(true)
    const next = await page.getNextPage()
    expect(next.data.map((run) => run.id)).toEqual(runIds.slice(10, 20))
    const last = await next.getNextPage()
    expect(last.data.map((run) => run.id)).toEqual(runIds.slice(20))
    expect(last.has_more).toBe(false)
    expect(last.hasNextPage()).toBe(false)

    const raw = await openai.beta.threads.runs.list(threadId, { limit: 3 }).asResponse()
    const body = (await raw.json()) as { first_id: string; last_id: string; has_more: boolean }
    expect(body).toMatchObject({ first_id: runIds[24], last_id: runIds[22], has_more: true })
  })

  test('after and before cursors give the expected slices, both orders', async () => {
    const ids = async (query: OpenAI.Beta.Threads.RunListParams) =>
      (await openai.beta.threads.runs.list(threadId, query)).data.map((run) => run.id)
    const desc = [...runIds].reverse()

    expect(await ids({ order: 'asc', after: runIds[4], limit: 3 })).toEqual(runIds.slice(5, 8))
    expect(await ids({ order: 'desc', after: desc[4], limit: 3 })).toEqual(desc.slice(5, 8))
    expect(await ids({ order: 'asc', before: runIds[10], limit: 3 })).toEqual(runIds.slice(7, 10))
    expect(await ids({ order: 'desc', before: desc[10], limit: 3 })).toEqual(desc.slice(7, 10))
    expect(await ids({ order: 'asc', after: runIds[2], before: runIds[6], limit: 20 })).toEqual(
      runIds.slice(3, 6),
    )
    expect(await ids({ order: 'asc', after: runIds[24] })).toEqual([])
  })

  test('messages.list paginates the same way', async () => {
    expect(messageIds).toHaveLength(2 * count)
    const seen: string[] = []
    for await (const message of openai.beta.threads.messages.list(threadId, { limit: 7 })) {
      seen.push(message.id)
    }
    expect(seen).toEqual([...messageIds].reverse())

    const after = await openai.beta.threads.messages.list(threadId, {
      order: 'asc',
      after: messageIds[9],
      limit: 4,
    })
    expect(after.data.map((message) => message.id)).toEqual(messageIds.slice(10, 14))
    const before = await openai.beta.threads.messages.list(threadId, {
      order: 'desc',
      before: messageIds[9],
      limit: 4,
    })
    expect(before.data.map((message) => message.id)).toEqual(messageIds.slice(10, 14).reverse())
    expect(before.has_more).toBe(true)
  })
})

describe('cancel', () => {
  test('a long run goes cancelling → cancelled; cancelling a completed run is a 400', async () => {
    const slow = await start({ tokenDelayMs: 5, pollAfterMs: 5 })
    try {
      const created = await slow.openai.beta.threads.createAndRun({
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content: '/long 5000' }] },
      })
      await pollUntil(slow.openai, created.thread_id, created.id, (run) => run.status === 'in_progress')
      const cancelling = await slow.openai.beta.threads.runs.cancel(created.id, {
        thread_id: created.thread_id,
      })
      expect(cancelling.id).toBe(created.id)
      expect(cancelling.status).toBe('cancelling')
      const cancelled = await slow.openai.beta.threads.runs.poll(
        created.id,
        { thread_id: created.thread_id },
        POLL,
      )
      expect(cancelled.status).toBe('cancelled')
      expect(cancelled.cancelled_at).toEqual(expect.any(Number))
      expect(cancelled.completed_at).toBeNull()

      const completed = await slow.openai.beta.threads.createAndRunPoll(
        { assistant_id: ASSISTANT, thread: { messages: [{ role: 'user', content: 'quick' }] } },
        POLL,
      )
      expect(completed.status).toBe('completed')
      const error = await caught(
        slow.openai.beta.threads.runs.cancel(completed.id, { thread_id: completed.thread_id }),
      )
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      const apiError = error as InstanceType<typeof OpenAI.BadRequestError>
      expect(apiError.status).toBe(400)
      expect(apiError.error).toMatchObject({ message: "Cannot cancel run with status 'completed'." })
      expect(apiError.message).toContain("Cannot cancel run with status 'completed'.")
    } finally {
      slow.server.close()
      await slow.listener.close()
    }
  })
})

describe('run steps with include[]', () => {
  const include: OpenAI.Beta.Threads.Runs.RunStepInclude[] = [
    'step_details.tool_calls[*].file_search.results[*].content',
  ]

  test('file_search results carry content only when asked; the citation indexes its text', async () => {
    const run = await openai.beta.threads.createAndRunPoll(
      { assistant_id: ASSISTANT, thread: { messages: [{ role: 'user', content: '/search quantum' }] } },
      POLL,
    )
    expect(run.status).toBe('completed')

    const withContent = await openai.beta.threads.runs.steps.list(run.id, {
      thread_id: run.thread_id,
      include,
    })
    // desc: the message step (newest) first, the file_search step last.
    expect(withContent.data.map((step) => step.step_details.type)).toEqual(['message_creation', 'tool_calls'])
    const searchStep = withContent.data[1]!
    const searchCall =
      searchStep.step_details.type === 'tool_calls' ? searchStep.step_details.tool_calls[0] : undefined
    expect(searchCall?.type).toBe('file_search')
    const results = searchCall?.type === 'file_search' ? (searchCall.file_search.results ?? []) : []
    expect(results.map((result) => result.file_name)).toEqual(['notes.md', 'faq.md'])
    expect(results[0]?.content?.[0]?.text).toBe('Notes on quantum: the first thing to know about quantum.')
    expect(results.every((result) => (result.content?.length ?? 0) > 0)).toBe(true)

    const without = await openai.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id })
    const plainStep = without.data.find((step) => step.id === searchStep.id)
    const plainCall =
      plainStep?.step_details.type === 'tool_calls' ? plainStep.step_details.tool_calls[0] : undefined
    const plainResults = plainCall?.type === 'file_search' ? (plainCall.file_search.results ?? []) : []
    expect(plainResults.map((result) => result.file_id)).toEqual(results.map((result) => result.file_id))
    expect(plainResults.every((result) => result.content === undefined)).toBe(true)

    const retrieved = await openai.beta.threads.runs.steps.retrieve(searchStep.id, {
      thread_id: run.thread_id,
      run_id: run.id,
      include,
    })
    expect(retrieved).toEqual(searchStep)
    const retrievedPlain = await openai.beta.threads.runs.steps.retrieve(searchStep.id, {
      thread_id: run.thread_id,
      run_id: run.id,
    })
    expect(retrievedPlain).toEqual(plainStep)

    const [reply] = (await openai.beta.threads.messages.list(run.thread_id, { limit: 1 })).data
    expect(reply?.role).toBe('assistant')
    const part = reply?.content[0]
    const text = part?.type === 'text' ? part.text : undefined
    const citation = text?.annotations.find((annotation) => annotation.type === 'file_citation')
    expect(citation?.type).toBe('file_citation')
    if (citation?.type === 'file_citation') {
      expect(citation.file_citation.file_id).toBe(results[0]?.file_id)
      expect(text?.value.slice(citation.start_index, citation.end_index)).toBe(citation.text)
      expect(citation.text).toBe('【4:0†notes.md】')
    }
  })
})

describe('runs.stream on an existing thread', () => {
  test('streamed /search and /code snapshots equal what the server stores', async () => {
    const thread = await openai.beta.threads.create()
    for (const content of ['/search quantum', '/code print(1)']) {
      const stream = openai.beta.threads.runs.stream(thread.id, {
        assistant_id: ASSISTANT,
        additional_messages: [{ role: 'user', content }],
      })
      const run = await stream.finalRun()
      const [message] = await stream.finalMessages()
      const steps = await stream.finalRunSteps()
      expect(run.status).toBe('completed')
      const stored = await openai.beta.threads.messages.retrieve(message?.id ?? '', { thread_id: thread.id })
      expect(message).toEqual(stored)
      const listed = await openai.beta.threads.runs.steps.list(run.id, { thread_id: thread.id, order: 'asc' })
      expect(steps).toEqual(listed.data)
      expect(steps.map((step) => step.type)).toEqual(['tool_calls', 'message_creation'])
    }
  })
})

describe('errors', () => {
  test('unknown thread → NotFoundError with a request id; x-request-id on success too', async () => {
    const error = await caught(openai.beta.threads.retrieve('thread_doesnotexist'))
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    const apiError = error as InstanceType<typeof OpenAI.NotFoundError>
    expect(apiError.status).toBe(404)
    expect(apiError.requestID).toMatch(/^req_[A-Za-z0-9]{24}$/)
    expect(apiError.type).toBe('invalid_request_error')
    // Successful responses carry one too.
    const { request_id } = await openai.beta.threads.create().withResponse()
    expect(request_id).toMatch(/^req_[A-Za-z0-9]{24}$/)
    expect(request_id).not.toBe(apiError.requestID)
  })

  test('a run while one is active → BadRequestError naming both ids', async () => {
    const waiting = await openai.beta.threads.createAndRunPoll(
      {
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Rome"}' }] },
      },
      POLL,
    )
    expect(waiting.status).toBe('requires_action')
    const error = await caught(
      openai.beta.threads.runs.create(waiting.thread_id, { assistant_id: ASSISTANT }),
    )
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>
    const expected = `Thread ${waiting.thread_id} already has an active run ${waiting.id}.`
    expect(apiError.error).toMatchObject({ message: expected })
    expect(apiError.message).toContain(expected)
    await openai.beta.threads.runs.cancel(waiting.id, { thread_id: waiting.thread_id })
  })

  test('an out-of-range temperature → BadRequestError with param', async () => {
    const thread = await openai.beta.threads.create()
    const error = await caught(
      openai.beta.threads.runs.create(thread.id, { assistant_id: ASSISTANT, temperature: 3 }),
    )
    expect(error).toBeInstanceOf(OpenAI.BadRequestError)
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>
    expect(apiError.param).toBe('temperature')
    expect(apiError.message).toMatch(/temperature/)
    const runs = await openai.beta.threads.runs.list(thread.id)
    expect(runs.data).toEqual([])
  })

  test('/fail rate_limit_exceeded → a failed run with last_error.code', async () => {
    const run = await openai.beta.threads.createAndRunPoll(
      {
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content: '/fail rate_limit_exceeded' }] },
      },
      POLL,
    )
    expect(run.status).toBe('failed')
    expect(run.failed_at).toEqual(expect.any(Number))
    expect(run.last_error?.code).toBe('rate_limit_exceeded')
    expect(run.last_error?.message).toContain('rate_limit_exceeded')
  })
})

describe('expiry', () => {
  test('a run waiting for tool outputs expires after 10 minutes on the server clock', async () => {
    const clock = createManualClock()
    const timed = await start({ tokenDelayMs: 0, pollAfterMs: 5, clock })
    try {
      const run = await timed.openai.beta.threads.createAndRunPoll(
        {
          assistant_id: ASSISTANT,
          thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Lima"}' }] },
        },
        POLL,
      )
      expect(run.status).toBe('requires_action')
      expect(run.expires_at).toBe(run.created_at + 600)

      clock.advance(601_000)
      const expired = await timed.openai.beta.threads.runs.retrieve(run.id, { thread_id: run.thread_id })
      expect(expired.status).toBe('expired')
      expect(expired.required_action).toBeNull()

      const callId = run.required_action?.submit_tool_outputs.tool_calls[0]?.id ?? ''
      const error = await caught(
        timed.openai.beta.threads.runs.submitToolOutputs(run.id, {
          thread_id: run.thread_id,
          tool_outputs: [{ tool_call_id: callId, output: 'too late' }],
        }),
      )
      expect(error).toBeInstanceOf(OpenAI.BadRequestError)
      const apiError = error as InstanceType<typeof OpenAI.BadRequestError>
      expect(apiError.status).toBe(400)
      expect(apiError.error).toMatchObject({
        message: 'Runs in status "expired" do not accept tool outputs.',
      })
    } finally {
      timed.server.close()
      await timed.listener.close()
    }
  })
})
