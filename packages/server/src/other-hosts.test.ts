// Runs with other hosts' tool calls and actions: `/hosted TYPE {json}` (a call of a type OpenAI does not have) and
// `/approve NAME {json}` (Azure AI Agents' `submit_tool_approval`, answered with `tool_approvals`).
import { afterEach, describe, expect, test } from 'vitest'
import type { Violation } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'

const servers: ReturnType<typeof createTestServer>[] = []
function setup() {
  const harness = createTestServer()
  servers.push(harness)
  return harness
}

// These runs leave OpenAI's schema on purpose (another host's call type, another action): every other part of every
// response must still match it.
function isExtension(violation: Violation): boolean {
  return violation.errors.every((error) => /(step_details|required_action|delta)\b/.test(error))
}
afterEach(() => {
  for (const harness of servers.splice(0)) {
    harness.server.close()
    const others = harness.fetch.violations.filter((violation) => !isExtension(violation))
    expect(others.map((violation) => violation.errors)).toEqual([])
  }
})

type Harness = ReturnType<typeof createTestServer>

async function runOn(harness: Harness, content: string, body: Record<string, unknown> = {}) {
  const thread = await harness.call('POST', '/threads', { messages: [{ role: 'user', content }] })
  const run = await harness.call('POST', `/threads/${thread.body.id}/runs`, {
    assistant_id: harness.assistant.id,
    ...body,
  })
  return harness.settle(thread.body.id, run.body.id)
}

async function stepsOf(harness: Harness, run: { thread_id: string; id: string }) {
  const steps = await harness.call('GET', `/threads/${run.thread_id}/runs/${run.id}/steps?order=asc`)
  return steps.body.data
}

describe('/hosted TYPE {json}', () => {
  test('makes a completed tool_calls step with a call of that type, its details under its type, then a reply', async () => {
    const harness = setup()
    const run = await runOn(harness, '/hosted bing_grounding {"requesturl":"https://example.test/?q=runs"}')
    expect(run.status).toBe('completed')
    const [step, reply] = await stepsOf(harness, run)
    expect(step).toMatchObject({ type: 'tool_calls', status: 'completed' })
    expect(step.step_details.tool_calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'bing_grounding',
        bing_grounding: { requesturl: 'https://example.test/?q=runs' },
      },
    ])
    expect(reply.type).toBe('message_creation')
    const messages = await harness.call('GET', `/threads/${run.thread_id}/messages?order=desc&limit=1`)
    expect(messages.body.data[0].content[0].text.value).toBe('The bing_grounding tool ran on its host.')
  })

  test('streams the call as a step delta of that type', async () => {
    const harness = setup()
    const thread = await harness.call('POST', '/threads', {
      messages: [{ role: 'user', content: '/hosted mcp {"server_label":"wiki","name":"search"}' }],
    })
    const { frames } = await harness.stream(`/threads/${thread.body.id}/runs`, {
      assistant_id: harness.assistant.id,
    })
    const delta = frames.find((frame) => frame.event === 'thread.run.step.delta')
    expect(JSON.parse(delta!.data).delta.step_details.tool_calls).toEqual([
      { index: 0, id: expect.any(String), type: 'mcp', mcp: { server_label: 'wiki', name: 'search' } },
    ])
    expect(frames.at(-2)?.event).toBe('thread.run.completed')
  })

  test.each([
    ['/hosted function {}', /lowercase tool type other than function/],
    ['/hosted constructor {}', /lowercase tool type/],
    ['/hosted Bad-Type {}', /lowercase tool type/],
    ['/hosted mcp [1]', /must be a JSON object/],
    ['/hosted mcp {"a":{"__proto__":{"x":1}}}', /without __proto__/],
    ['/hosted mcp {nope', /not valid JSON/],
  ])('%s fails the run with invalid_prompt', async (content, message) => {
    const harness = setup()
    const run = await runOn(harness, content)
    expect(run.status).toBe('failed')
    expect(run.last_error.code).toBe('invalid_prompt')
    expect(run.last_error.message).toMatch(message)
  })

  test('is off with tool_choice "none" (quoted like plain text)', async () => {
    const harness = setup()
    const run = await runOn(harness, '/hosted mcp {}', { tool_choice: 'none' })
    expect(run.status).toBe('completed')
    expect((await stepsOf(harness, run)).map((step: { type: string }) => step.type)).toEqual([
      'message_creation',
    ])
  })
})

