// One scenario suite, six ways: the official `openai` SDK and @oai-runs/client, each against @oai-runs/server over
// loopback HTTP answered by the scripted model, by the Chat Completions adapter (pointed at the Chat Completions
// test server, which answers the scripted model's commands the Chat Completions way) and by the Responses adapter
// (pointed at the Responses test server over loopback in its `commands` script, with the server's /files and
// /vector_stores passed through to it). Streaming, parallel tool calls, cancel, pagination, failures, and file
// search over a file uploaded with the SDK. Every Runs API response is contract-checked.
import { createClient } from '@oai-runs/client'
import {
  createFilesHandler,
  createMemoryFilesStore,
  createRunsServer,
  createUpstreamFiles,
  type FilesHandler,
  type RunModel,
  type RunsServer,
  type RunsServerOptions,
} from '@oai-runs/server'
import { createChatCompletionsModel } from '@oai-runs/server/chat-completions'
import { type Listener, listen } from '@oai-runs/server/node'
import { createPostgresStore } from '@oai-runs/server/postgres'
import { createResponsesModel } from '@oai-runs/server/responses'
import { createResponsesTestServer } from '@oai-runs/server/testing'
import OpenAI, { toFile } from 'openai'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createChatCompletionsTestServer } from '../packages/server/src/testing/chat-completions-server'
import { expectNoViolations, wrapNodeFetch } from './support/contract'
import { clusterStart, createTestDatabase } from './support/postgres'

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
  /** A run with only file_search, on a new thread whose tool_resources name the vector store; what it found and cited. */
  searchRun(vectorStoreId: string, content: string): Promise<SearchRun>
}

/** A file-search run as a scenario reads it: the step's results, the reply and its citations (file names looked up). */
interface SearchRun {
  run: Run
  results: { file_id: string; file_name: string; text: string }[]
  reply: string
  citations: { file_id: string; text: string; filename: string }[]
}

type StepList = {
  step_details: {
    type: string
    tool_calls?: {
      type: string
      file_search?: {
        results?: { file_id: string; file_name: string; content?: { text?: string }[] }[]
      }
    }[]
  }
}[]
type CitedMessage = {
  role: string
  content: {
    type: string
    text?: {
      value: string
      annotations: { type: string; text: string; file_citation?: { file_id: string } }[]
    }
  }[]
}

/** The file_search results of a run's steps and the citations of its reply (each file's name looked up). */
async function readSearchRun(
  run: Run,
  steps: StepList,
  messages: CitedMessage[],
  filename: (fileId: string) => Promise<string>,
): Promise<SearchRun> {
  const results = steps
    .flatMap((step) => step.step_details.tool_calls ?? [])
    .flatMap((call) => (call.type === 'file_search' ? (call.file_search?.results ?? []) : []))
    .map((result) => ({
      file_id: result.file_id,
      file_name: result.file_name,
      text: (result.content ?? []).map((part) => part.text ?? '').join(''),
    }))
  const reply = messages.filter((message) => message.role === 'assistant').at(-1)
  const annotations = (reply?.content ?? []).flatMap((part) => part.text?.annotations ?? [])
  const citations = await Promise.all(
    annotations
      .filter((annotation) => annotation.type === 'file_citation')
      .map(async (annotation) => ({
        file_id: annotation.file_citation!.file_id,
        text: annotation.text,
        filename: await filename(annotation.file_citation!.file_id),
      })),
  )
  return { run, results, reply: reply ? textOf(reply) : '', citations }
}

const resultContent = 'step_details.tool_calls[*].file_search.results[*].content' as const

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
    async searchRun(vectorStoreId, content) {
      const run = (await threads.createAndRunPoll(
        {
          assistant_id: ASSISTANT,
          thread: {
            messages: [{ role: 'user', content }],
            tool_resources: { file_search: { vector_store_ids: [vectorStoreId] } },
          },
          tools: [{ type: 'file_search' }],
        },
        poll,
      )) as unknown as Run
      const steps = await threads.runs.steps.list(run.id, {
        thread_id: run.thread_id,
        include: [resultContent],
      })
      const messages = await threads.messages.list(run.thread_id, { order: 'asc' })
      return readSearchRun(
        run,
        steps.data as unknown as StepList,
        messages.data as unknown as CitedMessage[],
        async (fileId) => (await openai.files.retrieve(fileId)).filename,
      )
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
    async searchRun(vectorStoreId, content) {
      const run = (await client.runs.createThreadAndRunPoll(
        {
          assistant_id: ASSISTANT,
          thread: {
            messages: [{ role: 'user', content }],
            tool_resources: { file_search: { vector_store_ids: [vectorStoreId] } },
          },
          tools: [{ type: 'file_search' }],
        },
        poll,
      )) as unknown as Run
      const steps = await client.steps.list(ids(run), { include: [resultContent] })
      const messages = await client.messages.list({ threadId: run.thread_id }, { order: 'asc' })
      return readSearchRun(
        run,
        steps.data as unknown as StepList,
        messages.data as unknown as CitedMessage[],
        async (fileId) => (await client.files.retrieve({ fileId })).filename,
      )
    },
  }
}

