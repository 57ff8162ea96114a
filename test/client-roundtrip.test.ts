// @oai-runs/client against @oai-runs/server, both in-process (server.fetch as the injected fetch) and over real
// HTTP (listen on a free loopback port). Every response goes through the contract harness.
import {
  ActiveRunError,
  AuthenticationError,
  CannotCancelRunError,
  type Client,
  createClient,
  NotFoundError,
  type Run,
  type RunToolCall,
  ToolOutputsMismatchError,
  toolOutput,
} from '@oai-runs/client'
import { createRunsServer, demoAssistant, type RunsServer } from '@oai-runs/server'
import { type Listener, listen } from '@oai-runs/server/node'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { type ContractFetch, expectNoViolations, withContractChecks, wrapNodeFetch } from './support/contract'

const API_KEY = 'sk-test-integration-0123456789'
const WEATHER = '/tool get_weather {"city":"Paris"}'

type Mode = 'in-process' | 'http'

function textOf(message: { content: Array<{ type: string; text?: { value: string } }> } | undefined): string {
  const part = message?.content[0]
  return part?.type === 'text' ? (part.text?.value ?? '') : ''
}

function weatherCall(run: Run): RunToolCall {
  const call = run.required_action?.submit_tool_outputs?.tool_calls[0]
  if (!call) {
    throw new Error(`run ${run.id} has no tool call (status ${run.status})`)
  }
  return call
}

