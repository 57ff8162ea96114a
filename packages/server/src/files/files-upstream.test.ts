// createUpstreamFiles behind createRunsServer, against a tiny upstream of the test's own that records what it got:
// the upstream key added (the caller's never forwarded), path and query kept, the body streamed through intact,
// upstream answers and errors passed back, the key never in a response or an error.
import OpenAI, { toFile } from 'openai'
import { describe, expect, test } from 'vitest'
import { createRunsServer } from '../server.ts'
import { createUpstreamFiles } from './upstream.ts'

const upstreamKey = 'sk-upstream-SECRET-0123456789'

interface Received {
  method: string
  url: string
  headers: Headers
  bytes: Uint8Array
}

function setup(answer: (request: Request, bytes: Uint8Array) => Response | Promise<Response>) {
  const received: Received[] = []
  const upstream = async (request: Request) => {
    const bytes = new Uint8Array(await request.arrayBuffer())
    received.push({ method: request.method, url: request.url, headers: request.headers, bytes })
    return answer(request, bytes)
  }
  const server = createRunsServer({
    tokenDelayMs: 0,
    apiKeys: ['local-key'],
    files: createUpstreamFiles({
      baseURL: 'https://upstream.test/openai/v1/',
      apiKey: upstreamKey,
      fetch: upstream,
    }),
  })
  const sent: Uint8Array[] = []
  const client = new OpenAI({
    apiKey: 'local-key',
    baseURL: 'http://runs.test/v1',
    maxRetries: 0,
    fetch: async (url, init) => {
      const request = new Request(url, init)
      sent.push(new Uint8Array(await request.clone().arrayBuffer()))
      return server.fetch(request)
    },
  })
  return { server, client, received, sent }
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const fileObject = {
  id: 'file-up1',
  object: 'file',
  bytes: 5,
  created_at: 1,
  filename: 'notes.md',
  purpose: 'assistants',
  status: 'processed',
}

describe('createUpstreamFiles', () => {
  test('an upload goes upstream with the upstream key, its path, and its multipart body byte for byte', async () => {
    const { client, received, sent } = setup(() => json(fileObject))
    const payload = Buffer.alloc(256 * 1024, 'x')
    const file = await client.files.create({ file: await toFile(payload, 'notes.md'), purpose: 'assistants' })
    expect(file).toEqual(fileObject)
    expect(received).toHaveLength(1)
    const [got] = received
    expect(got!.method).toBe('POST')
    expect(got!.url).toBe('https://upstream.test/openai/v1/files')
    expect(got!.headers.get('authorization')).toBe(`Bearer ${upstreamKey}`)
    expect([...got!.headers.values()].join('\n')).not.toContain('local-key')
    expect(got!.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/)
    expect(got!.bytes).toEqual(sent.at(-1))
  })

  test('the body is streamed: the upstream reads its start while the caller has not yet sent the rest', async () => {
    let pulled = 0
    let pulledWhenUpstreamRead = -1
    const server = createRunsServer({
      files: createUpstreamFiles({
        baseURL: 'https://upstream.test/v1',
        apiKey: upstreamKey,
        fetch: async (request) => {
          const reader = request.body!.getReader()
          await reader.read()
          pulledWhenUpstreamRead = pulled
          await reader.cancel()
          return json(fileObject)
        },
      }),
    })
    const chunk = new Uint8Array(64 * 1024)
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(chunk)
        if (pulled === 100) {
          controller.close()
        }
      },
    })
    const response = await server.fetch(
      new Request('http://runs.test/v1/files', {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        body,
        duplex: 'half',
      } as RequestInit),
    )
    expect(response.status).toBe(200)
    expect(pulledWhenUpstreamRead).toBeGreaterThan(0)
    expect(pulledWhenUpstreamRead).toBeLessThan(100)
  })

  test('path, query and JSON bodies are kept; the answer (status, headers, body) comes back as the upstream sent it', async () => {
    const page = {
      object: 'list',
      data: [fileObject],
      first_id: 'file-up1',
      last_id: 'file-up1',
      has_more: false,
    }
    const { client, received } = setup((request) =>
      new URL(request.url).pathname.endsWith('/search')
        ? json({
            object: 'vector_store.search_results.page',
            search_query: ['q'],
            data: [],
            has_more: false,
            next_page: null,
          })
        : json(page, 200, { 'x-upstream': 'yes', 'x-echo': `key ${upstreamKey}` }),
    )
    const listed = await client.files
      .list({ purpose: 'assistants', limit: 2, after: 'file-x' })
      .withResponse()
    expect(listed.data.data).toEqual([fileObject])
    expect(listed.response.headers.get('x-upstream')).toBe('yes')
    expect(listed.response.headers.get('x-echo')).toBe('key ***')
    expect(received[0]!.url).toBe(
      'https://upstream.test/openai/v1/files?purpose=assistants&limit=2&after=file-x',
    )
    await client.vectorStores.search('vs_up', { query: 'q', max_num_results: 3 })
    expect(received[1]!.url).toBe('https://upstream.test/openai/v1/vector_stores/vs_up/search')
    expect(JSON.parse(new TextDecoder().decode(received[1]!.bytes))).toEqual({
      query: 'q',
      max_num_results: 3,
    })
    expect(received[1]!.headers.get('openai-beta')).toBe('assistants=v2')
  })

  test('a downloaded file passes untouched, even bytes that spell the key', async () => {
    const bytes = new TextEncoder().encode(`binary ${upstreamKey} \u0000\u00ff`)
    const { client } = setup(
      () => new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }),
    )
    const content = await client.files.content('file-up1')
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes)
  })

  test('upstream errors pass through with their status and body, the key masked where the upstream echoed it', async () => {
    const { client } = setup(() =>
      json(
        {
          error: {
            message: `Incorrect API key provided: ${upstreamKey}. No such File object: file-nope`,
            type: 'invalid_request_error',
            param: 'id',
            code: null,
          },
        },
        404,
      ),
    )
    const error = (await client.files
      .retrieve('file-nope')
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.NotFoundError>
    expect(error).toBeInstanceOf(OpenAI.NotFoundError)
    expect(error.message).toBe('404 Incorrect API key provided: ***. No such File object: file-nope')
    expect(error.param).toBe('id')
  })

  test('an unreachable upstream is a 502 that does not carry the key', async () => {
    const { client } = setup(() => {
      throw new Error(`connect ECONNREFUSED (sent Bearer ${upstreamKey})`)
    })
    const error = (await client.files.list().catch((caught: unknown) => caught)) as InstanceType<
      typeof OpenAI.APIError
    >
    expect(error.status).toBe(502)
    expect(error.message).toBe(
      '502 The upstream Files API at https://upstream.test could not be reached (connect ECONNREFUSED (sent Bearer ***)). Try again later.',
    )
  })

  test('the server still checks its own keys first, and other paths stay local', async () => {
    const { server, client, received } = setup(() => json(fileObject))
    const anonymous = await server.fetch(new Request('http://runs.test/v1/files'))
    expect(anonymous.status).toBe(401)
    const assistant = await client.beta.assistants.create({ model: 'gpt-4o' })
    expect(assistant.object).toBe('assistant')
    expect(received).toEqual([])
  })

  test('an empty key is refused when the handler is made', () => {
    expect(() => createUpstreamFiles({ baseURL: 'https://upstream.test/v1', apiKey: '' })).toThrow(
      /apiKey is empty/,
    )
  })
})
