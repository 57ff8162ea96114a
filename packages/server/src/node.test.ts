// The Node listener against what real clients send: every method Node's parser knows, odd request targets,
// requests the parser refuses, uploads cut short, handlers that fail, and a client that reads slowly.
import { METHODS } from 'node:http'
import { connect } from 'node:net'
import { afterEach, expect, test } from 'vitest'
import { demoAssistant } from './demo.ts'
import type { RunModel } from './model.ts'
import { type FetchHandler, type Listener, listen } from './node.ts'
import { createRunsProxy } from './proxy.ts'
import { scriptedModel } from './scripted-model.ts'
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

/** Wraps a handler so the test sees how many body bytes the listener has read out of each streamed response. */
function countingPulls(inner: FetchHandler) {
  const pulled: number[] = []
  return {
    pulled,
    handler: {
      async fetch(request: Request) {
        const response = await inner.fetch(request)
        if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
          return response
        }
        const index = pulled.push(0) - 1
        const reader = response.body.getReader()
        // highWaterMark 0: nothing is read ahead; a byte counts once the listener asked for it.
        const body = new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              const { done, value } = await reader.read()
              if (done) {
                controller.close()
                return
              }
              pulled[index]! += value.byteLength
              controller.enqueue(value)
            },
            cancel: (reason) => reader.cancel(reason),
          },
          { highWaterMark: 0 },
        )
        return new Response(body, { status: response.status, headers: response.headers })
      },
    } satisfies FetchHandler,
  }
}

/** The scripted model, except that `/wide N` answers N tokens of 1,000 characters each (a large stream, quickly). */
const wideModel: RunModel = (context) => {
  const last = context.messages.at(-1)?.content[0]
  const command = last?.type === 'text' ? /^\/wide (\d+)$/.exec(last.text.value) : null
  if (!command) {
    return scriptedModel(context)
  }
  const count = Number(command[1])
  return (async function* () {
    for (let index = 0; index < count; index++) {
      yield { type: 'text' as const, text: `${String(index).padStart(6, '0')} ${'x'.repeat(993)}` }
    }
  })()
}

async function waitForRun(listener: Listener, threadId: string, wanted: string) {
  let status = ''
  // Counted polls, not a deadline: the run is driven by the server alone.
  for (let poll = 0; poll < 2000 && status !== wanted; poll++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    const runs = (await (await fetch(`${listener.url}/threads/${threadId}/runs`)).json()) as {
      data: { status: string }[]
    }
    status = runs.data[0]?.status ?? ''
  }
  return status
}

async function newThread(listener: Listener, content: string) {
  const response = await fetch(`${listener.url}/threads`, {
    method: 'POST',
    body: JSON.stringify({ messages: [{ role: 'user', content }] }),
  })
  return ((await response.json()) as { id: string }).id
}

