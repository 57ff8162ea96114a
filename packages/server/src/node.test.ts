// The Node listener against what real clients send: every method Node's parser knows, odd request targets,
// requests the parser refuses, uploads cut short, handlers that fail, and a client that reads slowly.
import { METHODS } from 'node:http'
import { connect } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import { demoAssistant } from './demo.ts'
import { type FetchHandler, type Listener, listen } from './node.ts'
import { createRunsProxy } from './proxy.ts'
import { createRunsServer } from './server.ts'

const listeners: Listener[] = []
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((listener) => listener.close()))
})

async function serve(handler: FetchHandler, options: Parameters<typeof listen>[1] = {}) {
  const listener = await listen(handler, options)
  listeners.push(listener)
  return listener
}

interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** Decodes a chunked body (the server streams JSON without a length). */
function dechunk(body: string): string {
  let out = ''
  let rest = body
  for (;;) {
    const end = rest.indexOf('\r\n')
    if (end < 0) {
      return out
    }
    const size = Number.parseInt(rest.slice(0, end), 16)
    if (!size) {
      return out
    }
    out += rest.slice(end + 2, end + 2 + size)
    rest = rest.slice(end + 2 + size + 2)
  }
}

function parseResponse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n')
  expect(split, `no complete HTTP response head in ${JSON.stringify(text.slice(0, 200))}`).toBeGreaterThan(0)
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  const raw = text.slice(split + 4)
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: headers['transfer-encoding'] === 'chunked' ? dechunk(raw) : raw,
  }
}

