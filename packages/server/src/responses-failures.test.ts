// The Responses adapter when things go wrong, through the real engine: incomplete and failed responses, error events,
// HTTP errors, cut streams, cancel aborting the upstream call, the previous_response_not_found fallback, the key kept
// out of last_error; and the Responses test server's own checks and event shapes.
import { afterEach, describe, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import { createManualClock } from './clock.ts'
import { createResponsesModel, type ResponsesModelOptions } from './responses.ts'
import {
  createResponsesTestServer,
  functionCallsTurn,
  httpErrorTurn,
  interruptedTurn,
  type ResponsesTestServer,
  textTurn,
} from './testing.ts'

type Harness = ReturnType<typeof createTestServer> & { upstream: ResponsesTestServer; assistantId: string }
const harnesses: Harness[] = []

afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
})

async function setup(
  model: Partial<ResponsesModelOptions> = {},
  server: Parameters<typeof createTestServer>[0] = {},
): Promise<Harness> {
  const upstream = createResponsesTestServer({ apiKey: 'sk-upstream' })
  const harness = createTestServer({
    model: createResponsesModel({
      baseURL: 'http://responses.test/v1',
      apiKey: 'sk-upstream',
      model: 'gpt-4.1',
      fetch: upstream.fetch,
      ...model,
    }),
    ...server,
  })
  const { body } = await harness.call('POST', '/assistants', {
    model: 'gpt-4o',
    tools: [
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
    ],
  })
  const result = { ...harness, upstream, assistantId: body.id as string }
  harnesses.push(result)
  return result
}

async function start(harness: Harness, text = 'hi', extra: Record<string, unknown> = {}) {
  const { body: thread } = await harness.call('POST', '/threads', {
    messages: [{ role: 'user', content: text }],
  })
  const { body: run } = await harness.call('POST', `/threads/${thread.id}/runs`, {
    assistant_id: harness.assistantId,
    ...extra,
  })
  return { threadId: thread.id as string, runId: run.id as string }
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

describe('a response that does not complete', () => {
  test('response.incomplete (max_output_tokens) → the run ends incomplete; the message is incomplete; usage kept', async () => {
    const harness = await setup()
    harness.upstream.enqueue({
      ...textTurn(['one', ' two', ' three'], { usage: { input_tokens: 7, output_tokens: 3 } }),
      end: 'incomplete',
    })
    const { threadId, runId } = await start(harness, 'count', { max_completion_tokens: 256 })
    const settled = await harness.settle(threadId, runId)
    expect(settled.status).toBe('incomplete')
    expect(settled.incomplete_details).toEqual({ reason: 'max_completion_tokens' })
    expect(settled.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 })
    expect(harness.upstream.requests[0]!.body.max_output_tokens).toBe(256)
    const last = (await harness.call('GET', `/threads/${threadId}/messages`)).body.data[0]
    expect(last.status).toBe('incomplete')
    expect(last.incomplete_details).toEqual({ reason: 'max_tokens' })
    expect(last.content[0].text.value).toBe('one two three')
  })

  test.each([
    [
      { end: 'failed', error: { code: 'rate_limit_exceeded', message: 'Slow down.' } },
      'rate_limit_exceeded',
      'The response failed: Slow down.',
    ],
    [
      { end: 'failed', error: { code: 'vector_store_timeout', message: 'Search timed out.' } },
      'server_error',
      'Search timed out.',
    ],
    [
      { end: 'error', error: { code: 'server_error', message: 'Overloaded.' } },
      'server_error',
      'The Responses stream failed: Overloaded.',
    ],
  ] as const)('%j → failed with last_error.code %s', async (ending, code, message) => {
    const harness = await setup()
    harness.upstream.enqueue({ ...textTurn('partial answer'), ...ending })
    const { threadId, runId } = await start(harness)
    const settled = await harness.settle(threadId, runId)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.code).toBe(code)
    expect(settled.last_error.message).toContain(message)
  })

  test.each([
    [429, 'rate_limit_exceeded'],
    [500, 'server_error'],
    [503, 'server_error'],
  ])('upstream HTTP %i → failed with last_error.code %s', async (status, code) => {
    const harness = await setup()
    harness.upstream.enqueue(httpErrorTurn(status))
    const { threadId, runId } = await start(harness)
    const failed = await harness.settle(threadId, runId)
    expect(failed.status).toBe('failed')
    expect(failed.last_error.code).toBe(code)
    expect(failed.last_error.message).toContain(`answered ${status}`)
    expect(failed.last_error.message).not.toContain('sk-upstream')
  })

  test('a stream cut before response.completed fails the run with a clear message; the half message is kept', async () => {
    const harness = await setup()
    // created, in_progress, item added, part added, then two deltas: cut.
    harness.upstream.enqueue(interruptedTurn(textTurn('a b c d e f'), 'cut', 6))
    const { threadId, runId } = await start(harness)
    const settled = await harness.settle(threadId, runId)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.code).toBe('server_error')
    expect(settled.last_error.message).toMatch(/stream broke off/)
    const last = (await harness.call('GET', `/threads/${threadId}/messages`)).body.data[0]
    expect(last.content[0].text.value).toBe('a b')
    expect(last.incomplete_details).toEqual({ reason: 'run_failed' })
  })

  test('a stream that ends cleanly without response.completed fails the run', async () => {
    const upstream = createResponsesTestServer()
    const harness = await setup({
      fetch: async (input, init) => {
        const response = await upstream.fetch(input, init)
        const frames = (await response.text())
          .split('\n\n')
          .filter((frame) => !frame.includes('response.completed'))
        return new Response(frames.join('\n\n'), { headers: response.headers })
      },
    })
    upstream.enqueue(textTurn('x y z'))
    const { threadId, runId } = await start(harness)
    const settled = await harness.settle(threadId, runId)
    expect(settled.status).toBe('failed')
    expect(settled.last_error.message).toBe(
      'The Responses stream was cut before the response finished (no response.completed event).',
    )
  })
})

