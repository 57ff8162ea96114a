// The playground backend: sessions, the proxy in front of the embedded server, the thread index, pace and faults.
import { createRunsServer, demoAssistant, type RunModel } from '@oai-runs/server'
import { listen } from '@oai-runs/server/node'
import { afterEach, expect, test } from 'vitest'
import { createPlaygroundApp } from '../playground/app.ts'

const apps: ReturnType<typeof createPlaygroundApp>[] = []
afterEach(() => {
  for (const app of apps.splice(0)) {
    app.close()
  }
})

function setup(options: Parameters<typeof createPlaygroundApp>[0] = { tokenDelayMs: 0 }) {
  const app = createPlaygroundApp(options)
  apps.push(app)
  const call = (path: string, init: RequestInit = {}, cookie?: string) =>
    app.fetch(
      new Request(`http://127.0.0.1:4010${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...init.headers },
      }),
    )
  return { app, call }
}

async function session(call: ReturnType<typeof setup>['call']) {
  const response = await call('/api/playground/config')
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!
  return {
    cookie,
    config: (await response.json()) as { mode: string; assistantId: string; tools: { type: string }[] },
  }
}

test('a session cookie is issued; config names the embedded server and the demo assistant tools', async () => {
  const { call } = setup()
  const { cookie, config } = await session(call)
  expect(cookie).toMatch(/^oai_runs_session=[\w-]{16,}$/)
  expect(config).toMatchObject({ mode: 'embedded', assistantId: 'asst_demo' })
  expect(config.tools.map((tool) => tool.type)).toContain('function')
})

test('threads created through the proxy are indexed per session and hidden from other sessions', async () => {
  const { call } = setup()
  const alice = (await session(call)).cookie
  const bob = (await session(call)).cookie
  const created = await call(
    '/api/runs/threads/runs',
    {
      method: 'POST',
      body: JSON.stringify({
        assistant_id: 'ignored',
        thread: { messages: [{ role: 'user', content: 'Hello' }] },
      }),
    },
    alice,
  )
  const run = (await created.json()) as { thread_id: string; assistant_id: string }
  expect(run.assistant_id).toBe('asst_demo')
  const list = (await (await call('/api/playground/threads', {}, alice)).json()) as { data: { id: string }[] }
  expect(list.data.map((thread) => thread.id)).toEqual([run.thread_id])
  expect(
    ((await (await call('/api/playground/threads', {}, bob)).json()) as { data: unknown[] }).data,
  ).toEqual([])
  expect((await call(`/api/runs/threads/${run.thread_id}/messages`, {}, bob)).status).toBe(404)
  expect((await call(`/api/runs/threads/${run.thread_id}/messages`, {}, alice)).status).toBe(200)
  expect((await call(`/api/runs/threads/${run.thread_id}/messages`)).status).toBe(401)
  const titled = await call(
    `/api/playground/threads/${run.thread_id}`,
    { method: 'PATCH', body: JSON.stringify({ title: 'Greeting' }) },
    alice,
  )
  expect(((await titled.json()) as { title: string }).title).toBe('Greeting')
  expect(
    (await call(`/api/playground/threads/${run.thread_id}`, { method: 'PATCH', body: '{}' }, bob)).status,
  ).toBe(404)
})

test('faults and pace reach the embedded server', async () => {
  const { call } = setup()
  const { cookie } = await session(call)
  await call(
    '/api/playground/faults',
    { method: 'POST', body: JSON.stringify({ operation: 'createThread', status: 429, retryAfterMs: 5 }) },
    cookie,
  )
  const limited = await call('/api/runs/threads', { method: 'POST', body: '{}' }, cookie)
  expect(limited.status).toBe(429)
  expect(limited.headers.get('retry-after-ms')).toBe('5')
  expect((await call('/api/runs/threads', { method: 'POST', body: '{}' }, cookie)).status).toBe(200)
  expect(
    (await call('/api/playground/pace', { method: 'POST', body: '{"tokenDelayMs":0}' }, cookie)).status,
  ).toBe(200)
})

test('upstream mode: the browser talks only to the proxy, which holds the key', async () => {
  const upstream = createRunsServer({ tokenDelayMs: 0, apiKeys: ['sk-upstream-key'] })
  upstream.seedAssistant({ ...demoAssistant, id: 'asst_remote' })
  const listener = await listen(upstream, { port: 0 })
  try {
    const { call } = setup({ upstream: listener.url, apiKey: 'sk-upstream-key', assistantId: 'asst_remote' })
    const { cookie, config } = await session(call)
    expect(config).toMatchObject({ mode: 'upstream', assistantId: 'asst_remote' })
    expect(config.tools.length).toBeGreaterThan(0)
    const created = await call('/api/runs/threads', { method: 'POST', body: '{}' }, cookie)
    expect(created.status).toBe(200)
    expect(await created.text()).not.toContain('sk-upstream-key')
    expect((await call('/api/playground/faults', {}, cookie)).status).toBe(404)
    expect((await call('/v1/assistants', {}, cookie)).status).toBe(404)
  } finally {
    upstream.close()
    await listener.close()
  }
})

test('an Azure-style upstream gets the api-key header, api-version and no beta header on every call', async () => {
  const upstream = createRunsServer({ tokenDelayMs: 0, apiKeys: ['sk-azure-key'] })
  upstream.seedAssistant({ ...demoAssistant, id: 'asst_azure' })
  const seen: { path: string; apiKey: string | null; version: string | null; beta: string | null }[] = []
  // A gateway in front of our server that speaks Azure's dialect: api-key header and an api-version query.
  const gateway = await listen(
    {
      fetch(request: Request) {
        const url = new URL(request.url)
        seen.push({
          path: url.pathname,
          apiKey: request.headers.get('api-key'),
          version: url.searchParams.get('api-version'),
          beta: request.headers.get('openai-beta'),
        })
        const headers = new Headers(request.headers)
        headers.set('authorization', `Bearer ${request.headers.get('api-key')}`)
        return upstream.fetch(new Request(request, { headers }))
      },
    },
    { port: 0 },
  )
  try {
    const { call } = setup({
      upstream: gateway.url,
      apiKey: 'sk-azure-key',
      apiVersion: '2024-05-01-preview',
      betaHeader: 'none',
      assistantId: 'asst_azure',
    })
    const { cookie, config } = await session(call)
    expect(config.tools.length).toBeGreaterThan(0) // read through our client, with the same credentials
    expect((await call('/api/runs/threads', { method: 'POST', body: '{}' }, cookie)).status).toBe(200)
    expect(seen.map((entry) => entry.path)).toEqual(['/v1/assistants/asst_azure', '/v1/threads'])
    for (const entry of seen) {
      expect(entry).toMatchObject({ apiKey: 'sk-azure-key', version: '2024-05-01-preview', beta: null })
    }
  } finally {
    upstream.close()
    await gateway.close()
  }
})

test('upstream mode without an assistant id fails at start with a message that says what to set', () => {
  expect(() => createPlaygroundApp({ upstream: 'http://127.0.0.1:1/v1', apiKey: 'k' })).toThrow(
    'OAI_RUNS_ASSISTANT_ID is required with OAI_RUNS_UPSTREAM',
  )
})

test('the embedded server can run a real model: the demo assistant then keeps only its function tools', async () => {
  const model: RunModel = async function* () {
    yield { type: 'text', text: 'from the model' }
  }
  const { call } = setup({ tokenDelayMs: 0, model })
  const { cookie, config } = await session(call)
  expect(new Set(config.tools.map((tool) => tool.type))).toEqual(new Set(['function']))
  const created = await call(
    '/api/runs/threads/runs',
    {
      method: 'POST',
      body: JSON.stringify({ assistant_id: 'x', thread: { messages: [{ role: 'user', content: 'hi' }] } }),
    },
    cookie,
  )
  const run = (await created.json()) as { thread_id: string; id: string }
  let reply = ''
  for (let attempt = 0; attempt < 200 && !reply; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
    const messages = (await (
      await call(`/api/runs/threads/${run.thread_id}/messages`, {}, cookie)
    ).json()) as {
      data: { role: string; content: { text?: { value: string } }[] }[]
    }
    reply = messages.data.find((message) => message.role === 'assistant')?.content[0]?.text?.value ?? ''
  }
  expect(reply).toBe('from the model')
})
