// Streaming: event sequences, headers, include[], disconnects, and the stream faults of checklist E2.
import { afterEach, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer, parseFrames } from '../../../test/support/server-harness.ts'

const servers: ReturnType<typeof createTestServer>[] = []
function setup(options: Parameters<typeof createTestServer>[0] = {}) {
  const harness = createTestServer(options)
  servers.push(harness)
  return harness
}
afterEach(() => {
  for (const harness of servers.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
})

const names = (frames: { event: string }[]) => frames.map((frame) => frame.event)
const squash = (events: string[]) => events.filter((event, index) => event !== events[index - 1])

test('create thread and run streams the real event sequence and ends with done', async () => {
  const harness = setup()
  const { response, frames } = await harness.stream('/threads/runs', {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: 'Stream me' }] },
  })
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
  expect(response.headers.get('cache-control')).toContain('no-cache')
  expect(response.headers.get('x-accel-buffering')).toBe('no')
  expect(squash(names(frames))).toEqual([
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
    'done',
  ])
  expect(frames.at(-1)?.data).toBe('[DONE]')
  const text = frames
    .filter((frame) => frame.event === 'thread.message.delta')
    .map((frame) => JSON.parse(frame.data).delta.content[0].text.value)
    .join('')
  expect(text).toBe('You said: "Stream me"')
  const completed = JSON.parse(frames.find((frame) => frame.event === 'thread.message.completed')!.data)
  expect(completed.content[0].text.value).toBe(text)
})