/** A fetch that serves `upstream`'s stream without the frames `drop` matches (a server that sends fewer events). */
function dropping(upstream: ResponsesTestServer, drop: (frame: string) => boolean) {
  return async (input: string, init: RequestInit) => {
    const response = await upstream.fetch(input, init)
    const frames = (await response.text()).split('\n\n').filter((frame) => frame !== '' && !drop(frame))
    return new Response(`${frames.join('\n\n')}\n\n`, { headers: response.headers })
  }
}

describe('streams that send less than the hosted API', () => {
  test('annotations only in content_part.done, text only in output_item.done, calls without their done item', async () => {
    const upstream = createResponsesTestServer()
    const harness = await setup({
      fetch: dropping(
        upstream,
        (frame) =>
          frame.startsWith('event: response.output_text.annotation.added') ||
          (frame.startsWith('event: response.output_item.done') && frame.includes('"function_call"')),
      ),
    })
    upstream.enqueue(
      textTurn(['See', ' the', ' policy.'], {
        annotations: [
          { after: 3, annotation: { type: 'file_citation', file_id: 'file-p', filename: 'p.md', index: 15 } },
        ],
      }),
    )
    const first = await start(harness)
    await harness.settle(first.threadId, first.runId)
    const cited = (await harness.call('GET', `/threads/${first.threadId}/messages`)).body.data[0].content[0]
      .text
    expect(cited.value).toBe('See the policy.【1†p.md】')
    expect(cited.annotations).toMatchObject([{ type: 'file_citation', file_citation: { file_id: 'file-p' } }])

    upstream.enqueue(functionCallsTurn([{ name: 'get_time', arguments: '{"tz":"CET"}' }], { split: 2 }))
    const second = await start(harness)
    const waiting = await harness.settle(second.threadId, second.runId)
    expect(waiting.required_action.submit_tool_outputs.tool_calls[0].function).toEqual({
      name: 'get_time',
      arguments: '{"tz":"CET"}',
    })
  })

  test('a message without deltas still becomes the answer', async () => {
    const upstream = createResponsesTestServer()
    const harness = await setup({
      fetch: dropping(upstream, (frame) => frame.startsWith('event: response.output_text.delta')),
    })
    upstream.enqueue(textTurn('All at once.'))
    const { threadId, runId } = await start(harness)
    expect((await harness.settle(threadId, runId)).status).toBe('completed')
    const answer = (await harness.call('GET', `/threads/${threadId}/messages`)).body.data[0]
    expect(answer.content[0].text.value).toBe('All at once.')
  })

  test.each([
    ['data: not json', 'The Responses stream sent an event that is not JSON: not json'],
    ['data: 42', 'The Responses stream sent an event that is not JSON: 42'],
    ['data: null', 'The Responses stream sent an event that is not JSON: null'],
  ])('%s fails the run with a clear message', async (frame, message) => {
    const harness = await setup({
      fetch: async () => new Response(`${frame}\n\n`, { headers: { 'content-type': 'text/event-stream' } }),
    })
    const { threadId, runId } = await start(harness)
    const settled = await harness.settle(threadId, runId)
    expect(settled.status).toBe('failed')
    expect(settled.last_error).toEqual({ code: 'server_error', message })
  })
})

