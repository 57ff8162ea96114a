// The Chat Completions adapter through the real engine: createRunsServer({ model: adapter }) with the adapter's
// fetch pointed at the Chat Completions test server (no network). Every Runs API response is contract-checked.
import { afterEach, describe, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import { type ChatCompletionsModelOptions, createChatCompletionsModel } from './chat-completions.ts'
import { createManualClock } from './clock.ts'
import {
  type ChatCompletionsTestServer,
  createChatCompletionsTestServer,
  cutReply,
  errorReply,
  hangReply,
  streamErrorReply,
  textReply,
  toolCallsReply,
} from './testing/chat-completions-server.ts'

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}
const timeTool = {
  type: 'function',
  function: {
    name: 'get_time',
    parameters: { type: 'object', properties: { timezone: { type: 'string' } } },
  },
}

type Harness = ReturnType<typeof createTestServer> & {
  upstream: ChatCompletionsTestServer
  assistantId: string
}
const harnesses: Harness[] = []

afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
})

async function setup(
  options: {
    model?: Partial<ChatCompletionsModelOptions>
    server?: Parameters<typeof createTestServer>[0]
    tools?: unknown[]
    chunkDelayMs?: number
  } = {},
): Promise<Harness> {
  const upstream = createChatCompletionsTestServer({
    apiKey: 'sk-upstream',
    chunkDelayMs: options.chunkDelayMs ?? 0,
  })
  const model = createChatCompletionsModel({
    baseURL: 'http://chat.test/v1/',
    apiKey: 'sk-upstream',
    modelMap: { 'gpt-4o': 'upstream-large' },
    fetch: upstream.fetch,
    ...options.model,
  })
  const harness = createTestServer({ model, ...options.server })
  const { body } = await harness.call('POST', '/assistants', {
    model: 'gpt-4o',
    instructions: 'You are terse.',
    tools: options.tools ?? [weatherTool, timeTool],
  })
  const result = { ...harness, upstream, assistantId: body.id as string }
  harnesses.push(result)
  return result
}

async function thread(harness: Harness, ...contents: string[]) {
  const { body } = await harness.call('POST', '/threads', {
    messages: contents.map((content, index) => ({ role: index % 2 === 0 ? 'user' : 'assistant', content })),
  })
  return body.id as string
}

async function messages(harness: Harness, threadId: string) {
  return (await harness.call('GET', `/threads/${threadId}/messages?order=asc`)).body.data
}

