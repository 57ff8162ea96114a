// Run lifecycle and the checklist's emulator cases E3–E9 (docs/reliability.md).
import { afterEach, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer, parseFrames } from '../../../test/support/server-harness.ts'
import { createManualClock } from './clock.ts'
import type { ModelOutput, RunModel } from './model.ts'

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

async function threadWith(harness: ReturnType<typeof createTestServer>, content: string) {
  const { body } = await harness.call('POST', '/threads', { messages: [{ role: 'user', content }] })
  return body.id as string
}

test('a non-streamed run is queued at once and completes in the background (GET shows progress)', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, 'Hello')
  const created = await harness.call('POST', `/threads/${threadId}/runs`, {
    assistant_id: harness.assistant.id,
  })
  expect(created.status).toBe(200)
  expect(created.body).toMatchObject({
    object: 'thread.run',
    status: 'queued',
    thread_id: threadId,
    usage: null,
  })
  expect(created.body.expires_at - created.body.created_at).toBe(600)
  const run = await harness.settle(threadId, created.body.id)
  expect(run).toMatchObject({ status: 'completed', required_action: null, last_error: null })
  expect(run.completed_at).toBeGreaterThanOrEqual(run.started_at)
  expect(run.usage.total_tokens).toBe(run.usage.prompt_tokens + run.usage.completion_tokens)
  const messages = await harness.call('GET', `/threads/${threadId}/messages?order=asc`)
  expect(messages.body.data.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant'])
  expect(messages.body.data[1].content[0].text.value).toBe('You said: "Hello"')
  expect(messages.body.data[1].run_id).toBe(run.id)
})

test('E8: GET run sends openai-poll-after-ms; every response has x-request-id', async () => {
  const harness = setup({ pollAfterMs: 250 })
  const threadId = await threadWith(harness, 'Hi')
  const created = await harness.call('POST', `/threads/${threadId}/runs`, {
    assistant_id: harness.assistant.id,
  })
  const fetched = await harness.call('GET', `/threads/${threadId}/runs/${created.body.id}`)
  expect(fetched.headers.get('openai-poll-after-ms')).toBe('250')
  const missing = await harness.call('GET', '/threads/thread_nope')
  const streamed = await harness.stream(`/threads/${threadId}/runs`, { assistant_id: 'asst_nope' })
  for (const response of [created, fetched, missing]) {
    expect(response.headers.get('x-request-id')).toMatch(/^req_\w+$/)
  }
  expect(streamed.response.headers.get('x-request-id')).toMatch(/^req_\w+$/)
  await harness.settle(threadId, created.body.id)
})

test('E8: unknown ids answer 404 with the API error body', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, 'Hi')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  await harness.settle(threadId, run.body.id)
  const cases: [string, string][] = [
    ['/threads/thread_x', "No thread found with id 'thread_x'."],
    [`/threads/${threadId}/runs/run_x`, "No run found with id 'run_x'."],
    [`/threads/${threadId}/runs/${run.body.id}/steps/step_x`, "No run step found with id 'step_x'."],
    [`/threads/${threadId}/messages/msg_x`, "No message found with id 'msg_x'."],
    ['/assistants/asst_x', "No assistant found with id 'asst_x'."],
  ]
  for (const [path, message] of cases) {
    const response = await harness.call('GET', path)
    expect(response.status).toBe(404)
    expect(response.body).toEqual({
      error: { message, type: 'invalid_request_error', param: null, code: null },
    })
  }
  const created = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: 'asst_x' })
  expect(created.status).toBe(404)
  const route = await harness.call('GET', '/nothing/here')
  expect(route.status).toBe(404)
  expect(route.body.error.message).toBe('Invalid URL (GET /v1/nothing/here)')
})

test('E7: one active run per thread, and no messages while it is active', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, '/tool get_weather {"city":"Oslo"}')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const settled = await harness.settle(threadId, run.body.id)
  expect(settled.status).toBe('requires_action')
  const second = await harness.call('POST', `/threads/${threadId}/runs`, {
    assistant_id: harness.assistant.id,
  })
  expect(second.status).toBe(400)
  expect(second.body.error.message).toBe(`Thread ${threadId} already has an active run ${run.body.id}.`)
  const message = await harness.call('POST', `/threads/${threadId}/messages`, {
    role: 'user',
    content: 'more',
  })
  expect(message.status).toBe(400)
  expect(message.body.error.message).toBe(
    `Can't add messages to ${threadId} while a run ${run.body.id} is active.`,
  )
})