describe('aborting and continuing', () => {
  test('cancel aborts the streaming request (the test server sees the abort); the run ends cancelled', async () => {
    const harness = await setup()
    harness.upstream.enqueue(interruptedTurn(textTurn('never ending story'), 'hang', 6))
    const { threadId, runId } = await start(harness)
    await waitFor(
      async () =>
        (await harness.call('GET', `/threads/${threadId}/messages`)).body.data[0].content[0]?.text.value,
      (value) => value === 'never ending',
    )
    expect(harness.upstream.requests[0]!.aborted).toBe(false)
    await harness.call('POST', `/threads/${threadId}/runs/${runId}/cancel`)
    expect((await harness.settle(threadId, runId)).status).toBe('cancelled')
    await waitFor(
      async () => harness.upstream.requests[0]!.aborted,
      (aborted) => aborted,
    )
  })

  test('expiry aborts the streaming request too', async () => {
    const clock = createManualClock()
    const harness = await setup({}, { clock })
    harness.upstream.enqueue(interruptedTurn(textTurn('slow model'), 'hang', 3))
    const { threadId, runId } = await start(harness)
    await waitFor(
      async () => harness.upstream.requests.length,
      (count) => count === 1,
    )
    clock.advance(601_000)
    expect((await harness.call('GET', `/threads/${threadId}/runs/${runId}`)).body.status).toBe('expired')
    await waitFor(
      async () => harness.upstream.requests[0]!.aborted,
      (aborted) => aborted,
    )
  })

  test('previous_response_not_found → the turn resends the whole input built from the thread and the run history', async () => {
    const harness = await setup()
    harness.upstream.enqueue(
      functionCallsTurn([{ name: 'get_time', arguments: '{"tz":"UTC"}' }], { text: 'Checking.' }),
    )
    const { threadId, runId } = await start(harness, 'what time is it?')
    const waiting = await harness.settle(threadId, runId)
    const [call] = waiting.required_action.submit_tool_outputs.tool_calls
    harness.upstream.forget()
    await harness.call('POST', `/threads/${threadId}/runs/${runId}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: 'noon' }],
    })
    const done = await harness.settle(threadId, runId)
    expect(done.status).toBe('completed')
    const [, refused, resent] = harness.upstream.requests
    expect(refused!.body.previous_response_id).toBe('resp_test1')
    expect(refused!.rejected).toBe("Previous response with id 'resp_test1' not found.")
    expect(resent!.rejected).toBeNull()
    expect(resent!.body).not.toHaveProperty('previous_response_id')
    expect(resent!.body.input).toEqual([
      { role: 'user', content: 'what time is it?' },
      { role: 'assistant', content: 'Checking.' },
      { type: 'function_call', call_id: call.id, name: 'get_time', arguments: '{"tz":"UTC"}' },
      { type: 'function_call_output', call_id: call.id, output: 'noon' },
    ])
    const last = (await harness.call('GET', `/threads/${threadId}/messages`)).body.data[0]
    expect(last.content[0].text.value).toBe('Tool results: get_time returned "noon".')
  })

  test('previousResponseId: false resends the whole input on every continuation', async () => {
    const harness = await setup({ previousResponseId: false })
    harness.upstream.enqueue(functionCallsTurn([{ name: 'get_time', arguments: '{}' }]))
    const { threadId, runId } = await start(harness)
    const [call] = (await harness.settle(threadId, runId)).required_action.submit_tool_outputs.tool_calls
    await harness.call('POST', `/threads/${threadId}/runs/${runId}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: 'noon' }],
    })
    expect((await harness.settle(threadId, runId)).status).toBe('completed')
    expect(harness.upstream.requests).toHaveLength(2)
    expect(harness.upstream.requests[1]!.rejected).toBeNull()
    expect(harness.upstream.requests[1]!.body).not.toHaveProperty('previous_response_id')
  })

  test('an upstream that echoes the key in an error, an error event or a network error: last_error masks it', async () => {
    const key = 'sk-proj-0123456789abcdef0123456789abcdef'
    let mode: 'status' | 'event' | 'network' = 'status'
    const harness = await setup({
      apiKey: key,
      fetch: async () => {
        if (mode === 'status') {
          return Response.json({ error: { message: `Incorrect API key provided: ${key}.` } }, { status: 401 })
        }
        if (mode === 'network') {
          throw new TypeError(`fetch failed: https://gw.example/v1?key=${key}`)
        }
        const frame = `event: error\ndata: ${JSON.stringify({ type: 'error', code: null, message: `key ${key} over quota`, param: null, sequence_number: 0 })}\n\n`
        return new Response(frame, { headers: { 'content-type': 'text/event-stream' } })
      },
    })
    for (const next of ['status', 'event', 'network'] as const) {
      mode = next
      const { threadId, runId } = await start(harness)
      const settled = await harness.settle(threadId, runId)
      expect(settled.status, next).toBe('failed')
      expect(settled.last_error.message, next).not.toContain(key)
      expect(settled.last_error.message, next).toContain('***')
    }
  })
})