async function steps(harness: Harness, threadId: string, runId: string) {
  return (await harness.call('GET', `/threads/${threadId}/runs/${runId}/steps?order=asc`)).body.data
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = await read()
    if (done(value)) {
      return value
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  throw new Error('condition not reached')
}

describe('a run becomes a chat request', () => {
  test('instructions + additional_instructions, truncated thread, tools, tool_choice, sampling and limits', async () => {
    const harness = await setup()
    const threadId = await thread(
      harness,
      'first question',
      'first answer',
      'second question',
      'second answer',
    )
    await harness.call('POST', `/threads/${threadId}/messages`, { role: 'user', content: 'third question' })
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
      additional_instructions: 'Answer in French.',
      truncation_strategy: { type: 'last_messages', last_messages: 2 },
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 300,
    })
    expect((await harness.settle(threadId, run.id)).status).toBe('completed')

    const [request] = harness.upstream.requests
    expect(request!.rejected).toBeNull()
    expect(request!.headers.get('authorization')).toBe('Bearer sk-upstream')
    expect(request!.body).toEqual({
      model: 'upstream-large',
      messages: [
        { role: 'system', content: 'You are terse.\n\nAnswer in French.' },
        { role: 'assistant', content: 'second answer' },
        { role: 'user', content: 'third question' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      tools: [
        { type: 'function', function: weatherTool.function },
        { type: 'function', function: timeTool.function },
      ],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_object' },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 300,
    })
  })

  test('a fixed `model` wins over the map; no tools → no tool_choice or parallel_tool_calls (the API refuses them)', async () => {
    const harness = await setup({ model: { model: 'llama3.1:8b' }, tools: [] })
    const threadId = await thread(harness, 'hi')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    expect((await harness.settle(threadId, run.id)).status).toBe('completed')
    const body = harness.upstream.requests[0]!.body
    expect(body.model).toBe('llama3.1:8b')
    expect(body).not.toHaveProperty('tools')
    expect(body).not.toHaveProperty('tool_choice')
    expect(body).not.toHaveProperty('parallel_tool_calls')
    expect(harness.upstream.requests[0]!.rejected).toBeNull()
  })
})

describe('the streamed completion becomes the Runs protocol', () => {
  test('text deltas stream as message deltas; upstream usage lands on the run and its step', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'Hello there')
    harness.upstream.enqueue(textReply(['Bon', 'jour', ' à', ' vous', '!'], { promptTokens: 42 }))
    const { frames } = await harness.stream(`/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const deltas = frames
      .filter((frame) => frame.event === 'thread.message.delta')
      .map((frame) => JSON.parse(frame.data).delta.content[0].text.value)
    expect(deltas).toEqual(['Bon', 'jour', ' à', ' vous', '!'])
    const completed = JSON.parse(frames.find((frame) => frame.event === 'thread.run.completed')!.data)
    expect(completed.usage).toEqual({ prompt_tokens: 42, completion_tokens: 5, total_tokens: 47 })
    const [step] = await steps(harness, threadId, completed.id)
    expect(step.usage).toEqual({ prompt_tokens: 42, completion_tokens: 5, total_tokens: 47 })
    const thread_ = await messages(harness, threadId)
    expect(thread_[1].content[0].text.value).toBe('Bonjour à vous!')
    expect(frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' })
  })

  test('parallel tool calls split across chunks → requires_action → submit → the continuation carries the calls', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'Weather in Paris and time in Tokyo?')
    harness.upstream.enqueue(
      toolCallsReply(
        [
          { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
        ],
        { split: 3, interleave: true },
      ),
    )
    const first = await harness.stream(`/threads/${threadId}/runs`, { assistant_id: harness.assistantId })
    const waiting = JSON.parse(
      first.frames.find((frame) => frame.event === 'thread.run.requires_action')!.data,
    )
    const calls = waiting.required_action.submit_tool_outputs.tool_calls
    expect(calls.map((call: { function: unknown }) => call.function)).toEqual([
      { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
    ])
    const argumentDeltas = first.frames.filter((frame) => frame.event === 'thread.run.step.delta')
    expect(argumentDeltas.length).toBeGreaterThan(2)

    const second = await harness.stream(`/threads/${threadId}/runs/${waiting.id}/submit_tool_outputs`, {
      tool_outputs: [
        { tool_call_id: calls[1].id, output: '09:00' },
        { tool_call_id: calls[0].id, output: '21°C' },
      ],
    })
    const done = JSON.parse(second.frames.find((frame) => frame.event === 'thread.run.completed')!.data)
    expect(done.status).toBe('completed')

    const continuation = harness.upstream.requests[1]!
    expect(continuation.rejected).toBeNull()
    expect((continuation.body.messages as unknown[]).slice(-3)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: calls[0].id, type: 'function', function: calls[0].function },
          { id: calls[1].id, type: 'function', function: calls[1].function },
        ],
      },
      { role: 'tool', tool_call_id: calls[0].id, content: '21°C' },
      { role: 'tool', tool_call_id: calls[1].id, content: '09:00' },
    ])
    const all = await messages(harness, threadId)
    expect(all.at(-1).content[0].text.value).toBe(
      'Tool results: get_weather returned "21°C"; get_time returned "09:00".',
    )
    const [toolStep, messageStep] = await steps(harness, threadId, waiting.id)
    expect(
      toolStep.step_details.tool_calls.map((call: { function: { output: string } }) => call.function.output),
    ).toEqual(['21°C', '09:00'])
    expect(toolStep.usage.completion_tokens).toBeGreaterThan(0)
    expect(messageStep.step_details.message_creation.message_id).toBe(all.at(-1).id)
    // Usage of both turns adds up on the run.
    expect(done.usage.completion_tokens).toBe(
      toolStep.usage.completion_tokens + messageStep.usage.completion_tokens,
    )
  })

  test('two rounds of tool calls in one run: the third request replays both rounds in order', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'plan my day')
    harness.upstream.enqueue(
      toolCallsReply([{ name: 'get_time', arguments: '{"timezone":"UTC"}' }]),
      toolCallsReply([{ name: 'get_weather', arguments: '{"city":"Oslo"}' }]),
      textReply('Done.'),
    )
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    let current = await harness.settle(threadId, run.id)
    for (const output of ['noon', 'snow']) {
      expect(current.status).toBe('requires_action')
      const [call] = current.required_action.submit_tool_outputs.tool_calls
      await harness.call('POST', `/threads/${threadId}/runs/${run.id}/submit_tool_outputs`, {
        tool_outputs: [{ tool_call_id: call.id, output }],
      })
      current = await harness.settle(threadId, run.id)
    }
    expect(current.status).toBe('completed')
    const third = harness.upstream.requests[2]!
    expect(third.rejected).toBeNull()
    const roles = (third.body.messages as { role: string; content: unknown }[]).map((message) =>
      message.role === 'tool' ? `tool:${message.content}` : message.role,
    )
    expect(roles).toEqual(['system', 'user', 'assistant', 'tool:noon', 'assistant', 'tool:snow'])
  })

  test("finish_reason 'length' → incomplete (max_completion_tokens), the message incomplete, usage kept", async () => {
    const harness = await setup()
    const threadId = await thread(harness, '/long 50')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
      max_completion_tokens: 256,
    })
    harness.upstream.enqueue(
      textReply(['one', ' two', ' three'], { finishReason: 'length', promptTokens: 7 }),
    )
    const settled = await harness.settle(threadId, run.id)
    expect(settled.status).toBe('incomplete')
    expect(settled.incomplete_details).toEqual({ reason: 'max_completion_tokens' })
    expect(settled.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })
    const last = (await messages(harness, threadId)).at(-1)
    expect(last.status).toBe('incomplete')
    expect(last.incomplete_details).toEqual({ reason: 'max_tokens' })
    expect(last.content[0].text.value).toBe('one two three')
    const [step] = await steps(harness, threadId, run.id)
    expect(step.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })
  })

  test.each([
    [429, 'rate_limit_exceeded'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('upstream %i → failed with last_error.code %s', async (status, code) => {
    const harness = await setup()
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(errorReply(status))
    const { frames } = await harness.stream(`/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const failed = JSON.parse(frames.find((frame) => frame.event === 'thread.run.failed')!.data)
    expect(failed.last_error.code).toBe(code)
    expect(failed.last_error.message).toContain(`answered ${status}`)
    expect(failed.failed_at).toEqual(expect.any(Number))
  })

  test('a stream cut mid-answer fails the run; the half message is incomplete and its step failed', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(cutReply(textReply('a b c d e f g h'), 4))
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const settled = await harness.settle(threadId, run.id)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.code).toBe('server_error')
    expect(settled.last_error.message).toMatch(/stream (broke off|was cut)/)
    const last = (await messages(harness, threadId)).at(-1)
    expect(last.content[0].text.value).toBe('a b c')
    expect(last.incomplete_details).toEqual({ reason: 'run_failed' })
    const [step] = await steps(harness, threadId, run.id)
    expect(step.status).toBe('failed')
    expect(step.last_error.code).toBe('server_error')
  })

  test('a stream that ends without finish_reason, and an error frame mid-stream, both fail the run', async () => {
    const harness = await setup()
    const reply = textReply('x y z')
    const noFinish = reply.kind === 'stream' ? { ...reply, chunks: reply.chunks.slice(0, 3) } : reply
    for (const [scripted, pattern] of [
      [noFinish, /without a finish_reason/],
      [streamErrorReply(textReply('x y z'), 2, 'overloaded'), /stream failed: overloaded/],
    ] as const) {
      const threadId = await thread(harness, 'hi')
      harness.upstream.enqueue(scripted)
      const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
        assistant_id: harness.assistantId,
      })
      const settled = await harness.settle(threadId, run.id)
      expect(settled.status).toBe('failed')
      expect(settled.last_error.message).toMatch(pattern)
    }
  })

  test('an unreachable endpoint fails the run with server_error', async () => {
    const harness = await setup({
      model: {
        fetch: () => Promise.reject(new TypeError('fetch failed: connect ECONNREFUSED 127.0.0.1:9')),
      },
    })
    const threadId = await thread(harness, 'hi')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const settled = await harness.settle(threadId, run.id)
    expect(settled.last_error).toEqual({
      code: 'server_error',
      message: 'The model endpoint could not be reached: fetch failed: connect ECONNREFUSED 127.0.0.1:9',
    })
  })

  test('a call to a function the run does not have fails the run', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(toolCallsReply([{ name: 'rm_rf', arguments: '{}' }]))
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const settled = await harness.settle(threadId, run.id)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.message).toContain("'rm_rf'")
  })
})