test('a slow reader is served with backpressure: the server holds a bounded amount for it, the run completes, and a reader that falls too far behind gets an error event after an unbroken prefix', async () => {
  const server = createRunsServer({ tokenDelayMs: 0, model: wideModel })
  server.seedAssistant(demoAssistant)
  const { handler, pulled } = countingPulls(server)
  const listener = await serve(handler)
  // 10,000 tokens of 1,000 characters: a 20 MB stream, produced much faster than this reader takes it.
  const threadId = await newThread(listener, '/wide 10000')
  const body = JSON.stringify({ assistant_id: demoAssistant.id, stream: true })
  const socket = connect(listener.port, '127.0.0.1')
  socket.write(
    `POST /v1/threads/${threadId}/runs HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
  // The reader takes nothing until the run has ended on the server.
  socket.pause()
  expect(await waitForRun(listener, threadId, 'completed')).toBe('completed')
  const whilePaused = pulled[0]!

  // Meanwhile another client streams a run of its own to the end.
  const other = await newThread(listener, '/long 50')
  const fast = await fetch(`${listener.url}/threads/${other}/runs`, { method: 'POST', body })
  expect((await fast.text()).trimEnd().endsWith('data: [DONE]')).toBe(true)
  expect(pulled).toHaveLength(2)

  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const closed = new Promise((resolve) => socket.on('close', resolve))
  socket.resume()
  await closed
  const response = parseResponse(Buffer.concat(chunks).toString('utf8'))
  const total = pulled[0]!
  // What the listener read while nobody took it can only sit in the socket's buffers (the kernel's, about
  // 4 MiB on loopback, and Node's high-water mark): without 'drain' it reads the whole stream at once.
  expect(whilePaused).toBeLessThan(8 * 1024 * 1024)
  // The rest waited in the stream's queue, at most 1 MiB; past that the stream was dropped: after the reader
  // resumed, only the error event was left to read, not the 20 MB the run sent (its deltas and its completed message).
  expect(total - whilePaused).toBeLessThan(4096)
  expect(total).toBeLessThan(10_000 * 1000)
  expect(Buffer.byteLength(response.body)).toBeGreaterThanOrEqual(total)

  const events = response.body.split('\n\n').filter(Boolean)
  const deltas = events.filter((event) => event.startsWith('event: thread.message.delta'))
  expect(deltas.length).toBeGreaterThan(0)
  expect(deltas.length).toBeLessThan(10_000)
  const values = deltas.map(
    (event) =>
      (JSON.parse(event.split('data: ')[1]!) as { delta: { content: { text: { value: string } }[] } }).delta
        .content[0]!.text.value,
  )
  // An unbroken prefix of the run's tokens, then a clear end: an error event, no `done`.
  expect(values.map((value) => Number(value.slice(0, 6)))).toEqual([...Array(deltas.length).keys()])
  expect(events.at(-1)).toMatch(/^event: error\ndata: \{/)
  expect(JSON.parse(events.at(-1)!.split('data: ')[1]!)).toMatchObject({
    type: 'server_error',
    code: 'stream_too_far_behind',
  })
  expect(events.some((event) => event.startsWith('event: done'))).toBe(false)
}, 60_000)

test('fuzz: 10,000 random and malformed requests always get an HTTP answer in the error shape; the server serves on', async () => {
  const server = runsServer()
  const listener = await serve(server)
  let state = 2024
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!
  const methods = [...METHODS, 'GET', 'POST', 'POST', 'FOO', 'get', 'G@T', 'TRACK']
  const paths = [
    '/v1/threads',
    '/v1/threads/runs',
    '/v1/threads/thread_x',
    '/v1/threads/thread_x/runs',
    '/v1/assistants',
    '/v1/%zz',
    '/v1/threads/%00',
    '/',
    '*',
    'http://evil.example/v1/threads',
    '//evil.example/v1/threads',
    '/\\evil.example',
    'threads',
    '/v1/\x01',
    `/v1/${'a'.repeat(9000)}`,
    '/v1/th reads',
    '/v1/threads?limit=5&order=asc&after=x',
  ]
  const bodies = [
    '',
    '{}',
    '{"messages":[{"role":"user","content":"hi"}]}',
    '{"assistant_id":"asst_demo","stream":true,"thread":{"messages":[{"role":"user","content":"hi"}]}}',
    '{"assistant_id":"asst_demo","stream":"yes"}',
    '{"metadata":{"a":1}}',
    '[1,2]',
    'null',
    '{"unterminated":',
    '\xff\xfe\x00garbage',
    'é'.repeat(300),
  ]
  const extraHeaders = [
    '',
    'Content-Type: application/json\r\n',
    'Content-Type: text/plain; charset=latin1\r\n',
    'Authorization: Bearer sk-whatever\r\n',
    'OpenAI-Beta: assistants=v2\r\n',
    'X-Forwarded-For: 1.2.3.4\r\n',
    'Accept: text/event-stream\r\n',
    'Expect: 100-continue\r\n',
    'Expect: teapot\r\n',
    'X-Latin: caf\xe9\r\n',
    `X-Big: ${'b'.repeat(17_000)}\r\n`,
    'Bad Header Line\r\n',
    'Content-Length: -1\r\n',
    'Transfer-Encoding: gzip, chunked\r\n',
  ]

  type Outcome = { answered: boolean; text: string; request: string; optional: boolean }
  const one = (): Promise<Outcome> => {
    const method = pick(methods)
    const path = pick(paths)
    const body = pick(bodies)
    const headers = [pick(extraHeaders), pick(extraHeaders)].join('')
    const framing = pick(['length', 'length', 'chunked', 'bad-chunked', 'none', 'abort'] as const)
    const bytes = Buffer.from(body, 'latin1')
    let head = `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}`
    let payload: Buffer = Buffer.alloc(0)
    if (framing === 'length' || framing === 'abort') {
      head += `Content-Length: ${framing === 'abort' ? bytes.length + 100 : bytes.length}\r\n`
      payload = bytes
    } else if (framing === 'chunked') {
      head += 'Transfer-Encoding: chunked\r\n'
      payload = Buffer.concat([
        Buffer.from(`${bytes.length.toString(16)}\r\n`),
        bytes,
        Buffer.from('\r\n0\r\n\r\n'),
      ])
    } else if (framing === 'bad-chunked') {
      head += 'Transfer-Encoding: chunked\r\n'
      payload = Buffer.from('zz\r\nnope\r\n')
    }
    const request = `${head}\r\n`
    // An aborted upload, or a body the declared framing leaves unfinished, may end without an answer.
    const optional = framing === 'abort' || /Content-Length: -1|gzip, chunked/.test(headers)
    return new Promise((resolve) => {
      const socket = connect(listener.port, '127.0.0.1')
      let text = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        text += chunk
      })
      socket.on('error', () => {})
      const guard = setTimeout(() => socket.destroy(), 10_000)
      socket.on('close', () => {
        clearTimeout(guard)
        resolve({ answered: /^HTTP\/1\.1 \d{3} /.test(text), text, request: request.slice(0, 300), optional })
      })
      socket.write(Buffer.concat([Buffer.from(request, 'latin1'), payload]))
      if (framing === 'abort') {
        setImmediate(() => socket.destroy())
      }
    })
  }

  const statuses = new Map<number, number>()
  let unanswered = 0
  let total = 0
  const worker = async () => {
    while (total < 10_000) {
      total++
      const outcome = await one()
      if (!outcome.answered) {
        expect(outcome.optional, `no answer to ${JSON.stringify(outcome.request)}`).toBe(true)
        unanswered++
        continue
      }
      // `Expect: 100-continue` gets an interim 100 first; the final answer follows it.
      const response = parseResponse(outcome.text.replace(/^(HTTP\/1\.1 100 [^\r]*\r\n\r\n)+/, ''))
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      const isHead = outcome.request.startsWith('HEAD ')
      if (response.status >= 400 && !isHead) {
        const body = JSON.parse(response.body) as { error: Record<string, unknown> }
        expect(Object.keys(body.error).sort(), outcome.request).toEqual(['code', 'message', 'param', 'type'])
      }
      if (response.status === 405) {
        expect(response.headers.allow).toBe(defaultAllow)
      }
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  expect(total).toBe(10_000)
  // The mix reached every kind of answer, and most requests were answered.
  for (const status of [200, 400, 404, 405, 417, 431]) {
    expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0)
  }
  expect(unanswered).toBeLessThan(2500)
  await stillServes(listener)
}, 120_000)
