// Request shapes (headers, beta header, org/project, defaultQuery, include[] brackets, null vs undefined)
// and checklist T11 (a secret key in a browser).
import { afterEach, describe, expect, test, vi } from 'vitest'
import { type ClientOptions, createClient } from './client.ts'
import { ValidationError } from './errors.ts'

type Call = { url: string; method: string; headers: Record<string, string>; body: string | undefined }

function setup(options: Partial<ClientOptions> = {}) {
  const calls: Call[] = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? 'GET',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string | undefined,
    })
    return new Response(JSON.stringify({ id: 'run_1', object: 'thread.run', status: 'queued' }), {
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_abc' },
    })
  })
  const client = createClient({ baseURL: 'http://api.test/v1/', apiKey: 'sk-test', fetch, ...options })
  return { client, calls }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('headers', () => {
  test('every request sends the bearer key, the assistants=v2 beta header and JSON accept', async () => {
    const { client, calls } = setup()
    await client.runs.retrieve({ threadId: 'thread_1', runId: 'run_1' })
    expect(calls[0]).toMatchObject({
      url: 'http://api.test/v1/threads/thread_1/runs/run_1',
      method: 'GET',
      headers: {
        authorization: 'Bearer sk-test',
        'openai-beta': 'assistants=v2',
        accept: 'application/json',
      },
      body: undefined,
    })
    expect(calls[0]?.headers['content-type']).toBeUndefined()
  })

  test.each([null, false] as const)('betaHeader: %s sends no OpenAI-Beta header', async (betaHeader) => {
    const { client, calls } = setup({ betaHeader })
    await client.threads.retrieve({ threadId: 'thread_1' })
    expect(calls[0]?.headers).not.toHaveProperty('openai-beta')
  })

  test('organization and project are sent as OpenAI-Organization and OpenAI-Project', async () => {
    const { client, calls } = setup({ organization: 'org_1', project: 'proj_1' })
    await client.threads.retrieve({ threadId: 'thread_1' })
    expect(calls[0]?.headers).toMatchObject({ 'openai-organization': 'org_1', 'openai-project': 'proj_1' })
  })

  test('a headers function is awaited per request and sees the method, url and path', async () => {
    const headers = vi.fn(async (request: { method: string; url: string; path: string }) => ({
      authorization: `Bearer token-for-${request.method}`,
    }))
    const { client, calls } = setup({ apiKey: undefined, headers })
    await client.runs.cancel({ threadId: 'thread_1', runId: 'run_1' })
    expect(headers).toHaveBeenCalledWith({
      method: 'POST',
      url: 'http://api.test/v1/threads/thread_1/runs/run_1/cancel',
      path: '/threads/thread_1/runs/run_1/cancel',
    })
    expect(calls[0]?.headers.authorization).toBe('Bearer token-for-POST')
  })

  test('a per-call header of null removes a default header', async () => {
    const { client, calls } = setup()
    await client.threads.retrieve(
      { threadId: 'thread_1' },
      { headers: { authorization: null, 'x-extra': '1' } },
    )
    expect(calls[0]?.headers).not.toHaveProperty('authorization')
    expect(calls[0]?.headers['x-extra']).toBe('1')
  })
})

describe('bodies and queries', () => {
  test('undefined fields are omitted and null fields are sent as null', async () => {
    const { client, calls } = setup()
    await client.runs.create(
      { threadId: 'thread_1' },
      { assistant_id: 'asst_1', instructions: null, model: undefined, temperature: 0.5 },
    )
    expect(calls[0]?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({
      assistant_id: 'asst_1',
      instructions: null,
      temperature: 0.5,
    })
  })

  test('include goes to the query in brackets format, next to the defaultQuery (Azure api-version)', async () => {
    const { client, calls } = setup({ defaultQuery: { 'api-version': '2024-05-01-preview' } })
    await client.runs.create(
      { threadId: 'thread_1' },
      { assistant_id: 'asst_1', include: ['step_details.tool_calls[*].file_search.results[*].content'] },
    )
    const url = new URL(calls[0]?.url ?? '')
    expect(url.pathname).toBe('/v1/threads/thread_1/runs')
    expect(url.searchParams.get('api-version')).toBe('2024-05-01-preview')
    expect(url.searchParams.getAll('include[]')).toEqual([
      'step_details.tool_calls[*].file_search.results[*].content',
    ])
    expect(JSON.parse(calls[0]?.body ?? '')).toEqual({ assistant_id: 'asst_1' })
  })

  test('ids are URL-encoded into the path', async () => {
    const { client, calls } = setup()
    await client.threads.retrieve({ threadId: '../assistants' })
    expect(calls[0]?.url).toBe('http://api.test/v1/threads/..%2Fassistants')
  })

  test('an empty id rejects with ValidationError before any request', async () => {
    const { client, calls } = setup()
    await expect(client.runs.retrieve({ threadId: '', runId: 'run_1' })).rejects.toMatchObject({
      name: 'ValidationError',
      param: 'threadId',
    })
    expect(calls).toHaveLength(0)
  })

  test('withResponse gives the raw response and the request id', async () => {
    const { client } = setup()
    const { data, response, requestId } = await client.runs
      .retrieve({ threadId: 'thread_1', runId: 'run_1' })
      .withResponse()
    expect(data.id).toBe('run_1')
    expect(response.status).toBe(200)
    expect(requestId).toBe('req_abc')
  })
})

describe('configuration', () => {
  test('cacheScope defaults to the base URL and can be set apart from it (SSR prefetch for a browser)', () => {
    expect(createClient({ baseURL: 'http://127.0.0.1:4010/v1' }).cacheScope).toBe('http://127.0.0.1:4010/v1')
    const server = createClient({ baseURL: 'http://127.0.0.1:4010/v1', cacheScope: '/api/runs' })
    expect(server).toMatchObject({ baseURL: 'http://127.0.0.1:4010/v1', cacheScope: '/api/runs' })
  })

  test('an invalid maxRetries or timeout throws ValidationError naming it', () => {
    expect(() => createClient({ baseURL: 'http://x', maxRetries: -1 })).toThrow(ValidationError)
    expect(() => createClient({ baseURL: 'http://x', timeout: 0 })).toThrow(/timeout/)
  })
})

describe('T11 secret keys in a browser', () => {
  function stubBrowser() {
    vi.stubGlobal('window', {})
    vi.stubGlobal('document', {})
  }

  test('an apiKey in a browser throws an error that points to the proxy and hides the key', () => {
    stubBrowser()
    let error: unknown
    try {
      createClient({ baseURL: '/api/runs', apiKey: 'sk-browser-secret-123' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ValidationError)
    expect((error as ValidationError).param).toBe('apiKey')
    expect((error as Error).message).toContain('@oai-runs/server/proxy')
    expect((error as Error).message).not.toContain('sk-browser-secret-123')
  })

  test('dangerouslyAllowBrowser: true accepts the key', () => {
    stubBrowser()
    expect(() =>
      createClient({ baseURL: '/api/runs', apiKey: 'sk-browser-secret-123', dangerouslyAllowBrowser: true }),
    ).not.toThrow()
  })

  test('proxy mode (no key) needs no opt-in, but a baseURL', () => {
    stubBrowser()
    expect(() => createClient({ baseURL: '/api/runs' })).not.toThrow()
    expect(() => createClient({})).toThrow(/baseURL/)
  })

  test('outside a browser an apiKey is fine', () => {
    expect(() => createClient({ apiKey: 'sk-server' })).not.toThrow()
  })
})