test('E5: cancel of a terminal run and tool outputs to a run not waiting for them answer the real texts', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, 'Hi')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  await harness.settle(threadId, run.body.id)
  const cancel = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/cancel`)
  expect(cancel.status).toBe(400)
  expect(cancel.body.error.message).toBe("Cannot cancel run with status 'completed'.")
  const submit = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: 'call_1', output: 'x' }],
  })
  expect(submit.status).toBe(400)
  expect(submit.body.error.message).toBe('Runs in status "completed" do not accept tool outputs.')
})

test('E6: partial, unknown and duplicate tool outputs are refused and the run keeps waiting', async () => {
  const harness = setup()
  const threadId = await threadWith(
    harness,
    '/tool get_weather {"city":"Oslo"}\n/tool get_time {"timezone":"UTC"}',
  )
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const waiting = await harness.settle(threadId, run.body.id)
  const [first, second] = waiting.required_action.submit_tool_outputs.tool_calls.map(
    (call: { id: string }) => call.id,
  )
  const path = `/threads/${threadId}/runs/${run.body.id}/submit_tool_outputs`
  const partial = await harness.call('POST', path, { tool_outputs: [{ tool_call_id: first, output: '1' }] })
  expect(partial.status).toBe(400)
  expect(partial.body.error.message).toBe(
    `Expected tool outputs for call_ids ['${first}', '${second}'], got ['${first}']`,
  )
  const unknown = await harness.call('POST', path, {
    tool_outputs: [
      { tool_call_id: first, output: '1' },
      { tool_call_id: 'call_other', output: '2' },
    ],
  })
  expect(unknown.status).toBe(400)
  const duplicate = await harness.call('POST', path, {
    tool_outputs: [
      { tool_call_id: first, output: '1' },
      { tool_call_id: first, output: '2' },
    ],
  })
  expect(duplicate.status).toBe(400)
  expect((await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}`)).body.status).toBe(
    'requires_action',
  )
  const ok = await harness.call('POST', path, {
    tool_outputs: [
      { tool_call_id: second, output: '12:00' },
      { tool_call_id: first, output: 'sunny' },
    ],
  })
  expect(ok.body).toMatchObject({ status: 'queued', required_action: null })
  const done = await harness.settle(threadId, run.body.id)
  expect(done.status).toBe('completed')
  const steps = await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}/steps?order=asc`)
  const toolStep = steps.body.data[0]
  expect(toolStep.status).toBe('completed')
  expect(
    toolStep.step_details.tool_calls.map((call: { function: { output: string } }) => call.function.output),
  ).toEqual(['sunny', '12:00'])
})

test('unknown-id text is configurable, as the checklist asks for unverified texts', async () => {
  const harness = setup({ texts: { toolOutputsMismatch: (expected) => `Need ${expected.length} outputs.` } })
  const threadId = await threadWith(harness, '/tool get_weather {}')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  await harness.settle(threadId, run.body.id)
  const response = await harness.call(
    'POST',
    `/threads/${threadId}/runs/${run.body.id}/submit_tool_outputs`,
    {
      tool_outputs: [],
    },
  )
  expect(response.body.error.message).toBe('Need 1 outputs.')
})

test('E3: expires_at is created_at + 600 on the injected clock; requires_action expires on time', async () => {
  const clock = createManualClock(Date.UTC(2026, 5, 1))
  const harness = setup({ clock })
  const threadId = await threadWith(harness, '/tool get_weather {"city":"Rome"}')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  expect(run.body.created_at).toBe(Date.UTC(2026, 5, 1) / 1000)
  expect(run.body.expires_at).toBe(run.body.created_at + 600)
  expect((await harness.settle(threadId, run.body.id)).status).toBe('requires_action')
  clock.advance(599_000)
  expect((await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}`)).body.status).toBe(
    'requires_action',
  )
  clock.advance(1_000)
  const expired = await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}`)
  expect(expired.body).toMatchObject({ status: 'expired', required_action: null })
  const steps = await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}/steps`)
  expect(steps.body.data[0]).toMatchObject({ status: 'expired', expired_at: run.body.created_at + 600 })
  const submit = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: 'x', output: 'y' }],
  })
  expect(submit.body.error.message).toBe('Runs in status "expired" do not accept tool outputs.')
  // An expired run frees its thread.
  expect(
    (await harness.call('POST', `/threads/${threadId}/messages`, { role: 'user', content: 'again' })).status,
  ).toBe(200)
})