describe('the test server follows the spec', () => {
  const post = (upstream: ResponsesTestServer, body: unknown) =>
    upstream.fetch('http://responses.test/v1/responses', { method: 'POST', body: JSON.stringify(body) })

  test.each([
    [{ model: 'm', input: 'x', temprature: 1 }, 'Unrecognized request argument supplied: temprature'],
    [{ input: 'x' }, "Missing required parameter: 'model'."],
    [
      { model: 'm', input: [{ role: 'user', content: 'x', name: 'n' }] },
      "Unknown parameter: 'input[0].name'.",
    ],
    [{ model: 'm', input: [{ role: 'robot', content: 'x' }] }, "Invalid value: 'robot'."],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'u' }] }] },
      'input[0].content[0].detail',
    ],
    [
      { model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 'x' }] },
      'No tool call found for function call output with call_id c.',
    ],
    [{ model: 'm', input: 'x', temperature: '1' }, "Invalid type for 'temperature'"],
    [{ model: 'm', input: 'x', max_output_tokens: 8 }, 'integer below minimum value'],
    [
      { model: 'm', input: 'x', tools: [{ type: 'function', function: { name: 'f' } }] },
      "Unknown parameter: 'tools[0].function'.",
    ],
    [
      { model: 'm', input: 'x', tools: [{ type: 'file_search' }] },
      "Invalid type for 'tools[0].vector_store_ids'",
    ],
    [
      { model: 'm', input: 'x', tool_choice: { type: 'function', name: 'f' } },
      "Tool choice 'f' not found in 'tools' parameter.",
    ],
    [{ model: 'm', input: 'x', include: ['file_search.results'] }, "Invalid value: 'file_search.results'."],
    [
      { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } },
      "Invalid type for 'text.format.schema'",
    ],
    [
      { model: 'm', input: 'x', previous_response_id: 'resp_gone' },
      "Previous response with id 'resp_gone' not found.",
    ],
  ])('refuses %j', async (body, message) => {
    const upstream = createResponsesTestServer()
    const response = await post(upstream, body)
    expect(response.status).toBe(400)
    const { error } = await response.json()
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toContain(message)
    expect(upstream.requests[0]!.rejected).toContain(message)
  })

  test('events carry sequence_number, output_index, item_id and content_index as the spec has them', async () => {
    const upstream = createResponsesTestServer()
    upstream.enqueue(functionCallsTurn([{ name: 'f', arguments: '{"a":1}' }], { text: 'Hi there', split: 2 }))
    const response = await post(upstream, {
      model: 'm',
      input: 'x',
      stream: true,
      tools: [{ type: 'function', name: 'f', parameters: {}, strict: false }],
    })
    const frames = (await response.text()).split('\n\n').filter(Boolean)
    const events = frames.map((frame) => {
      const [name, data] = frame.split('\n')
      const event = JSON.parse(data!.replace(/^data: /, ''))
      expect(name).toBe(`event: ${event.type}`)
      return event
    })
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index))
    expect(events[0].type).toBe('response.created')
    expect(events.at(-1).type).toBe('response.completed')
    for (const event of events.filter((item) => item.type === 'response.output_text.delta')) {
      expect(event).toMatchObject({
        item_id: 'msg_resp_test1_0',
        output_index: 0,
        content_index: 0,
        logprobs: [],
      })
    }
    const argumentDeltas = events.filter((event) => event.type === 'response.function_call_arguments.delta')
    expect(argumentDeltas.map((event) => event.delta).join('')).toBe('{"a":1}')
    expect(argumentDeltas[0]).toMatchObject({ item_id: 'fc_resp_test1_1', output_index: 1 })
    expect(events.at(-1).response.output.map((item: { type: string }) => item.type)).toEqual([
      'message',
      'function_call',
    ])
    expect(events.at(-1).response.usage).toMatchObject({ input_tokens: 10, total_tokens: expect.any(Number) })
  })

  test('paths under /files and /vector_stores go to the files hook; without one they are 404', async () => {
    const seen: string[] = []
    const upstream = createResponsesTestServer({
      files: async (request) => {
        seen.push(`${request.method} ${new URL(request.url).pathname}`)
        return Response.json({ object: 'list', data: [] })
      },
    })
    expect((await upstream.fetch('http://responses.test/v1/files')).status).toBe(200)
    expect((await upstream.fetch('http://responses.test/v1/vector_stores/vs_1/files')).status).toBe(200)
    expect((await upstream.fetch('http://responses.test/v1/containers/c/files/f/content')).status).toBe(404)
    expect(seen).toEqual(['GET /v1/files', 'GET /v1/vector_stores/vs_1/files'])
    expect((await createResponsesTestServer().fetch('http://responses.test/v1/files')).status).toBe(404)
  })
})

