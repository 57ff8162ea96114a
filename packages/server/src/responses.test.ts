// The Responses adapter through the real engine: createRunsServer({ model: adapter }) with the adapter's fetch pointed
// at the Responses test server (no network): the request mapping, streamed text, function calls and their
// continuation. Every Runs API response is contract-checked.
import OpenAI from 'openai'
import { afterEach, describe, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import { createResponsesModel, type ResponsesModelOptions } from './responses.ts'
import {
  createResponsesTestServer,
  functionCallsTurn,
  type ResponsesTestServer,
  textTurn,
} from './testing.ts'

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}
const timeTool = { type: 'function', function: { name: 'get_time', strict: true } }

type Harness = ReturnType<typeof createTestServer> & { upstream: ResponsesTestServer; assistantId: string }
const harnesses: Harness[] = []

afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
})

async function setup(
  options: { model?: Partial<ResponsesModelOptions>; assistant?: Record<string, unknown> } = {},
): Promise<Harness> {
  const upstream = createResponsesTestServer({ apiKey: 'sk-upstream' })
  const model = createResponsesModel({
    baseURL: 'http://responses.test/v1/',
    apiKey: 'sk-upstream',
    modelMap: { 'gpt-4o': 'gpt-4.1' },
    fetch: upstream.fetch,
    ...options.model,
  })
  const harness = createTestServer({ model })
  const { body } = await harness.call('POST', '/assistants', {
    model: 'gpt-4o',
    instructions: 'You are terse.',
    tools: [weatherTool, timeTool],
    ...options.assistant,
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

describe('a run becomes a CreateResponse', () => {
  test('instructions, truncated thread, tools and tool resources, tool_choice, sampling, limits, format, metadata', async () => {
    const harness = await setup({
      assistant: {
        tools: [
          weatherTool,
          timeTool,
          {
            type: 'file_search',
            file_search: { max_num_results: 5, ranking_options: { score_threshold: 0.4 } },
          },
          { type: 'code_interpreter' },
        ],
        tool_resources: {
          file_search: { vector_store_ids: ['vs_assistant'] },
          code_interpreter: { file_ids: ['file-data.csv'] },
        },
      },
    })
    const { body: created } = await harness.call('POST', '/threads', {
      messages: [
        { role: 'user', content: 'first question' },
        { role: 'assistant', content: 'first answer' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_file', image_file: { file_id: 'file-photo' } },
          ],
          attachments: [
            { file_id: 'file-report.pdf', tools: [{ type: 'file_search' }] },
            { file_id: 'file-sheet.xlsx', tools: [{ type: 'code_interpreter' }] },
          ],
        },
      ],
      tool_resources: { file_search: { vector_store_ids: ['vs_thread'] } },
    })
    const schema = { type: 'object', properties: { answer: { type: 'string' } } }
    const { body: run } = await harness.call('POST', `/threads/${created.id}/runs`, {
      assistant_id: harness.assistantId,
      additional_instructions: 'Answer in French.',
      truncation_strategy: { type: 'last_messages', last_messages: 2 },
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 300,
      metadata: { session: 's-1' },
    })
    expect((await harness.settle(created.id, run.id)).status).toBe('completed')

    const [request] = harness.upstream.requests
    expect(request!.rejected).toBeNull()
    expect(request!.path).toBe('/v1/responses')
    expect(request!.headers.get('authorization')).toBe('Bearer sk-upstream')
    expect(request!.body).toEqual({
      model: 'gpt-4.1',
      instructions: 'You are terse.\n\nAnswer in French.',
      input: [
        { role: 'assistant', content: 'first answer' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is in these?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'input_image', file_id: 'file-photo', detail: 'auto' },
            { type: 'input_file', file_id: 'file-report.pdf' },
          ],
        },
      ],
      stream: true,
      store: true,
      tools: [
        { type: 'function', ...weatherTool.function, strict: false },
        { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} }, strict: true },
        {
          type: 'file_search',
          vector_store_ids: ['vs_assistant', 'vs_thread'],
          max_num_results: 5,
          ranking_options: { ranker: 'auto', score_threshold: 0.4 },
        },
        {
          type: 'code_interpreter',
          container: { type: 'auto', file_ids: ['file-data.csv', 'file-sheet.xlsx'] },
        },
      ],
      tool_choice: { type: 'function', name: 'get_time' },
      parallel_tool_calls: false,
      include: ['file_search_call.results', 'code_interpreter_call.outputs'],
      text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 300,
      metadata: { session: 's-1' },
    })
  })

  test('defaults stay out: no tools → no tool_choice; temperature 1 is not sent; a fixed model wins', async () => {
    const harness = await setup({ model: { model: 'gpt-5-mini' }, assistant: { tools: [] } })
    const threadId = await thread(harness, 'hi')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
    })
    expect((await harness.settle(threadId, run.id)).status).toBe('completed')
    expect(harness.upstream.requests[0]!.body).toEqual({
      model: 'gpt-5-mini',
      instructions: 'You are terse.',
      input: [{ role: 'user', content: 'hi' }],
      stream: true,
      store: true,
    })
  })

  test('file_search without any vector store is left out, and a tool_choice naming it with it', async () => {
    const harness = await setup({ assistant: { tools: [{ type: 'file_search' }] } })
    const threadId = await thread(harness, 'hi')
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
      tool_choice: { type: 'file_search' },
    })
    expect((await harness.settle(threadId, run.id)).status).toBe('completed')
    const [request] = harness.upstream.requests
    expect(request!.rejected).toBeNull()
    expect(request!.body).not.toHaveProperty('tools')
    expect(request!.body).not.toHaveProperty('tool_choice')
  })
})