describe.each<Mode>(['in-process', 'http'])('client ↔ server (%s)', (mode) => {
  let server: RunsServer
  let listener: Listener | undefined
  let contract: ContractFetch
  let client: Client

  beforeAll(async () => {
    server = createRunsServer({
      tokenDelayMs: 0,
      pollAfterMs: 5,
      apiKeys: [API_KEY],
      requireBetaHeader: true,
    })
    server.seedAssistant(demoAssistant)
    if (mode === 'http') {
      listener = await listen(server, { port: 0 })
      contract = wrapNodeFetch()
    } else {
      contract = withContractChecks((request) => server.fetch(request))
    }
    client = createClient({
      baseURL: listener?.url ?? 'http://runs.test/v1',
      apiKey: API_KEY,
      fetch: contract as typeof fetch,
    })
  })

  afterAll(async () => {
    server.close()
    await listener?.close()
  })

  afterEach(() => {
    server.faults.clear()
    expectNoViolations(contract)
  })

  test('a tool round trip with polling: requires_action → submitToolOutputs → completed', async () => {
    const waiting = await client.runs.createThreadAndRunPoll(
      { assistant_id: 'asst_demo', thread: { messages: [{ role: 'user', content: WEATHER }] } },
      { intervalMs: 5 },
    )
    expect(waiting.status).toBe('requires_action')
    const call = weatherCall(waiting)
    expect(call.function.name).toBe('get_weather')
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' })

    const ids = { threadId: waiting.thread_id, runId: waiting.id }
    const done = await client.runs.submitToolOutputsAndPoll(
      ids,
      { tool_outputs: [toolOutput(call.id, { temperature: 21, unit: 'celsius' })] },
      { intervalMs: 5 },
    )
    expect(done.status).toBe('completed')

    const messages = await client.messages.list({ threadId: waiting.thread_id }, { order: 'asc' })
    expect(messages.data.map((message) => message.role)).toEqual(['user', 'assistant'])
    expect(textOf(messages.data[1])).toContain('21')

    const steps: string[] = []
    for await (const step of client.steps.list(ids, { limit: 1, order: 'asc' })) {
      steps.push(step.type)
    }
    expect(steps).toEqual(['tool_calls', 'message_creation'])
  })

  test('the same round trip streamed: RunStream → requires_action → streamed submit → completed', async () => {
    const first = await client.runs.createThreadAndRun({
      assistant_id: 'asst_demo',
      thread: { messages: [{ role: 'user', content: WEATHER }] },
      stream: true,
    })
    const waiting = await first.finalRun()
    expect(waiting.status).toBe('requires_action')
    const call = weatherCall(waiting)
    const second = await client.runs.submitToolOutputs(
      { threadId: waiting.thread_id, runId: waiting.id },
      { tool_outputs: [toolOutput(call.id, 'sunny, 21 °C')], stream: true },
    )
    let text = ''
    for await (const delta of second.textDeltas()) {
      text += delta
    }
    expect(text).toContain('sunny, 21 °C')
    expect(second.snapshot().run?.status).toBe('completed')
  })

  test('threads, messages, runs and assistants operations', async () => {
    const thread = await client.threads.create({ metadata: { topic: 'greeting' } })
    expect(await client.threads.retrieve({ threadId: thread.id })).toMatchObject({ id: thread.id })
    const message = await client.messages.create(
      { threadId: thread.id },
      { role: 'user', content: 'Bonjour' },
    )
    expect(await client.messages.retrieve({ threadId: thread.id, messageId: message.id })).toMatchObject({
      id: message.id,
    })

    const { data: created, requestId } = await client.runs
      .create({ threadId: thread.id }, { assistant_id: 'asst_demo', temperature: 0.2, instructions: null })
      .withResponse()
    expect(requestId).toMatch(/\S/)
    const ids = { threadId: thread.id, runId: created.id }
    const done = await client.runs.poll(ids, { intervalMs: 5 })
    expect(done.status).toBe('completed')
    expect((await client.runs.retrieve(ids)).status).toBe('completed')
    expect((await client.runs.update(ids, { metadata: { seen: 'yes' } })).metadata).toEqual({ seen: 'yes' })
    const runs = await client.runs.list({ threadId: thread.id })
    expect(runs.data.map((run) => run.id)).toEqual([created.id])

    const step = (await client.steps.list(ids)).data[0]
    expect(step).toBeDefined()
    const again = await client.steps.retrieve(
      { ...ids, stepId: step?.id ?? '' },
      { include: ['step_details.tool_calls[*].file_search.results[*].content'] },
    )
    expect(again.id).toBe(step?.id)

    const cancelError = await client.runs.cancel(ids).catch((error: unknown) => error)
    expect(cancelError).toBeInstanceOf(CannotCancelRunError)
    expect(cancelError).toMatchObject({ runStatus: 'completed' })

    expect((await client.assistants.retrieve({ assistantId: 'asst_demo' })).name).toBe('Demo assistant')
    const assistants: string[] = []
    for await (const assistant of client.assistants.list()) {
      assistants.push(assistant.id)
    }
    expect(assistants).toContain('asst_demo')
  })

  test('a /fail run ends failed with last_error (not an HTTP error)', async () => {
    const run = await client.runs.createThreadAndRunPoll(
      {
        assistant_id: 'asst_demo',
        thread: { messages: [{ role: 'user', content: '/fail rate_limit_exceeded' }] },
      },
      { intervalMs: 5 },
    )
    expect(run.status).toBe('failed')
    expect(run.last_error?.code).toBe('rate_limit_exceeded')
  })

  test('domain errors: active run, tool-output mismatch, unknown ids, wrong key', async () => {
    const waiting = await client.runs.createThreadAndRunPoll(
      { assistant_id: 'asst_demo', thread: { messages: [{ role: 'user', content: WEATHER }] } },
      { intervalMs: 5 },
    )
    const threadId = waiting.thread_id
    const busy = await client.messages
      .create({ threadId }, { role: 'user', content: 'hello?' })
      .catch((error: unknown) => error)
    expect(busy).toBeInstanceOf(ActiveRunError)
    expect(busy).toMatchObject({ threadId, runId: waiting.id })

    const mismatch = await client.runs
      .submitToolOutputs({ threadId, runId: waiting.id }, { tool_outputs: [toolOutput('call_wrong', 'x')] })
      .catch((error: unknown) => error)
    expect(mismatch).toBeInstanceOf(ToolOutputsMismatchError)
    expect(mismatch).toMatchObject({ expected: [weatherCall(waiting).id], received: ['call_wrong'] })

    await expect(client.runs.retrieve({ threadId: 'thread_nope', runId: 'run_nope' })).rejects.toBeInstanceOf(
      NotFoundError,
    )

    const intruder = createClient({
      baseURL: listener?.url ?? 'http://runs.test/v1',
      apiKey: 'sk-wrong-key-999999',
      fetch: contract as typeof fetch,
    })
    const denied = await intruder.threads.retrieve({ threadId }).catch((error: unknown) => error)
    expect(denied).toBeInstanceOf(AuthenticationError)
    expect(JSON.stringify(denied)).not.toContain('999999')
  })
})
