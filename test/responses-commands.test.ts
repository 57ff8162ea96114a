// The Responses test server's `commands` script behind the Responses adapter, driven with the official SDK: the
// commands the scenario suite does not cover (`/code`, `/long` past the token limit, `/cut`, `/fail invalid_prompt`,
// a search that finds nothing, tool commands under `tool_choice: "none"`), each ending the run as the scripted model
// would. Every request the adapter sent passed the test server's validation.
import { createFilesHandler, createMemoryFilesStore, createRunsServer } from '@oai-runs/server'
import { createResponsesModel } from '@oai-runs/server/responses'
import { createResponsesTestServer } from '@oai-runs/server/testing'
import OpenAI from 'openai'
import type { AssistantTool } from 'openai/resources/beta/assistants'
import { afterEach, expect, test } from 'vitest'

const ASSISTANT = 'asst_commands'

function setup() {
  const upstream = createResponsesTestServer({
    apiKey: 'sk-upstream',
    script: 'commands',
    files: createFilesHandler(createMemoryFilesStore()),
  })
  const server = createRunsServer({
    tokenDelayMs: 0,
    pollAfterMs: 5,
    model: createResponsesModel({
      baseURL: 'http://responses.test/v1',
      apiKey: 'sk-upstream',
      model: 'test-model',
      fetch: upstream.fetch,
    }),
  })
  server.seedAssistant({
    id: ASSISTANT,
    model: 'gpt-4o-mini',
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
  })
  const openai = new OpenAI({
    baseURL: 'http://runs.test/v1',
    apiKey: 'test',
    maxRetries: 0,
    fetch: (url, init) => server.fetch(new Request(url, init)),
  })
  const run = (
    content: string,
    options: { tools?: AssistantTool[]; vectorStoreId?: string; extra?: Record<string, unknown> } = {},
  ) =>
    openai.beta.threads.createAndRunPoll(
      {
        assistant_id: ASSISTANT,
        thread: {
          messages: [{ role: 'user', content }],
          ...(options.vectorStoreId
            ? { tool_resources: { file_search: { vector_store_ids: [options.vectorStoreId] } } }
            : {}),
        },
        ...(options.tools ? { tools: options.tools } : {}),
        ...options.extra,
      },
      { pollIntervalMs: 5 },
    )
  const reply = async (threadId: string) => {
    const messages = await openai.beta.threads.messages.list(threadId, { order: 'desc', limit: 1 })
    const part = messages.data[0]?.content[0]
    return part?.type === 'text' ? part.text.value : ''
  }
  return { upstream, server, openai, run, reply }
}

let current: ReturnType<typeof setup> | undefined
afterEach(() => {
  expect(current?.upstream.requests.filter((request) => request.rejected !== null)).toEqual([])
  current?.server.close()
  current = undefined
})

test('/code: a code_interpreter step with the input and its logs, then a reply', async () => {
  current = setup()
  const run = await current.run('/code print(6 * 7)', { tools: [{ type: 'code_interpreter' }] })
  expect(run.status).toBe('completed')
  const steps = await current.openai.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id })
  const calls = steps.data.flatMap((step) =>
    step.step_details.type === 'tool_calls' ? step.step_details.tool_calls : [],
  )
  expect(calls).toHaveLength(1)
  const [call] = calls
  expect(call?.type).toBe('code_interpreter')
  if (call?.type === 'code_interpreter') {
    expect(call.code_interpreter.input).toBe('print(6 * 7)')
    expect(call.code_interpreter.outputs).toEqual([{ type: 'logs', logs: '>>> print(6 * 7)\nok' }])
  }
  expect(await current.reply(run.thread_id)).toBe('I ran your code (1 line(s)); the logs say ok.')
})

test('/long past max_completion_tokens: response.incomplete → the run ends incomplete', async () => {
  current = setup()
  const run = await current.run('/long 300', { extra: { max_completion_tokens: 256 } })
  expect(run.status).toBe('incomplete')
  expect(run.incomplete_details?.reason).toBe('max_completion_tokens')
  expect((await current.reply(run.thread_id)).split(' ')).toHaveLength(256)
})

test('/cut: the stream drops mid-answer → the run fails saying so', async () => {
  current = setup()
  const run = await current.run('/cut')
  expect(run.status).toBe('failed')
  expect(run.last_error).toMatchObject({ code: 'server_error' })
  expect(run.last_error?.message).toMatch(/cut|broke off/)
})

test('/fail invalid_prompt: response.failed with that code → last_error.code invalid_prompt', async () => {
  current = setup()
  const run = await current.run('/fail invalid_prompt')
  expect(run.status).toBe('failed')
  expect(run.last_error?.code).toBe('invalid_prompt')
})

test('/search over an empty or unknown vector store: a file-search step, and a reply saying nothing was found', async () => {
  current = setup()
  const vectorStore = (await (
    await current.upstream.fetch('http://responses.test/v1/vector_stores', {
      method: 'POST',
      headers: { authorization: 'Bearer sk-upstream', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'empty' }),
    })
  ).json()) as { id: string }
  for (const id of [vectorStore.id, 'vs_missing']) {
    const run = await current.run('/search refunds', {
      tools: [{ type: 'file_search' }],
      vectorStoreId: id,
    })
    expect(run.status).toBe('completed')
    const steps = await current.openai.beta.threads.runs.steps.list(run.id, { thread_id: run.thread_id })
    expect(steps.data.map((step) => step.type).sort()).toEqual(['message_creation', 'tool_calls'])
    expect(await current.reply(run.thread_id)).toBe('The files say nothing about refunds.')
  }
})

test('tool commands under tool_choice "none" are plain text', async () => {
  current = setup()
  const run = await current.run('/tool get_weather {"city":"Oslo"}', { extra: { tool_choice: 'none' } })
  expect(run.status).toBe('completed')
  expect(await current.reply(run.thread_id)).toBe('You said: "/tool get_weather {"city":"Oslo"}"')
})