describe('the streamed response becomes the Runs protocol', () => {
  test('text deltas stream as message deltas, token by token; the response usage lands on the run and step', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'Hello there')
    harness.upstream.enqueue(
      textTurn(['Bon', 'jour', ' à', ' vous', '!'], { usage: { input_tokens: 42, output_tokens: 5 } }),
    )
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
    expect((await messages(harness, threadId))[1].content[0].text.value).toBe('Bonjour à vous!')
    expect(frames.at(-1)).toEqual({ event: 'done', data: '[DONE]' })
  })

  test('parallel calls split over many deltas → requires_action with the upstream call ids → the continuation sends only function_call_output on previous_response_id', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'Weather in Paris and time in Tokyo?')
    harness.upstream.enqueue(
      functionCallsTurn(
        [
          { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
        ],
        { split: 3, interleave: true, text: 'Let me check.' },
      ),
    )
    const first = await harness.stream(`/threads/${threadId}/runs`, { assistant_id: harness.assistantId })
    const waiting = JSON.parse(
      first.frames.find((frame) => frame.event === 'thread.run.requires_action')!.data,
    )
    const calls = waiting.required_action.submit_tool_outputs.tool_calls
    expect(calls).toEqual([
      {
        id: 'call_resp_test1_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
      {
        id: 'call_resp_test1_2',
        type: 'function',
        function: { name: 'get_time', arguments: '{"timezone":"Asia/Tokyo"}' },
      },
    ])
    // The text before the calls is its own message; the argument deltas stream into the tool_calls step.
    expect((await messages(harness, threadId))[1].content[0].text.value).toBe('Let me check.')
    expect(first.frames.filter((frame) => frame.event === 'thread.run.step.delta').length).toBeGreaterThan(2)

    const second = await harness.stream(`/threads/${threadId}/runs/${waiting.id}/submit_tool_outputs`, {
      tool_outputs: [
        { tool_call_id: calls[1].id, output: '09:00' },
        { tool_call_id: calls[0].id, output: '21°C' },
      ],
    })
    expect(second.frames.some((frame) => frame.event === 'thread.run.completed')).toBe(true)
    const continuation = harness.upstream.requests[1]!
    expect(continuation.rejected).toBeNull()
    expect(continuation.body.previous_response_id).toBe('resp_test1')
    expect(continuation.body.instructions).toBe('You are terse.')
    expect(continuation.body.input).toEqual([
      { type: 'function_call_output', call_id: 'call_resp_test1_1', output: '21°C' },
      { type: 'function_call_output', call_id: 'call_resp_test1_2', output: '09:00' },
    ])
    expect((await messages(harness, threadId)).at(-1).content[0].text.value).toBe(
      'Tool results: get_weather returned "21°C"; get_time returned "09:00".',
    )
    const [, toolStep] = await steps(harness, threadId, waiting.id)
    expect(
      toolStep.step_details.tool_calls.map((call: { function: { output: string } }) => call.function.output),
    ).toEqual(['21°C', '09:00'])
  })

  test('parallel_tool_calls false keeps the first call; a call of an unknown function fails the run', async () => {
    const harness = await setup()
    const threadId = await thread(harness, 'hi')
    harness.upstream.enqueue(
      functionCallsTurn([
        { name: 'get_time', arguments: '{}' },
        { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ]),
      functionCallsTurn([{ name: 'rm_rf', arguments: '{}' }]),
    )
    const { body: run } = await harness.call('POST', `/threads/${threadId}/runs`, {
      assistant_id: harness.assistantId,
      parallel_tool_calls: false,
    })
    const waiting = await harness.settle(threadId, run.id)
    expect(
      waiting.required_action.submit_tool_outputs.tool_calls.map(
        (call: { function: { name: string } }) => call.function.name,
      ),
    ).toEqual(['get_time'])
    await harness.call('POST', `/threads/${threadId}/runs/${run.id}/cancel`)

    const other = await thread(harness, 'hi')
    const { body: second } = await harness.call('POST', `/threads/${other}/runs`, {
      assistant_id: harness.assistantId,
    })
    const failed = await harness.settle(other, second.id)
    expect(failed.status).toBe('failed')
    expect(failed.last_error.message).toContain("'rm_rf'")
  })

  test('the official openai SDK: createAndPoll, submitToolOutputsAndPoll, and a streamed run', async () => {
    const harness = await setup()
    const openai = new OpenAI({
      baseURL: 'http://runs.test/v1',
      apiKey: 'k',
      fetch: harness.fetch,
      maxRetries: 0,
    })
    const threadId = await thread(harness, 'time?')
    harness.upstream.enqueue(
      functionCallsTurn([{ name: 'get_time', arguments: '{"timezone":"UTC"}' }], { split: 2 }),
    )
    const waiting = await openai.beta.threads.runs.createAndPoll(
      threadId,
      { assistant_id: harness.assistantId },
      { pollIntervalMs: 5 },
    )
    expect(waiting.status).toBe('requires_action')
    const [call] = waiting.required_action!.submit_tool_outputs.tool_calls
    expect(call!.function).toEqual({ name: 'get_time', arguments: '{"timezone":"UTC"}' })
    const done = await openai.beta.threads.runs.submitToolOutputsAndPoll(
      waiting.id,
      { thread_id: threadId, tool_outputs: [{ tool_call_id: call!.id, output: 'noon' }] },
      { pollIntervalMs: 5 },
    )
    expect(done.status).toBe('completed')

    harness.upstream.enqueue(textTurn('Streaming through the SDK.'))
    await openai.beta.threads.messages.create(threadId, { role: 'user', content: 'again' })
    const stream = openai.beta.threads.runs.stream(threadId, { assistant_id: harness.assistantId })
    const pieces: string[] = []
    stream.on('textDelta', (delta) => pieces.push(delta.value ?? ''))
    const final = await stream.finalRun()
    expect(final.status).toBe('completed')
    expect(pieces.join('')).toBe('Streaming through the SDK.')
    expect(pieces.length).toBe(4)
  })
})
