// playgroundOptionsFromEnv (what `pnpm start` reads) and the demo assistant it leads to: the scripted model by
// default, a Chat Completions model with functions only, the Responses API with its hosted tools, vector stores
// named by OAI_RUNS_VECTOR_STORE_ID, files passed through to the Responses upstream, and a wrong OAI_RUNS_MODEL_API
// refused saying what to set.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from 'vitest'
import { createPlaygroundApp, playgroundOptionsFromEnv } from '../playground/app.ts'

async function demoOf(env: Record<string, string>) {
  const app = createPlaygroundApp(await playgroundOptionsFromEnv(env))
  try {
    return (await app.embedded!.data.assistants.get(app.assistantId))!
  } finally {
    app.close()
  }
}

const types = (tools: { type: string }[]) => tools.map((tool) => tool.type).sort()

test('no environment: the scripted model and the whole demo assistant', async () => {
  expect(await playgroundOptionsFromEnv({})).toEqual({})
  const demo = await demoOf({})
  expect(types(demo.tools)).toEqual(['code_interpreter', 'file_search', 'function', 'function'])
  expect(demo.tool_resources).toEqual({})
})

test('a Chat Completions model keeps the functions only; the Responses API keeps the hosted tools too', async () => {
  const model = { OAI_RUNS_MODEL_BASE_URL: 'http://127.0.0.1:9/v1', OAI_RUNS_MODEL_API_KEY: 'k' }
  const chat = await playgroundOptionsFromEnv(model)
  expect(chat).toMatchObject({ modelApi: 'chat-completions', tokenDelayMs: 0, model: expect.any(Function) })
  expect(types((await demoOf(model)).tools)).toEqual(['function', 'function'])
  const responses = { ...model, OAI_RUNS_MODEL_API: 'responses' }
  expect(await playgroundOptionsFromEnv(responses)).toMatchObject({ modelApi: 'responses' })
  expect(types((await demoOf(responses)).tools)).toEqual([
    'code_interpreter',
    'file_search',
    'function',
    'function',
  ])
})

test('OAI_RUNS_VECTOR_STORE_ID: the demo assistant’s file_search resources (blank: none)', async () => {
  const env = { OAI_RUNS_VECTOR_STORE_ID: ' vs_a ' }
  expect(await playgroundOptionsFromEnv(env)).toEqual({ vectorStoreId: 'vs_a' })
  expect((await demoOf(env)).tool_resources).toEqual({ file_search: { vector_store_ids: ['vs_a'] } })
  expect(await playgroundOptionsFromEnv({ OAI_RUNS_VECTOR_STORE_ID: ' ' })).toEqual({})
})

test('a wrong OAI_RUNS_MODEL_API is refused, naming the values it may take', async () => {
  await expect(playgroundOptionsFromEnv({ OAI_RUNS_MODEL_API: 'completions' })).rejects.toThrow(
    'OAI_RUNS_MODEL_API must be chat-completions or responses, got "completions"',
  )
})

test('on the Responses API with a key, the embedded server’s /files and /vector_stores go to the upstream', async () => {
  const upstream = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers.authorization}`)
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ object: 'list', data: [], has_more: false, first_id: null, last_id: null }))
  })
  const seen: string[] = []
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done))
  const { port } = upstream.address() as AddressInfo
  const env = {
    OAI_RUNS_MODEL_BASE_URL: `http://127.0.0.1:${port}/v1`,
    OAI_RUNS_MODEL_API_KEY: 'sk-upstream',
    OAI_RUNS_MODEL_API: 'responses',
  }
  const app = createPlaygroundApp(await playgroundOptionsFromEnv(env))
  try {
    const response = await app.embedded!.fetch(
      new Request('http://embedded.test/v1/files?purpose=assistants'),
    )
    expect(response.status).toBe(200)
    expect(seen).toEqual(['GET /v1/files?purpose=assistants Bearer sk-upstream'])
    // Chat Completions has no files upstream: they stay local.
    const chat = await playgroundOptionsFromEnv({ ...env, OAI_RUNS_MODEL_API: 'chat-completions' })
    expect(chat.files).toBeUndefined()
  } finally {
    app.close()
    await new Promise((done) => upstream.close(done))
  }
})