/** What a backend gives the Runs server: its model and who answers /files and /vector_stores. */
interface Backend {
  model?: RunModel
  files?: FilesHandler
  /** Where the server keeps its objects (memory when absent). */
  store?: RunsServerOptions['store']
  close?: () => Promise<void>
  /** The requests an upstream received (`METHOD /path`), when there is one on the network. */
  upstreamRequests?: () => string[]
}

const backends: Record<string, () => Promise<Backend>> = {
  scripted: async () => ({}),
  // The same scenarios on the Postgres store (a throwaway database), the store several instances share.
  'scripted (Postgres store)': async () => {
    const database = await createTestDatabase()
    const store = await createPostgresStore(database.url)
    return {
      store,
      close: async () => {
        await store.close()
        await database.drop()
      },
    }
  },
  'chat completions adapter': async () => {
    const upstream = createChatCompletionsTestServer({ apiKey: 'sk-upstream' })
    const model = createChatCompletionsModel({
      baseURL: 'http://chat.test/v1',
      apiKey: 'sk-upstream',
      model: 'test-model',
      fetch: upstream.fetch,
    })
    return { model }
  },
  'responses adapter': async () => {
    // The upstream on loopback keeps its own files and vector stores; ours pass through to it, so an upload lands
    // there and the upstream's file_search finds it.
    const upstream = createResponsesTestServer({
      apiKey: 'sk-upstream',
      script: 'commands',
      files: createFilesHandler(createMemoryFilesStore(), { pollAfterMs: POLL_MS }),
    })
    const upstreamListener = await listen({ fetch: (request) => upstream.fetch(request) }, { port: 0 })
    return {
      model: createResponsesModel({
        baseURL: upstreamListener.url,
        apiKey: 'sk-upstream',
        model: 'test-model',
      }),
      files: createUpstreamFiles({ baseURL: upstreamListener.url, apiKey: 'sk-upstream' }),
      close: () => upstreamListener.close(),
      upstreamRequests: () => upstream.requests.map((request) => `${request.method} ${request.path}`),
    }
  },
}

/** Scenarios a backend cannot hold, and why. */
const skipped: Record<string, Partial<Record<string, string>>> = {
  'chat completions adapter': {
    // The Chat Completions API has no hosted file_search: the adapter leaves the tool out, so `/search` is text.
    'file search': 'no hosted file_search',
  },
}

describe.each(Object.keys(backends))('with the %s model', (modelName) => {
  let server: RunsServer
  let listener: Listener
  let backend: Backend
  let openai: OpenAI
  const contract = wrapNodeFetch()
  const drivers: Record<string, Driver> = {}
  const unless = (scenario: string) => (skipped[modelName]?.[scenario] ? test.skip : test)

  beforeAll(async () => {
    backend = await backends[modelName]!()
    const { model, files, store } = backend
    server = createRunsServer({
      tokenDelayMs: 1,
      pollAfterMs: POLL_MS,
      ...(model ? { model } : {}),
      ...(files ? { files } : {}),
      ...(store ? { store } : {}),
    })
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
    openai = new OpenAI({ baseURL: listener.url, apiKey: 'test', fetch: contract, maxRetries: 0 })
    drivers['openai SDK'] = sdkDriver(openai)
    drivers['@oai-runs/client'] = clientDriver(
      createClient({ baseURL: listener.url, apiKey: 'test', fetch: contract as typeof fetch }),
    )
  }, clusterStart)

  afterAll(async () => {
    await server?.close()
    await listener?.close()
    await backend?.close?.()
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

    unless('file search')(
      'file search: a file uploaded with the SDK, in a vector store the thread names; /search finds and cites it',
      async () => {
        const filename = `refunds-${driverName.replace(/\W+/g, '-')}.md`
        const file = await openai.files.create({
          file: await toFile(
            Buffer.from('# Refunds\n\nAny order can be returned within 30 days for a full refund.\n'),
            filename,
          ),
          purpose: 'assistants',
        })
        const vectorStore = await openai.vectorStores.create({ name: 'Policies' })
        const attached = await openai.vectorStores.files.createAndPoll(
          vectorStore.id,
          { file_id: file.id },
          {
            pollIntervalMs: POLL_MS,
          },
        )
        expect(attached.status).toBe('completed')
        const found = await driver().searchRun(vectorStore.id, '/search refund')
        expect(found.run.status).toBe('completed')
        expect(found.results[0]).toMatchObject({ file_id: file.id, file_name: filename })
        expect(found.results[0]!.text).toContain('full refund')
        expect(found.reply).toContain('Here is what the files say about refund.')
        expect(found.citations).toHaveLength(1)
        expect(found.citations[0]).toMatchObject({ file_id: file.id, filename })
        expect(found.reply).toContain(found.citations[0]!.text)
        expect(found.citations[0]!.text).toContain(filename)
        if (backend.upstreamRequests) {
          // The upload, the vector store and the search all happened upstream, not in our server.
          expect(backend.upstreamRequests()).toEqual(
            expect.arrayContaining([
              'POST /v1/files',
              'POST /v1/vector_stores',
              `POST /v1/vector_stores/${vectorStore.id}/files`,
              'POST /v1/responses',
            ]),
          )
        }
      },
    )
  })
})
