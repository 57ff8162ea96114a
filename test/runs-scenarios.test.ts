// One scenario suite, four ways: the official `openai` SDK and @oai-runs/client, each against @oai-runs/server over
// loopback HTTP answered by the scripted model and by the Chat Completions adapter (pointed at the Chat Completions
// test server, which answers the scripted model's commands the Chat Completions way). Streaming, parallel tool
// calls, cancel, pagination, failures. Every Runs API response is contract-checked.
import { createClient } from '@oai-runs/client'
import { createRunsServer, type RunModel, type RunsServer } from '@oai-runs/server'
import { createChatCompletionsModel } from '@oai-runs/server/chat-completions'
import { type Listener, listen } from '@oai-runs/server/node'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createChatCompletionsTestServer } from '../packages/server/src/testing/chat-completions-server'
import { expectNoViolations, wrapNodeFetch } from './support/contract'

const ASSISTANT = 'asst_scenarios'
const POLL_MS = 5

/** What a scenario needs from a client; the SDK and our client each implement it with their own API. */
interface Run {
  id: string
  thread_id: string
  status: string
  last_error: { code: string; message: string } | null
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null
  required_action: {
    submit_tool_outputs: { tool_calls: { id: string; function: { name: string; arguments: string } }[] }
  } | null
}
interface Driver {
  streamThreadAndRun(content: string): Promise<{ text: string; run: Run }>
  createThreadAndRunPoll(content: string): Promise<Run>
  createThreadAndRun(content: string): Promise<Run>
  submitToolOutputsAndPoll(run: Run, outputs: { tool_call_id: string; output: string }[]): Promise<Run>
  retrieve(run: Run): Promise<Run>
  cancel(run: Run): Promise<Run>
  poll(run: Run): Promise<Run>
  createThread(): Promise<string>
  runOnThreadPoll(threadId: string, content: string): Promise<Run>
  /** Every message text of a thread, oldest first, read `limit` at a time through the client's pagination. */
  messageTexts(threadId: string, limit: number): Promise<string[]>
  /** Every run id of a thread, newest first, read `limit` at a time. */
  runIds(threadId: string, limit: number): Promise<string[]>
}

type TextMessage = { content: { type: string; text?: { value: string } }[] }
const textOf = (message: TextMessage) => message.content.map((part) => part.text?.value ?? '').join('')

function sdkDriver(openai: OpenAI): Driver {
  const poll = { pollIntervalMs: POLL_MS }
  const threads = openai.beta.threads
  return {
    async streamThreadAndRun(content) {
      const stream = threads.createAndRunStream({
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content }] },
      })
      let text = ''
      stream.on('textDelta', (delta) => {
        text += delta.value ?? ''
      })
      const run = (await stream.finalRun()) as unknown as Run
      return { text, run }
    },
    createThreadAndRunPoll: async (content) =>
      (await threads.createAndRunPoll(
        { assistant_id: ASSISTANT, thread: { messages: [{ role: 'user', content }] } },
        poll,
      )) as unknown as Run,
    createThreadAndRun: async (content) =>
      (await threads.createAndRun({
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content }] },
      })) as unknown as Run,
    submitToolOutputsAndPoll: async (run, outputs) =>
      (await threads.runs.submitToolOutputsAndPoll(
        run.id,
        { thread_id: run.thread_id, tool_outputs: outputs },
        poll,
      )) as unknown as Run,
    retrieve: async (run) =>
      (await threads.runs.retrieve(run.id, { thread_id: run.thread_id })) as unknown as Run,
    cancel: async (run) =>
      (await threads.runs.cancel(run.id, { thread_id: run.thread_id })) as unknown as Run,
    poll: async (run) =>
      (await threads.runs.poll(run.id, { thread_id: run.thread_id }, poll)) as unknown as Run,
    createThread: async () => (await threads.create()).id,
    runOnThreadPoll: async (threadId, content) =>
      (await threads.runs.createAndPoll(
        threadId,
        { assistant_id: ASSISTANT, additional_messages: [{ role: 'user', content }] },
        poll,
      )) as unknown as Run,
    async messageTexts(threadId, limit) {
      const texts: string[] = []
      for await (const message of threads.messages.list(threadId, { limit, order: 'asc' })) {
        texts.push(textOf(message as unknown as TextMessage))
      }
      return texts
    },
    async runIds(threadId, limit) {
      const ids: string[] = []
      for await (const run of threads.runs.list(threadId, { limit })) {
        ids.push(run.id)
      }
      return ids
    },
  }
}