test('a function call streams its arguments as step deltas and the stream ends at requires_action', async () => {
  const harness = setup()
  const { frames } = await harness.stream('/threads/runs', {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris","unit":"celsius"}' }] },
  })
  expect(squash(names(frames)).slice(-4)).toEqual([
    'thread.run.step.in_progress',
    'thread.run.step.delta',
    'thread.run.requires_action',
    'done',
  ])
  const deltas = frames
    .filter((frame) => frame.event === 'thread.run.step.delta')
    .map((frame) => JSON.parse(frame.data).delta.step_details.tool_calls[0])
  expect(deltas[0]).toMatchObject({
    index: 0,
    type: 'function',
    function: { name: 'get_weather', arguments: '' },
  })
  expect(deltas.length).toBeGreaterThan(2)
  const args = deltas.map((delta) => delta.function.arguments).join('')
  expect(args).toBe('{"city":"Paris","unit":"celsius"}')
  const run = JSON.parse(frames.find((frame) => frame.event === 'thread.run.requires_action')!.data)
  expect(run.required_action.submit_tool_outputs.tool_calls[0]).toEqual({
    id: deltas[0].id,
    type: 'function',
    function: { name: 'get_weather', arguments: args },
  })
  // The continuation: a new stream that starts with the completed tool step, and no thread.run.created.
  const next = await harness.stream(`/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: deltas[0].id, output: '{"temp":21}' }],
  })
  expect(squash(names(next.frames)).slice(0, 4)).toEqual([
    'thread.run.step.completed',
    'thread.run.queued',
    'thread.run.in_progress',
    'thread.run.step.created',
  ])
  expect(names(next.frames)).not.toContain('thread.run.created')
  const step = JSON.parse(next.frames[0]!.data)
  expect(step.step_details.tool_calls[0].function.output).toBe('{"temp":21}')
  expect(names(next.frames).at(-2)).toBe('thread.run.completed')
})

test('a bad streamed submit is a 400 before any stream opens', async () => {
  const harness = setup()
  const { frames } = await harness.stream('/threads/runs', {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: '/tool get_weather {}' }] },
  })
  const run = JSON.parse(frames.find((frame) => frame.event === 'thread.run.requires_action')!.data)
  const response = await harness.call(
    'POST',
    `/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`,
    {
      tool_outputs: [{ tool_call_id: 'call_wrong', output: 'x' }],
      stream: true,
    },
  )
  expect(response.status).toBe(400)
  expect(response.body.error.message).toMatch(/^Expected tool outputs for call_ids/)
})

test('code interpreter: input streams as deltas, logs arrive as an output, then the reply', async () => {
  const harness = setup()
  const { frames } = await harness.stream('/threads/runs', {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: '/code print(6 * 7)\nprint("done")' }] },
  })
  const completedSteps = frames
    .filter((frame) => frame.event === 'thread.run.step.completed')
    .map((frame) => JSON.parse(frame.data))
  const toolStep = completedSteps.find((step) => step.type === 'tool_calls')
  expect(toolStep.step_details.tool_calls[0]).toMatchObject({
    type: 'code_interpreter',
    code_interpreter: { input: 'print(6 * 7)\nprint("done")', outputs: [{ type: 'logs' }] },
  })
  const inputs = frames
    .filter((frame) => frame.event === 'thread.run.step.delta')
    .map((frame) => JSON.parse(frame.data).delta.step_details.tool_calls[0].code_interpreter.input ?? '')
    .join('')
  expect(inputs).toBe('print(6 * 7)\nprint("done")')
  expect(completedSteps.at(-1).type).toBe('message_creation')
})

test('file search: results content only with include[]; the reply cites a file', async () => {
  const harness = setup()
  const thread = await harness.call('POST', '/threads', {
    messages: [{ role: 'user', content: '/search tides' }],
  })
  const include = 'include[]=step_details.tool_calls[*].file_search.results[*].content'
  const { frames } = await harness.stream(`/threads/${thread.body.id}/runs?${encodeURI(include)}`, {
    assistant_id: harness.assistant.id,
  })
  const step = JSON.parse(frames.find((frame) => frame.event === 'thread.run.step.completed')!.data)
  expect(step.step_details.tool_calls[0].file_search.results[0].content[0].text).toMatch(/tides/)
  const message = JSON.parse(frames.find((frame) => frame.event === 'thread.message.completed')!.data)
  const text = message.content[0].text
  expect(text.annotations).toHaveLength(1)
  const annotation = text.annotations[0]
  expect(annotation.type).toBe('file_citation')
  expect(text.value.slice(annotation.start_index, annotation.end_index)).toBe(annotation.text)
  expect(annotation.file_citation.file_id).toBe(
    step.step_details.tool_calls[0].file_search.results[0].file_id,
  )

  const runId = step.run_id
  const without = await harness.call('GET', `/threads/${thread.body.id}/runs/${runId}/steps/${step.id}`)
  expect(without.body.step_details.tool_calls[0].file_search.results[0].content).toBeUndefined()
  const withContent = await harness.call(
    'GET',
    `/threads/${thread.body.id}/runs/${runId}/steps/${step.id}?${include}`,
  )
  expect(withContent.body.step_details.tool_calls[0].file_search.results[0].content).toHaveLength(1)
  const bad = await harness.call('GET', `/threads/${thread.body.id}/runs/${runId}/steps?include[]=everything`)
  expect(bad.status).toBe(400)
  expect(bad.body.error.param).toBe('include[]')
})

test('a client that disconnects does not cancel the run', async () => {
  const harness = setup({ tokenDelayMs: 1 })
  const response = await harness.fetch('http://runs.test/v1/threads/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      assistant_id: harness.assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: '/long 50' }] },
    }),
  })
  const reader = response.body!.getReader()
  const first = new TextDecoder().decode((await reader.read()).value)
  const created = parseFrames(first).find((frame) => frame.event === 'thread.created')
  const threadId = JSON.parse(created!.data).id
  await reader.cancel()
  const runs = await harness.call('GET', `/threads/${threadId}/runs`)
  const run = await harness.settle(threadId, runs.body.data[0].id)
  expect(run.status).toBe('completed')
  expect(run.usage.completion_tokens).toBe(50)
  harness.fetch.violations.length = 0 // the stream was abandoned on purpose: no done frame was read
})

test('E2: an injected error frame ends the stream; the run goes on', async () => {
  const harness = setup({ faults: [{ operation: 'createThreadAndRun', stream: { errorAfterEvents: 3 } }] })
  const { frames } = await harness.stream('/threads/runs', {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: 'hello' }] },
  })
  expect(names(frames)).toEqual(['thread.created', 'thread.run.created', 'thread.run.queued', 'error'])
  expect(JSON.parse(frames[3]!.data)).toMatchObject({ code: 'server_error', type: 'server_error' })
  const threadId = JSON.parse(frames[0]!.data).id
  const runId = JSON.parse(frames[1]!.data).id
  expect((await harness.settle(threadId, runId)).status).toBe('completed')
  harness.fetch.violations.length = 0 // a stream without done is what the fault makes
})

test('E2: a cut mid-event leaves a frame without its blank line; a missing done is just absent', async () => {
  const harness = setup({
    faults: [
      { operation: 'createThreadAndRun', stream: { cutAfterEvents: 2 } },
      { operation: 'createThreadAndRun', stream: { omitDone: true } },
    ],
  })
  const body = {
    assistant_id: harness.assistant.id,
    thread: { messages: [{ role: 'user', content: 'hello' }] },
  }
  const cut = await harness.stream('/threads/runs', body)
  expect(cut.raw.endsWith('\n\n')).toBe(false)
  expect(cut.raw.split('\n\n')).toHaveLength(3)
  expect(cut.raw.split('\n\n')[2]).toMatch(/^event: thread\.run\.queued\ndata: \{/)
  const noDone = await harness.stream('/threads/runs', body)
  expect(names(noDone.frames).at(-1)).toBe('thread.run.completed')
  expect(harness.fetch.violations.map((violation) => violation.errors.join(' '))).not.toHaveLength(0)
  harness.fetch.violations.length = 0
})

test('E2: a stall holds the stream after N events; other requests are still served', async () => {
  const harness = setup({
    faults: [{ operation: 'createThreadAndRun', stream: { stallAfterEvents: 2, stallMs: 60_000 } }],
  })
  const response = await harness.fetch('http://runs.test/v1/threads/runs', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      assistant_id: harness.assistant.id,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'hello' }] },
    }),
  })
  const reader = response.body!.getReader()
  let received = ''
  while (parseFrames(received).length < 2) {
    received += new TextDecoder().decode((await reader.read()).value)
  }
  const pending = reader.read()
  const winner = await Promise.race([
    pending.then(() => 'data'),
    new Promise((resolve) => setTimeout(resolve, 150, 'stalled')),
  ])
  expect(winner).toBe('stalled')
  const threadId = JSON.parse(parseFrames(received)[0]!.data).id
  expect((await harness.call('GET', `/threads/${threadId}`)).status).toBe(200)
  await reader.cancel()
  harness.fetch.violations.length = 0
})

test('E1: injected statuses carry retry headers, count down, and leave other routes alone', async () => {
  const harness = setup({
    faults: [
      { operation: 'createThread', status: 429, retryAfter: '2', times: 2 },
      { operation: 'getThread', status: 429, retryAfterMs: 150 },
      { operation: 'listRuns', status: 429, code: 'insufficient_quota' },
      { operation: 'createMessage', status: 503, shouldRetry: false },
      { operation: 'getAssistant', status: 409 },
    ],
  })
  const first = await harness.call('POST', '/threads', {})
  expect(first.status).toBe(429)
  expect(first.headers.get('retry-after')).toBe('2')
  expect(first.body.error).toMatchObject({ type: 'requests', code: null })
  expect((await harness.call('POST', '/threads', {})).status).toBe(429)
  const third = await harness.call('POST', '/threads', {})
  expect(third.status).toBe(200)
  const thread = third.body.id
  const limited = await harness.call('GET', `/threads/${thread}`)
  expect(limited.headers.get('retry-after-ms')).toBe('150')
  expect((await harness.call('GET', `/threads/${thread}`)).status).toBe(200)
  const quota = await harness.call('GET', `/threads/${thread}/runs`)
  expect(quota.body.error).toMatchObject({ code: 'insufficient_quota', type: 'insufficient_quota' })
  const overloaded = await harness.call('POST', `/threads/${thread}/messages`, { role: 'user', content: 'x' })
  expect(overloaded.status).toBe(503)
  expect(overloaded.headers.get('x-should-retry')).toBe('false')
  expect((await harness.call('GET', `/assistants/${harness.assistant.id}`)).status).toBe(409)
  expect(harness.server.faults.list()).toEqual([])
})

test('E2: a delay before headers holds the response; faults can be added while the server runs', async () => {
  const harness = setup()
  const remove = harness.server.faults.add({ operation: 'listAssistants', delayMs: 80, times: 5 })
  const started = performance.now()
  expect((await harness.call('GET', '/assistants')).status).toBe(200)
  expect(performance.now() - started).toBeGreaterThanOrEqual(70)
  remove()
  expect(harness.server.faults.list()).toEqual([])
})

test('auth: open by default; with keys, 401 without or with a wrong key, never echoing it', async () => {
  expect((await setup().call('GET', '/assistants')).status).toBe(200)
  const harness = setup({ apiKeys: ['sk-test-right'] })
  const none = await harness.call('GET', '/assistants')
  expect(none.status).toBe(401)
  expect(none.body.error.message).toMatch(/You didn't provide an API key/)
  const wrong = await harness.call('GET', '/assistants', undefined, {
    authorization: 'Bearer sk-test-wrong-secret',
  })
  expect(wrong.status).toBe(401)
  expect(JSON.stringify(wrong.body)).not.toContain('sk-test-wrong')
  expect(wrong.body.error.code).toBe('invalid_api_key')
  const right = await harness.call('GET', '/assistants', undefined, { authorization: 'Bearer sk-test-right' })
  expect(right.status).toBe(200)
  const azure = await harness.call('GET', '/assistants', undefined, { 'api-key': 'sk-test-right' })
  expect(azure.status).toBe(200)
})

test('beta header: accepted by default, required when asked', async () => {
  const open = setup()
  expect((await open.call('GET', '/assistants', undefined, { 'openai-beta': 'assistants=v2' })).status).toBe(
    200,
  )
  const strict = setup({ requireBetaHeader: true })
  const missing = await strict.call('GET', '/assistants')
  expect(missing.status).toBe(400)
  expect(missing.body.error.message).toMatch(/OpenAI-Beta: assistants=v2/)
  expect(
    (await strict.call('GET', '/assistants', undefined, { 'openai-beta': 'assistants=v1' })).body.error
      .message,
  ).toMatch(/v1 Assistants API has been deprecated/)
  expect(
    (await strict.call('GET', '/assistants', undefined, { 'openai-beta': 'assistants=v2' })).status,
  ).toBe(200)
})

test('malformed JSON bodies and bad list queries answer 400', async () => {
  const harness = setup()
  const broken = await harness.call('POST', '/threads', '{"messages": [')
  expect(broken.status).toBe(400)
  expect(broken.body.error.message).toMatch(/could not parse the JSON body/)
  const array = await harness.call('POST', '/threads', '[]')
  expect(array.status).toBe(400)
  for (const query of ['limit=0', 'limit=101', 'limit=abc', 'order=up']) {
    const response = await harness.call('GET', `/assistants?${query}`)
    expect(response.status).toBe(400)
  }
})