/** The test server's stream, re-framed: its text rewritten by `rewrite` and re-cut at `cuts` (byte offsets). */
function reframed(upstream: ChatCompletionsTestServer, rewrite: (text: string) => string, cuts: number[]) {
  return async (input: string, init: RequestInit) => {
    const response = await upstream.fetch(input, init)
    const bytes = new TextEncoder().encode(rewrite(await response.text()))
    const chunks: Uint8Array[] = []
    let start = 0
    for (const cut of [...cuts.filter((at) => at < bytes.length), bytes.length]) {
      chunks.push(bytes.slice(start, cut))
      start = cut
    }
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) {
          controller.enqueue(chunk)
        }
        controller.close()
      },
    })
    return new Response(body, { status: response.status, headers: response.headers })
  }
}

describe('the upstream stream is read as SSE, whatever its framing', () => {
  test('CR-only line breaks, cut anywhere (also inside a blank line and before an LF), stream the same answer', async () => {
    const upstream = createChatCompletionsTestServer({ apiKey: 'sk-upstream' })
    for (const [name, rewrite] of [
      ['CR', (text: string) => text.replace(/\n/g, '\r')],
      ['CRLF', (text: string) => text.replace(/\n/g, '\r\n')],
      ['no space, a comment', (text: string) => `: ping\n${text.replace(/^data: /gm, 'data:')}`],
    ] as const) {
      const cuts = Array.from({ length: 60 }, (_, index) => index * 7 + 3)
      const harness = await setup({ model: { fetch: reframed(upstream, rewrite, cuts) } })
      const threadId = await thread(harness, 'Hello there')
      upstream.enqueue(textReply(['Bon', 'jour', ' à', ' vous', '!']))
      const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
        assistant_id: harness.assistantId,
      })
      const settled = await harness.settle(threadId, run.id)
      expect(settled.status, name).toBe('completed')
      expect((await messages(harness, threadId)).at(-1).content[0].text.value, name).toBe('Bonjour à vous!')
    }
  })

  test('an event past maxEventSize fails the run with a message that says what to raise', async () => {
    const upstream = createChatCompletionsTestServer({ apiKey: 'sk-upstream' })
    const harness = await setup({
      model: {
        maxEventSize: 4096,
        fetch: reframed(upstream, (text) => text.replace('data: ', `data: ${' '.repeat(10_000)}`), []),
      },
    })
    const threadId = await thread(harness, 'hi')
    upstream.enqueue(textReply('a b c'))
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const settled = await harness.settle(threadId, run.id)
    expect(settled.status).toBe('failed')
    expect(settled.last_error).toEqual({
      code: 'server_error',
      message: expect.stringMatching(/larger than 4096 characters; raise maxEventSize/),
    })
  })
})