test('an endpoint that answers JSON instead of an event stream fails the run saying so', async () => {
  const harness = await setup({
    fetch: async () => Response.json({ id: 'resp_1', object: 'response', output: [] }),
  })
  const { threadId, runId } = await start(harness)
  const settled = await harness.settle(threadId, runId)
  expect(settled.status).toBe('failed')
  expect(settled.last_error.message).toMatch(
    /^The Responses endpoint answered with JSON, not an event stream/,
  )
})

test('odd hosted items (results and outputs of the wrong shape) still make steps, not crashes', async () => {
  const frames = [
    { type: 'response.created', response: { id: 'resp_x' } },
    {
      type: 'response.output_item.done',
      item: { id: 'fs', type: 'file_search_call', results: [null, { score: 'high' }] },
    },
    {
      type: 'response.output_item.done',
      item: { id: 'ci', type: 'code_interpreter_call', code: 7, outputs: { logs: 1 } },
    },
    { type: 'response.completed', response: { id: 'resp_x' } },
  ]
  const harness = await setup({
    fetch: async () =>
      new Response(frames.map((frame) => `data: ${JSON.stringify(frame)}\n\n`).join(''), {
        headers: { 'content-type': 'text/event-stream' },
      }),
  })
  const { threadId, runId } = await start(harness)
  expect((await harness.settle(threadId, runId)).status).toBe('completed')
  const steps = (await harness.call('GET', `/threads/${threadId}/runs/${runId}/steps?order=asc`)).body.data
  expect(
    steps.map(
      (step: { step_details: { tool_calls: { type: string }[] } }) => step.step_details.tool_calls[0]!.type,
    ),
  ).toEqual(['file_search', 'code_interpreter'])
})