describe('/approve NAME {json}: submit_tool_approval', () => {
  async function waiting(
    harness: Harness,
    content = '/approve delete_page {"id":7}\n/approve list_pages {}',
  ) {
    const run = await runOn(harness, content)
    expect(run.status).toBe('requires_action')
    return run
  }

  test("waits with Azure AI Agents' action listing each MCP call, and an in-progress step holding them", async () => {
    const harness = setup()
    const run = await waiting(harness)
    const calls = run.required_action.submit_tool_approval.tool_calls
    expect(run.required_action.type).toBe('submit_tool_approval')
    expect(run.required_action.submit_tool_outputs).toBeUndefined()
    expect(calls).toEqual([
      {
        id: expect.any(String),
        type: 'mcp',
        name: 'delete_page',
        arguments: '{"id":7}',
        server_label: 'scripted_mcp',
      },
      {
        id: expect.any(String),
        type: 'mcp',
        name: 'list_pages',
        arguments: '{}',
        server_label: 'scripted_mcp',
      },
    ])
    const [step] = await stepsOf(harness, run)
    expect(step.status).toBe('in_progress')
    expect(step.step_details.tool_calls.map((call: { id: string }) => call.id)).toEqual(
      calls.map((call: { id: string }) => call.id),
    )
  })

  test('tool_approvals resume the run: approved calls get an output, the reply names each decision', async () => {
    const harness = setup()
    const run = await waiting(harness)
    const [first, second] = run.required_action.submit_tool_approval.tool_calls
    const { frames } = await harness.stream(`/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, {
      tool_approvals: [
        { tool_call_id: first.id, approve: true, headers: { authorization: 'Bearer wiki' } },
        { tool_call_id: second.id, approve: false },
      ],
    })
    expect(frames.map((frame) => frame.event)).toContain('thread.run.completed')
    const done = await harness.settle(run.thread_id, run.id)
    expect(done).toMatchObject({ status: 'completed', required_action: null })
    const [step] = await stepsOf(harness, run)
    expect(step.status).toBe('completed')
    expect(step.step_details.tool_calls).toMatchObject([
      { id: first.id, output: '{"ran":"delete_page","on":"scripted_mcp"}', approved: true },
      { id: second.id, output: null, approved: false },
    ])
    const messages = await harness.call('GET', `/threads/${run.thread_id}/messages?order=desc&limit=1`)
    expect(messages.body.data[0].content[0].text.value).toBe(
      'Tool approvals: delete_page approved; list_pages rejected.',
    )
  })

  test('a non-streamed answer returns the queued run', async () => {
    const harness = setup()
    const run = await waiting(harness, '/approve delete_page {}')
    const [call] = run.required_action.submit_tool_approval.tool_calls
    const answer = await harness.call(
      'POST',
      `/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`,
      {
        tool_approvals: [{ tool_call_id: call.id, approve: true }],
      },
    )
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ status: 'queued', required_action: null })
    expect((await harness.settle(run.thread_id, run.id)).status).toBe('completed')
  })

  test('parallel_tool_calls: false keeps the first call only', async () => {
    const harness = setup()
    const thread = await harness.call('POST', '/threads', {
      messages: [{ role: 'user', content: '/approve a {}\n/approve b {}' }],
    })
    const created = await harness.call('POST', `/threads/${thread.body.id}/runs`, {
      assistant_id: harness.assistant.id,
      parallel_tool_calls: false,
    })
    const run = await harness.settle(thread.body.id, created.body.id)
    expect(
      run.required_action.submit_tool_approval.tool_calls.map((call: { name: string }) => call.name),
    ).toEqual(['a'])
  })

  describe('validation: 400s in the API error shape, the run still waiting', () => {
    async function submit(harness: Harness, run: { thread_id: string; id: string }, body: unknown) {
      return harness.call('POST', `/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, body)
    }

    test.each([
      [{}, "Missing required parameter: 'tool_approvals'.", 'tool_approvals', 'missing_required_parameter'],
      [
        { tool_approvals: 'yes' },
        "Invalid type for 'tool_approvals': expected an array, but got a string instead.",
        'tool_approvals',
        'invalid_type',
      ],
      [
        { tool_approvals: [{ approve: true }] },
        "Missing required parameter: 'tool_approvals[0].tool_call_id'.",
        'tool_approvals[0].tool_call_id',
        'missing_required_parameter',
      ],
      [
        { tool_approvals: [{ tool_call_id: 'call_x', approve: 'yes' }] },
        "Invalid type for 'tool_approvals[0].approve': expected a boolean, but got a string instead.",
        'tool_approvals[0].approve',
        'invalid_type',
      ],
      [
        { tool_approvals: [{ tool_call_id: 'call_x', approve: true, reason: 'ok' }] },
        "Unknown parameter: 'tool_approvals[0].reason'.",
        'tool_approvals[0].reason',
        'unknown_parameter',
      ],
      [
        { tool_approvals: [{ tool_call_id: 'call_x', approve: true, headers: { a: 1 } }] },
        "Invalid type for 'tool_approvals[0].headers.a': expected a string, but got an integer instead.",
        'tool_approvals[0].headers.a',
        'invalid_type',
      ],
      [
        { tool_approvals: [], extra: 1 },
        'Unrecognized request argument supplied: extra',
        'extra',
        'unknown_parameter',
      ],
    ])('%j', async (body, message, param, code) => {
      const harness = setup()
      const run = await waiting(harness, '/approve delete_page {}')
      const answer = await submit(harness, run, body)
      expect(answer.status).toBe(400)
      expect(answer.body.error).toEqual({ message, param, code, type: 'invalid_request_error' })
      expect((await harness.settle(run.thread_id, run.id)).status).toBe('requires_action')
    })

    test('partial, unknown and duplicate approvals name the expected call ids', async () => {
      const harness = setup()
      const run = await waiting(harness)
      const [first, second] = run.required_action.submit_tool_approval.tool_calls.map(
        (call: { id: string }) => call.id,
      )
      const partial = await submit(harness, run, { tool_approvals: [{ tool_call_id: first, approve: true }] })
      expect(partial.status).toBe(400)
      expect(partial.body.error).toMatchObject({
        message: `Expected tool approvals for call_ids ['${first}', '${second}'], got ['${first}']`,
        param: 'tool_approvals',
      })
      const duplicate = await submit(harness, run, {
        tool_approvals: [
          { tool_call_id: first, approve: true },
          { tool_call_id: first, approve: false },
        ],
      })
      expect(duplicate.status).toBe(400)
      const streamed = await harness.stream(`/threads/${run.thread_id}/runs/${run.id}/submit_tool_outputs`, {
        tool_approvals: [{ tool_call_id: 'call_other', approve: true }],
      })
      expect(streamed.response.status).toBe(400)
      expect((await harness.settle(run.thread_id, run.id)).status).toBe('requires_action')
    })

    test('tool outputs to an approval run, and approvals to a tool-output run, are refused', async () => {
      const harness = setup()
      const run = await waiting(harness, '/approve delete_page {}')
      const [call] = run.required_action.submit_tool_approval.tool_calls
      const outputs = await submit(harness, run, { tool_outputs: [{ tool_call_id: call.id, output: 'x' }] })
      expect(outputs.status).toBe(400)
      expect(outputs.body.error.param).toBe('tool_outputs')

      const functions = await runOn(harness, '/tool get_weather {"city":"Oslo"}')
      const [fn] = functions.required_action.submit_tool_outputs.tool_calls
      // OpenAI's own schema answers: `tool_outputs` is required and `tool_approvals` is not an argument it knows.
      const approvals = await submit(harness, functions, {
        tool_approvals: [{ tool_call_id: fn.id, approve: true }],
      })
      expect(approvals.status).toBe(400)
      expect(approvals.body.error).toMatchObject({
        message: "Missing required parameter: 'tool_outputs'.",
        code: 'missing_required_parameter',
      })
      const both = await submit(harness, functions, {
        tool_outputs: [],
        tool_approvals: [{ tool_call_id: fn.id, approve: true }],
      })
      expect(both.body.error).toMatchObject({
        message: 'Unrecognized request argument supplied: tool_approvals',
        code: 'unknown_parameter',
      })
      expect((await harness.settle(functions.thread_id, functions.id)).status).toBe('requires_action')
    })
  })
})