describe('the key never reaches a run', () => {
  test('an upstream that echoes the key (any shape) in an error or a stream error frame: last_error masks it', async () => {
    const key = '0123456789abcdef0123456789abcdef'
    let mode: 'status' | 'frame' | 'network' = 'status'
    const harness = await setup({
      model: {
        apiKey: key,
        authHeader: 'api-key',
        fetch: async () => {
          if (mode === 'status') {
            return Response.json(
              { error: { message: `Access denied due to invalid subscription key ${key}.` } },
              { status: 401, headers: { 'x-echo': key } },
            )
          }
          if (mode === 'network') {
            throw new TypeError(`fetch failed: https://gw.example/v1?key=${key}`)
          }
          const frame = `data: ${JSON.stringify({ error: { message: `key ${key} is over quota` } })}\n\n`
          return new Response(frame, { headers: { 'content-type': 'text/event-stream' } })
        },
      },
    })
    for (const next of ['status', 'frame', 'network'] as const) {
      mode = next
      const threadId = await thread(harness, 'hi')
      const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
        assistant_id: harness.assistantId,
      })
      const settled = await harness.settle(threadId, run.id)
      expect(settled.status, next).toBe('failed')
      expect(settled.last_error.message, next).not.toContain(key)
      expect(settled.last_error.message, next).toContain('***')
    }
  })
})