function clientDriver(client: ReturnType<typeof createClient>): Driver {
  const poll = { intervalMs: POLL_MS }
  const ids = (run: Run) => ({ threadId: run.thread_id, runId: run.id })
  return {
    async streamThreadAndRun(content) {
      const stream = await client.runs.createThreadAndRun({
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content }] },
        stream: true,
      })
      let text = ''
      for await (const delta of stream.textDeltas()) {
        text += delta
      }
      return { text, run: (await stream.finalRun()) as unknown as Run }
    },
    createThreadAndRunPoll: async (content) =>
      (await client.runs.createThreadAndRunPoll(
        { assistant_id: ASSISTANT, thread: { messages: [{ role: 'user', content }] } },
        poll,
      )) as unknown as Run,
    createThreadAndRun: async (content) =>
      (await client.runs.createThreadAndRun({
        assistant_id: ASSISTANT,
        thread: { messages: [{ role: 'user', content }] },
      })) as unknown as Run,
    submitToolOutputsAndPoll: async (run, outputs) =>
      (await client.runs.submitToolOutputsAndPoll(
        ids(run),
        { tool_outputs: outputs },
        poll,
      )) as unknown as Run,
    retrieve: async (run) => (await client.runs.retrieve(ids(run))) as unknown as Run,
    cancel: async (run) => (await client.runs.cancel(ids(run))) as unknown as Run,
    poll: async (run) => (await client.runs.poll(ids(run), poll)) as unknown as Run,
    createThread: async () => (await client.threads.create({})).id,
    async runOnThreadPoll(threadId, content) {
      const run = await client.runs.create(
        { threadId },
        { assistant_id: ASSISTANT, additional_messages: [{ role: 'user', content }] },
      )
      return (await client.runs.poll({ threadId, runId: run.id }, poll)) as unknown as Run
    },
    async messageTexts(threadId, limit) {
      const texts: string[] = []
      for await (const message of client.messages.list({ threadId }, { limit, order: 'asc' })) {
        texts.push(textOf(message as unknown as TextMessage))
      }
      return texts
    },
    async runIds(threadId, limit) {
      const found: string[] = []
      for await (const run of client.runs.list({ threadId }, { limit })) {
        found.push(run.id)
      }
      return found
    },
  }
}

const models: Record<string, () => RunModel | undefined> = {
  scripted: () => undefined,
  'chat completions adapter': () => {
    const upstream = createChatCompletionsTestServer({ apiKey: 'sk-upstream' })
    return createChatCompletionsModel({
      baseURL: 'http://chat.test/v1',
      apiKey: 'sk-upstream',
      model: 'test-model',
      fetch: upstream.fetch,
    })
  },
}

