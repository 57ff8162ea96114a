// `pnpm server --model-base-url URL --model-api-key-env NAME --model NAME [--model-api responses]`: the CLI answers
// runs with a Chat Completions or Responses endpoint (here the test servers, listening on loopback).
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, test, vi } from 'vitest'
import { createFilesHandler } from './files/index.ts'
import { type Listener, listen } from './node.ts'
import { createMemoryStore } from './store.ts'
import { createChatCompletionsTestServer } from './testing/chat-completions-server.ts'
import { createResponsesTestServer } from './testing/responses-server.ts'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))
const children: ChildProcess[] = []
const listeners: Listener[] = []

afterEach(async () => {
  for (const child of children.splice(0)) {
    child.kill('SIGKILL')
  }
  for (const listener of listeners.splice(0)) {
    await listener.close()
  }
})

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk) => {
    output += chunk
  })
  child.stderr!.on('data', (chunk) => {
    output += chunk
  })
  return {
    ready: new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 15_000)
      child.stdout!.on('data', () => {
        const url = /listening on (http:\/\/\S+)/.exec(output)?.[1]
        if (url && output.includes('model: ')) {
          clearTimeout(timer)
          resolve(url)
        }
      })
    }),
    exit: new Promise<{ code: number | null; output: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, output })),
    ),
    output: () => output,
  }
}

test('the CLI answers runs with the Chat Completions endpoint it is given', async () => {
  const upstream = createChatCompletionsTestServer({ apiKey: 'sk-from-env' })
  const endpoint = await listen({ fetch: (request) => upstream.fetch(request) }, { port: 0 })
  listeners.push(endpoint)
  const server = run(
    ['--model-base-url', endpoint.url, '--model-api-key-env', 'OAI_RUNS_TEST_KEY', '--model', 'test-model'],
    {
      OAI_RUNS_TEST_KEY: 'sk-from-env',
    },
  )
  const url = await server.ready
  expect(server.output()).toContain(`model: test-model at ${endpoint.url} (chat-completions)`)

  const demo = await (await fetch(`${url}/assistants/asst_demo`)).json()
  expect(demo.tools.map((tool: { type: string }) => tool.type)).toEqual(['function', 'function'])

  const response = await fetch(`${url}/threads/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      assistant_id: 'asst_demo',
      stream: true,
      thread: { messages: [{ role: 'user', content: 'ping' }] },
    }),
  })
  const body = await response.text()
  expect(body).toContain('event: thread.run.completed')
  const completed = body.split('\n\n').find((frame) => frame.startsWith('event: thread.message.completed'))!
  expect(JSON.parse(completed.split('\ndata: ')[1]!).content[0].text.value).toBe('You said: "ping"')
  expect(upstream.requests).toHaveLength(1)
  expect(upstream.requests[0]!.rejected).toBeNull()
  expect(upstream.requests[0]!.body.model).toBe('test-model')
})

test('with --model-api responses the CLI answers runs with the Responses endpoint; the demo keeps its hosted tools', async () => {
  const upstreamFiles = createFilesHandler(createMemoryStore().files!)
  const upstream = createResponsesTestServer({ apiKey: 'sk-from-env', files: upstreamFiles })
  const endpoint = await listen({ fetch: (request) => upstream.fetch(request) }, { port: 0 })
  listeners.push(endpoint)
  const server = run(
    [
      '--model-base-url',
      endpoint.url,
      '--model-api',
      'responses',
      '--model-api-key-env',
      'OAI_RUNS_TEST_KEY',
      '--model',
      'gpt-4.1-mini',
    ],
    { OAI_RUNS_TEST_KEY: 'sk-from-env' },
  )
  const url = await server.ready
  expect(server.output()).toContain(`model: gpt-4.1-mini at ${endpoint.url} (responses)`)
  await vi.waitFor(() =>
    expect(server.output()).toContain(`files and vector stores: passed through to ${endpoint.url}`),
  )
  const demo = await (await fetch(`${url}/assistants/asst_demo`)).json()
  expect(demo.tools.map((tool: { type: string }) => tool.type)).toEqual([
    'function',
    'function',
    'code_interpreter',
    'file_search',
  ])

  const response = await fetch(`${url}/threads/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      assistant_id: 'asst_demo',
      stream: true,
      thread: { messages: [{ role: 'user', content: 'ping' }] },
    }),
  })
  const body = await response.text()
  expect(body).toContain('event: thread.run.completed')
  const completed = body.split('\n\n').find((frame) => frame.startsWith('event: thread.message.completed'))!
  expect(JSON.parse(completed.split('\ndata: ')[1]!).content[0].text.value).toBe('You said: "ping"')
  expect(upstream.requests).toHaveLength(1)
  expect(upstream.requests[0]!.rejected).toBeNull()
  expect(upstream.requests[0]!.path).toBe('/v1/responses')
  expect(upstream.requests[0]!.body.model).toBe('gpt-4.1-mini')
  // No vector store yet: file_search is left out; code_interpreter runs in an auto container.
  expect((upstream.requests[0]!.body.tools as { type: string }[]).map((tool) => tool.type)).toEqual([
    'function',
    'function',
    'code_interpreter',
  ])
  // A file uploaded to our server lands upstream, where the Responses API's file_search reads it.
  const form = new FormData()
  form.set('purpose', 'assistants')
  form.set('file', new Blob(['refunds take 30 days']), 'policy.md')
  const uploaded = await (await fetch(`${url}/files`, { method: 'POST', body: form })).json()
  const listed = await (
    await fetch(`${endpoint.url}/files`, { headers: { authorization: 'Bearer sk-from-env' } })
  ).json()
  expect(listed.data.map((file: { id: string; filename: string }) => [file.id, file.filename])).toEqual([
    [uploaded.id, 'policy.md'],
  ])
})

test.each([
  [['--model', 'gpt-4o'], {}, '--model, --model-api and --model-api-key-env need --model-base-url'],
  [['--model-api', 'responses'], {}, '--model, --model-api and --model-api-key-env need --model-base-url'],
  [
    ['--model-base-url', 'http://127.0.0.1:9/v1', '--model-api', 'assistants'],
    {},
    '--model-api must be chat-completions or responses, got "assistants"',
  ],
  [
    ['--model-base-url', 'http://127.0.0.1:9/v1', '--model-api-key-env', 'OAI_RUNS_UNSET_KEY'],
    {},
    'the environment variable OAI_RUNS_UNSET_KEY is not set',
  ],
  [['--model-base-url', 'ftp://example'], {}, '--model-base-url must be an http(s) URL'],
])('bad model flags %j exit with a message', async (args, env, message) => {
  const { code, output } = await run(args, env).exit
  expect(code).toBe(2)
  expect(output).toContain(message)
})