describe('aborting the upstream call', () => {
  test('cancel aborts the streaming request; the run ends cancelled, not completed', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(hangReply(textReply('never ending story'), 3))
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    await waitFor(
      () => messages(harness, threadId),
      (list) => list.length === 2 && list[1].content[0]?.text.value === 'never ending',
    )
    expect(harness.upstream.requests[0]!.aborted).toBe(false)
    await harness.call('POST', `/threads/${threadId}/runs/${run.id}/cancel`)
    expect((await harness.settle(threadId, run.id)).status).toBe('cancelled')
    await waitFor(
      async () => harness.upstream.requests[0]!.aborted,
      (aborted) => aborted,
    )
    expect((await messages(harness, threadId))[1].incomplete_details).toEqual({ reason: 'run_cancelled' })
  })

  test('expiry aborts the streaming request', async () => {
    const clock = createManualClock()
    const harness = await setup({ server: { clock } })
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(hangReply(textReply('slow model'), 1))
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    await waitFor(
      async () => harness.upstream.requests.length,
      (count) => count === 1,
    )
    clock.advance(601_000)
    expect((await harness.call('GET', `/threads/${threadId}/runs/${run.id}`)).body.status).toBe('expired')
    await waitFor(
      async () => harness.upstream.requests[0]!.aborted,
      (aborted) => aborted,
    )
  })
})