describe.each(Object.keys(models))('with the %s model', (modelName) => {
  let server: RunsServer
  let listener: Listener
  const contract = wrapNodeFetch()
  const drivers: Record<string, Driver> = {}

  beforeAll(async () => {
    const model = models[modelName]!()
    server = createRunsServer({ tokenDelayMs: 1, pollAfterMs: POLL_MS, ...(model ? { model } : {}) })
    server.seedAssistant({
      id: ASSISTANT,
      model: 'gpt-4o-mini',
      instructions: 'Be brief.',
      tools: ['get_weather', 'get_time'].map((name) => ({
        type: 'function' as const,
        function: { name, parameters: { type: 'object', properties: {} } },
      })),
    })
    listener = await listen(server, { port: 0 })
    drivers['openai SDK'] = sdkDriver(
      new OpenAI({ baseURL: listener.url, apiKey: 'test', fetch: contract, maxRetries: 0 }),
    )
    drivers['@oai-runs/client'] = clientDriver(
      createClient({ baseURL: listener.url, apiKey: 'test', fetch: contract as typeof fetch }),
    )
  })

  afterAll(async () => {
    server.close()
    await listener.close()
  })

  afterEach(() => expectNoViolations(contract))

  describe.each(['openai SDK', '@oai-runs/client'])('driven by the %s', (driverName) => {
    const driver = () => drivers[driverName]!

    test('streaming: text deltas add up to the reply; the final run carries usage', async () => {
      const { text, run } = await driver().streamThreadAndRun('Hello scenario')
      expect(text).toBe('You said: "Hello scenario"')
      expect(run.status).toBe('completed')
      expect(run.usage!.completion_tokens).toBeGreaterThan(0)
      expect(run.usage!.prompt_tokens).toBeGreaterThan(0)
      expect(run.usage!.total_tokens).toBe(run.usage!.prompt_tokens + run.usage!.completion_tokens)
    })

    test('parallel tool calls: requires_action with both calls, both outputs in one submit, then the answer', async () => {
      const waiting = await driver().createThreadAndRunPoll(
        '/tool get_weather {"city":"Oslo"}\n/tool get_time {"timezone":"Europe/Oslo"}',
      )
      expect(waiting.status).toBe('requires_action')
      const calls = waiting.required_action!.submit_tool_outputs.tool_calls
      expect(calls.map((call) => call.function)).toEqual([
        { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { name: 'get_time', arguments: '{"timezone":"Europe/Oslo"}' },
      ])
      const done = await driver().submitToolOutputsAndPoll(waiting, [
        { tool_call_id: calls[1]!.id, output: '09:30' },
        { tool_call_id: calls[0]!.id, output: 'rain' },
      ])
      expect(done.status).toBe('completed')
      const texts = await driver().messageTexts(done.thread_id, 10)
      expect(texts.at(-1)).toBe('Tool results: get_weather returned "rain"; get_time returned "09:30".')
    })

    test('cancel: a long run goes cancelling → cancelled', async () => {
      const created = await driver().createThreadAndRun('/long 5000')
      for (let attempt = 0; attempt < 400; attempt++) {
        if ((await driver().retrieve(created)).status === 'in_progress') {
          break
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      }
      expect((await driver().cancel(created)).status).toBe('cancelling')
      expect((await driver().poll(created)).status).toBe('cancelled')
    })

    test('pagination: messages and runs across pages, in order', async () => {
      const threadId = await driver().createThread()
      const runIds: string[] = []
      for (let index = 0; index < 4; index++) {
        const run = await driver().runOnThreadPoll(threadId, `message ${index}`)
        expect(run.status).toBe('completed')
        runIds.push(run.id)
      }
      expect(await driver().messageTexts(threadId, 3)).toEqual(
        [0, 1, 2, 3].flatMap((index) => [`message ${index}`, `You said: "message ${index}"`]),
      )
      expect(await driver().runIds(threadId, 3)).toEqual([...runIds].reverse())
    })

    test.each([
      ['rate_limit_exceeded', 'rate_limit_exceeded'],
      ['server_error', 'server_error'],
    ])('failures: /fail %s ends failed with last_error.code %s', async (command, code) => {
      const run = await driver().createThreadAndRunPoll(`/fail ${command}`)
      expect(run.status).toBe('failed')
      expect(run.last_error?.code).toBe(code)
      expect(run.last_error?.message).not.toBe('')
    })
  })
})