/** Sends bytes on a fresh socket and reads until the server closes it. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(text))
    socket.write(request)
  })
}

function expectErrorShape(response: RawResponse) {
  expect(response.headers['content-type']).toMatch(/^application\/json/)
  const body = JSON.parse(response.body) as { error: Record<string, unknown> }
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type'])
  expect(typeof body.error.message).toBe('string')
  return body.error
}

function runsServer() {
  const server = createRunsServer({ tokenDelayMs: 0 })
  server.seedAssistant(demoAssistant)
  return server
}

async function stillServes(listener: Listener) {
  const response = await fetch(`${listener.url}/threads`, { method: 'POST', body: '{}' })
  expect(response.status).toBe(200)
  expect(((await response.json()) as { object: string }).object).toBe('thread')
}

const defaultAllow = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'

test('every method Node parses gets an HTTP answer (405 with Allow in the error shape), never a crash', async () => {
  const listener = await serve(runsServer())
  const answered: string[] = []
  for (const method of METHODS) {
    const text = await raw(
      listener.port,
      `${method} /v1/threads HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    )
    const response = parseResponse(text)
    answered.push(method)
    if (defaultAllow.split(', ').includes(method)) {
      expect(response.status, method).not.toBe(405)
      if (method !== 'HEAD' && response.status >= 400) {
        expectErrorShape(response)
      }
    } else {
      expect(response.status, method).toBe(405)
      expect(response.headers.allow, method).toBe(defaultAllow)
      const error = expectErrorShape(response)
      expect(error.message).toContain(method)
      expect(error.code).toBe('method_not_allowed')
    }
  }
  expect(answered).toEqual(METHODS)
  expect(METHODS).toEqual(expect.arrayContaining(['TRACE', 'CONNECT']))
  await stillServes(listener)
})

test('methods are configurable; a method fetch can never carry is refused up front', async () => {
  const listener = await serve(runsServer(), { methods: ['GET', 'POST'] })
  const response = parseResponse(
    await raw(listener.port, 'DELETE /v1/threads/thread_x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
  )
  expect(response.status).toBe(405)
  expect(response.headers.allow).toBe('GET, POST')
  expect(() => listen(runsServer(), { methods: ['GET', 'TRACE'] })).toThrow(/TRACE.*Remove them/)
})

test('absolute-form and protocol-relative targets stay on the listener origin; other targets are a 400', async () => {
  const seen: string[] = []
  const listener = await serve({
    fetch: async (request) => {
      seen.push(request.url)
      return Response.json({ ok: true })
    },
  })
  const origin = listener.url.replace(/\/v1$/, '')
  for (const target of [
    'http://evil.example/v1/x?q=1',
    '//evil.example/v1/x?q=1',
    '/\\evil.example/v1/x?q=1',
  ]) {
    const response = parseResponse(
      await raw(listener.port, `GET ${target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n`),
    )
    expect(response.status, target).toBe(200)
  }
  expect(seen.map((url) => new URL(url).origin)).toEqual([origin, origin, origin])
  expect(seen[0]).toBe(`${origin}/v1/x?q=1`)
  expect(new URL(seen[1]!).pathname).toBe('//evil.example/v1/x')

  const star = parseResponse(
    await raw(listener.port, 'OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
  )
  expect(star.status).toBe(400)
  expect(expectErrorShape(star).message).toContain('is not a path')
  expect(seen).toHaveLength(3)
})

test("what Node's HTTP parser refuses is answered in the API's error shape", async () => {
  const listener = await serve(runsServer())
  const cases: [string, number][] = [
    [`GET /v1/threads HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['FOO /v1/threads HTTP/1.1\r\nHost: a\r\n\r\n', 405],
    ['GET /v1/\x01threads HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['HELLO\r\n\r\n', 405],
    ['TRACK /v1/threads HTTP/1.1\r\nHost: a\r\n\r\n', 405],
    ['GET /v1/threads HTTP/1.1\r\nHost: a\r\nNo Colon Here\r\n\r\n', 400],
    ['POST /v1/threads HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
    ['POST /v1/threads HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
  ]
  for (const [request, status] of cases) {
    const response = parseResponse(await raw(listener.port, request))
    expect(response.status, JSON.stringify(request.slice(0, 40))).toBe(status)
    expectErrorShape(response)
    if (status === 405) {
      expect(response.headers.allow).toBe(defaultAllow)
    }
  }
  await stillServes(listener)
})

test('a client that aborts mid-body leaves the server serving', async () => {
  const server = runsServer()
  const settled: string[] = []
  let started!: () => void
  const handlerStarted = new Promise<void>((resolve) => {
    started = resolve
  })
  const listener = await serve({
    fetch: (request, connection) => {
      started()
      const response = server.fetch(request)
      void response.then(
        (value) => settled.push(`status ${value.status}`),
        () => settled.push('rejected'),
      )
      expect(connection?.remoteAddress).toBe('127.0.0.1')
      return response
    },
  })
  const socket = connect(listener.port, '127.0.0.1')
  socket.on('error', () => {})
  socket.write(
    'POST /v1/threads HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"meta',
  )
  await handlerStarted
  socket.destroy()
  for (let attempt = 0; attempt < 200 && settled.length === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  expect(settled).toHaveLength(1)
  await stillServes(listener)
})

test('a handler that throws synchronously or rejects gets a 500 in the error shape', async () => {
  let mode: 'throw' | 'reject' = 'throw'
  const listener = await serve({
    fetch: (() => {
      if (mode === 'throw') {
        throw new Error('boom')
      }
      return Promise.reject(new Error('boom'))
    }) as FetchHandler['fetch'],
  })
  for (const next of ['throw', 'reject'] as const) {
    mode = next
    const response = parseResponse(
      await raw(listener.port, 'GET /v1/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
    )
    expect(response.status, next).toBe(500)
    expect(expectErrorShape(response).type).toBe('server_error')
  }
})

test('a proxy served with listen() answers TRACE, TRACK and CONNECT and keeps serving', async () => {
  const upstream = runsServer()
  const proxy = createRunsProxy({
    upstream: 'http://upstream.test/v1',
    apiKey: 'sk-test-key-000',
    authorize: () => true,
    fetch: (request) => upstream.fetch(request),
  })
  const listener = await serve(proxy)
  for (const method of ['TRACE', 'TRACK', 'CONNECT']) {
    const response = parseResponse(
      await raw(
        listener.port,
        `${method} /api/runs/threads HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
      ),
    )
    expect(response.status, method).toBe(405)
    expect(response.headers.allow).toBe(defaultAllow)
    expectErrorShape(response)
  }
  const origin = listener.url.replace(/\/v1$/, '')
  const created = await fetch(`${origin}/api/runs/threads`, { method: 'POST', body: '{}' })
  expect(created.status).toBe(200)
})