describe('code_interpreter and file_search', () => {
  test('without an implementation the run is refused with a clear error and nothing is sent upstream', async () => {
    const harness = await setup({
      tools: [weatherTool, { type: 'code_interpreter' }, { type: 'file_search' }],
    })
    const threadId = await thread(harness, 'hi')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    const settled = await harness.settle(threadId, run.id)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.code).toBe('invalid_prompt')
    expect(settled.last_error.message).toMatch(/no code_interpreter or file_search implementation/)
    expect(harness.upstream.requests).toHaveLength(0)
  })

  test('a plugged-in implementation runs when the model calls it; steps record it; the model gets the result', async () => {
    const ran: string[] = []
    const harness = await setup({
      tools: [{ type: 'code_interpreter' }, { type: 'file_search', file_search: { max_num_results: 3 } }],
      model: {
        tools: {
          code_interpreter: {
            run: async ({ code }) => {
              ran.push(code)
              return { logs: '4\n' }
            },
          },
          file_search: {
            search: async ({ query, maxResults }) => [
              {
                file_id: 'file-abc',
                file_name: 'notes.md',
                score: 0.9,
                content: [{ type: 'text', text: `${query} (max ${maxResults})` }],
              },
            ],
          },
        },
      },
    })
    const threadId = await thread(harness, 'what is 2+2, and what do my notes say?')
    harness.upstream.enqueue(
      toolCallsReply([
        { name: 'code_interpreter', arguments: '{"code":"print(2+2)"}' },
        { name: 'file_search', arguments: '{"query":"notes"}' },
      ]),
      textReply('It is 4.'),
    )
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    expect((await harness.settle(threadId, run.id)).status).toBe('completed')
    expect(ran).toEqual(['print(2+2)'])
    const list = await steps(harness, threadId, run.id)
    expect(
      list.map((step: { step_details: { type: string; tool_calls?: { type: string }[] } }) =>
        step.step_details.type === 'tool_calls' ? step.step_details.tool_calls![0]!.type : 'message_creation',
      ),
    ).toEqual(['code_interpreter', 'file_search', 'message_creation'])
    expect(list[0].step_details.tool_calls[0].code_interpreter).toEqual({
      input: 'print(2+2)',
      outputs: [{ type: 'logs', logs: '4\n' }],
    })
    const second = harness.upstream.requests[1]!
    expect(second.rejected).toBeNull()
    const tools = (second.body.tools as { function: { name: string } }[]).map((tool) => tool.function.name)
    expect(tools).toEqual(['code_interpreter', 'file_search'])
    const toolMessages = (second.body.messages as { role: string; content: string }[]).filter(
      (message) => message.role === 'tool',
    )
    expect(toolMessages[0]!.content).toBe('4\n')
    expect(toolMessages[1]!.content).toContain('notes (max 3)')
  })
})

describe('the test server checks requests against the spec', () => {
  test.each([
    [{ model: 'm', messages: [], stream: true }, "Invalid 'messages': empty array"],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], temprature: 1 },
      'Unrecognized request argument supplied: temprature',
    ],
    [
      { model: 'm', messages: [{ role: 'tool', tool_call_id: 'c', content: 'x' }] },
      "role 'tool' must be a response",
    ],
    [
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        ],
      },
      'must be followed by tool messages',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' },
      "'tool_choice' is only allowed when 'tools' are specified",
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], parallel_tool_calls: true },
      "'parallel_tool_calls' is only allowed",
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      'decimal above maximum value',
    ],
    [
      { model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } },
      "only allowed when 'stream' is enabled",
    ],
    [
      {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        response_format: { type: 'json_schema', json_schema: {} },
      },
      'json_schema.name',
    ],
  ])('refuses %j', async (body, message) => {
    const upstream = createChatCompletionsTestServer()
    const response = await upstream.fetch('http://chat.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(400)
    const error = (await response.json()).error
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toContain(message)
    expect(upstream.requests[0]!.rejected).toContain(message)
  })

  test('stream chunks follow CreateChatCompletionStreamResponse; usage only with include_usage', async () => {
    const upstream = createChatCompletionsTestServer()
    const read = async (body: Record<string, unknown>) => {
      const response = await upstream.fetch('http://chat.test/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: 'hi you' }],
          stream: true,
          ...body,
        }),
      })
      return (await response.text())
        .split('\n\n')
        .filter(Boolean)
        .map((frame) => frame.replace(/^data: /, ''))
    }
    const withUsage = await read({ stream_options: { include_usage: true } })
    expect(withUsage.at(-1)).toBe('[DONE]')
    const chunks = withUsage.slice(0, -1).map((data) => JSON.parse(data))
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: expect.any(String),
        object: 'chat.completion.chunk',
        created: expect.any(Number),
        model: 'm',
      })
    }
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 2, total_tokens: expect.any(Number) },
    })
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop')
    const withoutUsage = await read({})
    expect(withoutUsage.some((data) => data.includes('"usage"'))).toBe(false)
  })
})