test('E4: cancel moves a running run to cancelling at once, then cancelled; its message is incomplete', async () => {
  const harness = setup({ tokenDelayMs: 2, cancelDelayMs: 20 })
  const threadId = await threadWith(harness, '/long 2000')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  for (let attempt = 0; attempt < 200; attempt++) {
    const messages = await harness.call('GET', `/threads/${threadId}/messages?run_id=${run.body.id}`)
    if (messages.body.data.length > 0) {
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  const cancel = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/cancel`)
  expect(cancel.body.status).toBe('cancelling')
  const final = await harness.settle(threadId, run.body.id)
  expect(final).toMatchObject({ status: 'cancelled', required_action: null })
  expect(final.cancelled_at).toBeGreaterThan(0)
  const messages = await harness.call('GET', `/threads/${threadId}/messages?run_id=${run.body.id}`)
  expect(messages.body.data[0]).toMatchObject({
    status: 'incomplete',
    incomplete_details: { reason: 'run_cancelled' },
  })
  const steps = await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}/steps`)
  expect(steps.body.data[0].status).toBe('cancelled')
})

test('E4: a run waiting for tool outputs can be cancelled', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, '/tool get_weather {}')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  await harness.settle(threadId, run.body.id)
  expect((await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/cancel`)).body.status).toBe(
    'cancelling',
  )
  expect((await harness.settle(threadId, run.body.id)).status).toBe('cancelled')
})

test('E4: the "cancel loses the race" fault accepts the cancel and then completes the run', async () => {
  const harness = setup({ tokenDelayMs: 1, faults: [{ operation: 'cancelRun', cancelLosesRace: true }] })
  const threadId = await threadWith(harness, '/long 30')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const cancel = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}/cancel`)
  expect(cancel.body.status).toBe('cancelling')
  const final = await harness.settle(threadId, run.body.id)
  expect(final.status).toBe('completed')
})

test('E8: a failed run carries last_error and failed_at; an incomplete run carries incomplete_details', async () => {
  const harness = setup()
  const failing = await threadWith(harness, '/fail rate_limit_exceeded')
  const run = await harness.call('POST', `/threads/${failing}/runs`, { assistant_id: harness.assistant.id })
  const failed = await harness.settle(failing, run.body.id)
  expect(failed).toMatchObject({ status: 'failed', last_error: { code: 'rate_limit_exceeded' } })
  expect(failed.last_error.message).toMatch(/rate_limit_exceeded/)
  expect(failed.failed_at).toBeGreaterThan(0)

  const long = await threadWith(harness, '/long 400')
  const limited = await harness.call('POST', `/threads/${long}/runs`, {
    assistant_id: harness.assistant.id,
    max_completion_tokens: 256,
  })
  const incomplete = await harness.settle(long, limited.body.id)
  expect(incomplete).toMatchObject({
    status: 'incomplete',
    incomplete_details: { reason: 'max_completion_tokens' },
  })
  expect(incomplete.usage.completion_tokens).toBe(256)
  const messages = await harness.call('GET', `/threads/${long}/messages?run_id=${limited.body.id}`)
  expect(messages.body.data[0]).toMatchObject({
    status: 'incomplete',
    incomplete_details: { reason: 'max_tokens' },
  })
})

test('a function the run does not have fails the run with a last_error that names it', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, '/tool launch_rocket {}')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const failed = await harness.settle(threadId, run.body.id)
  expect(failed.status).toBe('failed')
  expect(failed.last_error).toEqual({
    code: 'invalid_prompt',
    message:
      "The run has no function tool named 'launch_rocket'. Add it to the assistant's or the run's tools.",
  })
})

