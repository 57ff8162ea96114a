// client.files against the real server's fetch handler: retrieve, list (pages, purpose, the 1–10,000 limit),
// content as a raw Response, url() under the base URL, and typed errors.
import { createRunsServer } from '@oai-runs/server'
import { afterEach, describe, expect, test } from 'vitest'
import { createClient } from './client.ts'
import { NotFoundError, ValidationError } from './errors.ts'

const servers: Array<ReturnType<typeof createRunsServer>> = []
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.close()
  }
})

function setup(clientOptions: { baseURL?: string; defaultQuery?: Record<string, string> } = {}) {
  const server = createRunsServer({ tokenDelayMs: 0 })
  servers.push(server)
  const urls: string[] = []
  const client = createClient({
    baseURL: 'http://runs.test/v1',
    apiKey: 'sk-test',
    maxRetries: 0,
    ...clientOptions,
    fetch: (input, init) => {
      const request = new Request(input, init)
      urls.push(request.url)
      return server.fetch(request)
    },
  })
  // Uploads go around the client (it has none): a multipart POST straight to the handler.
  const upload = async (filename: string, text: string, purpose = 'assistants') => {
    const form = new FormData()
    form.set('purpose', purpose)
    form.set('file', new Blob([text]), filename)
    const response = await server.fetch(
      new Request('http://runs.test/v1/files', { method: 'POST', body: form }),
    )
    expect(response.status).toBe(200)
    return ((await response.json()) as { id: string }).id
  }
  return { client, server, urls, upload }
}

describe('client.files', () => {
  test('retrieve returns the file object, with fields of other hosts kept', async () => {
    const { client, upload } = setup()
    const fileId = await upload('refund-policy.md', '# Refunds\nWithin 30 days.')
    const file = await client.files.retrieve({ fileId })
    expect(file).toMatchObject({
      id: fileId,
      object: 'file',
      filename: 'refund-policy.md',
      purpose: 'assistants',
    })
    expect(file.bytes).toBe(new TextEncoder().encode('# Refunds\nWithin 30 days.').byteLength)
    const { response, requestId } = await client.files.retrieve({ fileId }).withResponse()
    expect(response.status).toBe(200)
    expect(requestId).toBeTypeOf('string')
  })

  test('list pages with `after` and filters by purpose; for await walks every file', async () => {
    const { client, upload, urls } = setup()
    const ids = [await upload('a.txt', 'a'), await upload('b.txt', 'b'), await upload('c.txt', 'c', 'vision')]
    const page = await client.files.list({ order: 'asc', limit: 2 })
    expect(page.data.map((file) => file.id)).toEqual(ids.slice(0, 2))
    expect(page.hasNextPage()).toBe(true)
    const next = await page.nextPage()
    expect(next.data.map((file) => file.id)).toEqual(ids.slice(2))
    expect(urls.at(-1)).toBe(`http://runs.test/v1/files?order=asc&after=${ids[1]}&limit=2`)
    const all: string[] = []
    for await (const file of client.files.list({ order: 'asc', limit: 1 })) {
      all.push(file.id)
    }
    expect(all).toEqual(ids)
    const vision = await client.files.list({ purpose: 'vision' })
    expect(vision.data.map((file) => file.filename)).toEqual(['c.txt'])
  })

  test('list accepts the spec limit of up to 10,000 and refuses others before any request', async () => {
    const { client, upload, urls } = setup()
    await upload('a.txt', 'a')
    expect((await client.files.list({ limit: 10_000 })).data).toHaveLength(1)
    const before = urls.length
    for (const limit of [0, 10_001, 1.5]) {
      const error = await client.files.list({ limit }).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(ValidationError)
      expect((error as ValidationError).message).toBe('`limit` must be an integer from 1 to 10000.')
    }
    expect(urls.length).toBe(before)
  })

  test('content is the raw Response: bytes and content type as the server sent them', async () => {
    const { client, upload, urls } = setup()
    const fileId = await upload('notes.md', 'héllo **world**')
    const response = await client.files.content({ fileId })
    expect(response).toBeInstanceOf(Response)
    expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    expect(response.headers.get('content-disposition')).toContain('notes.md')
    expect(await response.text()).toBe('héllo **world**')
    expect(urls.at(-1)).toBe(`http://runs.test/v1/files/${fileId}/content`)
  })

  test('content sends no JSON-only accept header, and its signal still aborts the body after the headers', async () => {
    const seen: Request[] = []
    const controller = new AbortController()
    const client = createClient({
      baseURL: 'http://runs.test/v1',
      apiKey: 'sk-test',
      fetch: async (input, init) => {
        const request = new Request(input, init)
        seen.push(request)
        // A body that ends only when the request is aborted, as a network body does.
        const body = new ReadableStream<Uint8Array>({
          start(stream) {
            stream.enqueue(new Uint8Array([1, 2, 3]))
            request.signal.addEventListener('abort', () => stream.error(new Error('aborted')))
          },
        })
        return new Response(body, { headers: { 'content-type': 'image/png' } })
      },
    })
    const response = await client.files.content({ fileId: 'file-1' }, { signal: controller.signal })
    expect(seen[0]!.headers.get('accept')).toBe('*/*')
    expect(response.headers.get('content-type')).toBe('image/png')
    const reader = response.body!.getReader()
    expect((await reader.read()).value).toEqual(new Uint8Array([1, 2, 3]))
    controller.abort()
    await expect(reader.read()).rejects.toBeDefined()
    expect(seen[0]!.signal.aborted).toBe(true)
  })

  test('a missing file is a NotFoundError; an empty id is a ValidationError without a request', async () => {
    const { client, urls } = setup()
    await expect(client.files.retrieve({ fileId: 'file-nope' })).rejects.toBeInstanceOf(NotFoundError)
    await expect(client.files.content({ fileId: 'file-nope' })).rejects.toBeInstanceOf(NotFoundError)
    const before = urls.length
    await expect(client.files.retrieve({ fileId: '' })).rejects.toBeInstanceOf(ValidationError)
    expect(() => client.files.url({ fileId: ' ' })).toThrow(ValidationError)
    expect(urls.length).toBe(before)
  })

  test('url is the content URL under the base URL: absolute, relative (a proxy path) or with a default query', () => {
    expect(setup().client.files.url({ fileId: 'file-a' })).toBe('http://runs.test/v1/files/file-a/content')
    expect(setup({ baseURL: '/api/runs/' }).client.files.url({ fileId: 'file a/b' })).toBe(
      '/api/runs/files/file%20a%2Fb/content',
    )
    expect(
      setup({
        baseURL: 'https://x.openai.azure.com/openai',
        defaultQuery: { 'api-version': '2024-05-01-preview' },
      }).client.files.url({ fileId: 'assistant-1' }),
    ).toBe('https://x.openai.azure.com/openai/files/assistant-1/content?api-version=2024-05-01-preview')
  })
})