test('run overrides: tools, instructions, additional messages, metadata, tool_choice none', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, 'first')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, {
    assistant_id: harness.assistant.id,
    instructions: 'Base.',
    additional_instructions: 'Extra.',
    additional_messages: [{ role: 'user', content: '/tool get_weather {}' }],
    tool_choice: 'none',
    metadata: { origin: 'test' },
    temperature: 0.2,
  })
  expect(run.body).toMatchObject({
    instructions: 'Base.\n\nExtra.',
    tool_choice: 'none',
    metadata: { origin: 'test' },
    temperature: 0.2,
    parallel_tool_calls: true,
    truncation_strategy: { type: 'auto', last_messages: null },
  })
  const done = await harness.settle(threadId, run.body.id)
  expect(done.status).toBe('completed')
  const messages = await harness.call('GET', `/threads/${threadId}/messages`)
  expect(messages.body.data.map((message: { role: string }) => message.role)).toEqual([
    'assistant',
    'user',
    'user',
  ])
  expect(messages.body.data[0].content[0].text.value).toBe('You said: "/tool get_weather {}"')
})

test('modify run metadata; modify and delete thread; delete assistant', async () => {
  const harness = setup()
  const threadId = await threadWith(harness, 'Hi')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const modified = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}`, {
    metadata: { a: '1' },
  })
  expect(modified.body.metadata).toEqual({ a: '1' })
  await harness.settle(threadId, run.body.id)
  expect((await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}`)).body.metadata).toEqual({
    a: '1',
  })
  const bad = await harness.call('POST', `/threads/${threadId}/runs/${run.body.id}`, { status: 'completed' })
  expect(bad.body.error.message).toBe('Unrecognized request argument supplied: status')
  expect(
    (await harness.call('POST', `/threads/${threadId}`, { metadata: { t: 'x' } })).body.metadata,
  ).toEqual({ t: 'x' })
  expect((await harness.call('DELETE', `/threads/${threadId}`)).body).toEqual({
    id: threadId,
    object: 'thread.deleted',
    deleted: true,
  })
  expect((await harness.call('GET', `/threads/${threadId}/runs/${run.body.id}`)).status).toBe(404)
  const assistant = await harness.call('POST', '/assistants', { model: 'gpt-4o', name: 'Temp' })
  expect((await harness.call('DELETE', `/assistants/${assistant.body.id}`)).body.deleted).toBe(true)
})

test('E9: the same seed and the same script give the same events, ids included', async () => {
  async function transcript() {
    const harness = setup({ seed: 7, clock: createManualClock() })
    const { raw } = await harness.stream('/threads/runs', {
      assistant_id: harness.assistant.id,
      thread: { messages: [{ role: 'user', content: '/search tides' }] },
    })
    return raw
  }
  const first = await transcript()
  expect(first).toBe(await transcript())
  expect(parseFrames(first).at(-1)).toEqual({ event: 'done', data: '[DONE]' })
})

test('the model is an interface: a custom model drives the same lifecycle', async () => {
  const model: RunModel = async function* (context): AsyncGenerator<ModelOutput> {
    yield { type: 'text', text: `Hi from ${context.assistant.name}` }
    yield { type: 'text', text: ` (${context.messages.length} message)` }
  }
  const harness = setup({ model })
  const threadId = await threadWith(harness, 'x')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  await harness.settle(threadId, run.body.id)
  const messages = await harness.call('GET', `/threads/${threadId}/messages`)
  expect(messages.body.data[0].content[0].text.value).toBe('Hi from Demo assistant (1 message)')
})

test('a model that throws fails the run with server_error', async () => {
  const model: RunModel = async function* (): AsyncGenerator<ModelOutput> {
    yield { type: 'text', text: 'partial' }
    throw new Error('upstream exploded')
  }
  const harness = setup({ model })
  const threadId = await threadWith(harness, 'x')
  const run = await harness.call('POST', `/threads/${threadId}/runs`, { assistant_id: harness.assistant.id })
  const failed = await harness.settle(threadId, run.body.id)
  expect(failed).toMatchObject({ status: 'failed', last_error: { code: 'server_error' } })
  const messages = await harness.call('GET', `/threads/${threadId}/messages?run_id=${run.body.id}`)
  expect(messages.body.data[0]).toMatchObject({
    status: 'incomplete',
    incomplete_details: { reason: 'run_failed' },
  })
})
