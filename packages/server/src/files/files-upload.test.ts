// `POST /v1/files` with hand-built multipart bodies through the server's fetch handler: every malformed body is a
// 400 (or a 413 over the size limit) that says what is wrong, never a 500 or a crash, including under a seeded fuzz
// of mutated bodies; file names come back exactly as sent (bidi and control characters, non-UTF-8 bytes, RFC 5987).
import { connect } from 'node:net'
import { describe, expect, test } from 'vitest'
import { listen } from '../node.ts'
import { createRunsServer } from '../server.ts'

const encoder = new TextEncoder()
const boundary = 'test-boundary-42'

type Part = { headers: string; data: string | Uint8Array }

function body(parts: Part[], options: { close?: boolean; separator?: string } = {}): Uint8Array<ArrayBuffer> {
  const separator = options.separator ?? '\r\n'
  const chunks: Uint8Array[] = []
  for (const part of parts) {
    chunks.push(encoder.encode(`--${boundary}${separator}${part.headers}${separator}${separator}`))
    chunks.push(typeof part.data === 'string' ? encoder.encode(part.data) : part.data)
    chunks.push(encoder.encode(separator))
  }
  if (options.close !== false) {
    chunks.push(encoder.encode(`--${boundary}--${separator}`))
  }
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}

const filePart = (filename = 'notes.md', data: string | Uint8Array = 'hello'): Part => ({
  headers: `Content-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/markdown`,
  data,
})
const field = (name: string, value: string): Part => ({
  headers: `Content-Disposition: form-data; name="${name}"`,
  data: value,
})

function start(options: Parameters<typeof createRunsServer>[0] = {}) {
  const server = createRunsServer({ tokenDelayMs: 0, ...options })
  async function post(
    data: BodyInit,
    contentType = `multipart/form-data; boundary=${boundary}`,
    headers = {},
  ) {
    const response = await server.fetch(
      new Request('http://runs.test/v1/files', {
        method: 'POST',
        headers: { 'content-type': contentType, ...headers },
        body: data as BodyInit,
        duplex: 'half',
      } as RequestInit),
    )
    // biome-ignore lint/suspicious/noExplicitAny: tests read API bodies loosely.
    return { status: response.status, body: (await response.json()) as any }
  }
  return { server, post }
}

const valid = () => body([filePart(), field('purpose', 'assistants')])

describe('malformed uploads are 400s that say what to fix', () => {
  test.each([
    ['a JSON body', 'application/json', '{"purpose":"assistants"}', /upload files as multipart\/form-data/],
    ['no boundary', 'multipart/form-data', valid(), /no valid boundary/],
    [
      'a 10,000-character boundary',
      `multipart/form-data; boundary=${'b'.repeat(10_000)}`,
      valid(),
      /no valid boundary/,
    ],
    [
      'a boundary the body lacks',
      'multipart/form-data; boundary=other',
      valid(),
      /does not contain the boundary/,
    ],
    ['a body cut short', undefined, valid().subarray(0, 60), /cut short|closing boundary/],
    [
      'LF line endings',
      undefined,
      body([filePart(), field('purpose', 'assistants')], { separator: '\n' }),
      /line break/,
    ],
    ['an empty body', undefined, new Uint8Array(0), /does not contain the boundary/],
    [
      'more than 32 parts',
      undefined,
      body(Array.from({ length: 33 }, (_, index) => field(`f${index}`, 'x'))),
      /more than 32 parts/,
    ],
    [
      'a part without Content-Disposition',
      undefined,
      body([{ headers: 'Content-Type: text/plain', data: 'x' }]),
      /no Content-Disposition/,
    ],
    [
      'an unterminated quoted name',
      undefined,
      body([{ headers: 'Content-Disposition: form-data; name="file', data: 'x' }]),
      /unterminated quoted value/,
    ],
  ])('%s', async (_name, contentType, data, message) => {
    const { post } = start()
    const response = await post(data as BodyInit, contentType)
    expect(response.status).toBe(400)
    expect(response.body.error.type).toBe('invalid_request_error')
    expect(response.body.error.message).toMatch(message)
  })

  test.each([
    ['no file part', [field('purpose', 'assistants')], "Missing required parameter: 'file'.", 'file'],
    ['no purpose', [filePart()], "Missing required parameter: 'purpose'.", 'purpose'],
    [
      'an unknown purpose',
      [filePart(), field('purpose', 'training')],
      "Invalid value: 'training'. Supported values are: 'assistants', 'batch', 'fine-tune', 'vision', 'user_data', and 'evals'.",
      'purpose',
    ],
    [
      'a text field named file',
      [field('file', 'not a file'), field('purpose', 'assistants')],
      "The 'file' part must be a file (a part with a filename), not a text field.",
      'file',
    ],
    [
      'two files',
      [filePart(), filePart('b.md'), field('purpose', 'assistants')],
      /more than one 'file' part/,
      'file',
    ],
    [
      'an unknown field',
      [filePart(), field('purpose', 'assistants'), field('colour', 'red')],
      'Unrecognized request argument supplied: colour',
      'colour',
    ],
    [
      'expires_after without seconds',
      [filePart(), field('purpose', 'assistants'), field('expires_after[anchor]', 'created_at')],
      "Missing required parameter: 'expires_after.seconds'.",
      'expires_after.seconds',
    ],
    [
      'expires_after under an hour',
      [
        filePart(),
        field('purpose', 'batch'),
        field('expires_after[anchor]', 'created_at'),
        field('expires_after[seconds]', '60'),
      ],
      /expected an integer from 3600 to 2592000/,
      'expires_after.seconds',
    ],
  ])('%s', async (_name, parts, message, param) => {
    const { post } = start()
    const response = await post(body(parts as Part[]))
    expect(response.status).toBe(400)
    expect(response.body.error.param).toBe(param)
    if (typeof message === 'string') {
      expect(response.body.error.message).toBe(message)
    } else {
      expect(response.body.error.message).toMatch(message)
    }
  })
})

describe('file names are kept exactly', () => {
  test.each([
    [
      'bidi and control characters',
      'a\u202Egnp.exe\u202C\u200F\t\u0001 b.md',
      'a\u202Egnp.exe\u202C\u200F\t\u0001 b.md',
    ],
    ['a quote escaped with a backslash', 'say \\"hi\\".md', 'say "hi".md'],
    ['emoji and CJK', '笔记 🚀.md', '笔记 🚀.md'],
  ])('%s', async (_name, sent, stored) => {
    const { post } = start()
    const response = await post(body([filePart(sent), field('purpose', 'assistants')]))
    expect(response.status).toBe(200)
    expect(response.body.filename).toBe(stored)
  })

  test('non-UTF-8 bytes in a name are read as Latin-1 (one character a byte), not refused', async () => {
    const { post } = start()
    const head = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`)
    const tail = encoder.encode(`"\r\n\r\nhello\r\n`)
    const rest = body([field('purpose', 'assistants')])
    const data = new Uint8Array([...head, 0xff, 0xfe, 0x41, 0xe9, 0x80, 0x9f, ...tail, ...rest])
    const response = await post(data)
    expect(response.status).toBe(200)
    expect(response.body.filename).toBe('\u00ff\u00feA\u00e9\u0080\u009f')
  })

  test('filename* (RFC 5987) wins over filename', async () => {
    const { post } = start()
    const part = {
      headers: `Content-Disposition: form-data; name="file"; filename="fallback.md"; filename*=UTF-8''%E2%80%AEna%C3%AFve.md`,
      data: 'x',
    }
    const response = await post(body([part, field('purpose', 'assistants')]))
    expect(response.body.filename).toBe('\u202Enaïve.md')
  })

  test('a preamble and an epilogue around the parts are ignored', async () => {
    const { post } = start()
    const data = new Uint8Array([
      ...encoder.encode('preamble text\r\n'),
      ...valid(),
      ...encoder.encode('epilogue'),
    ])
    const response = await post(data)
    expect(response.status).toBe(200)
    expect(response.body.bytes).toBe(5)
  })
})

describe('the size limit', () => {
  test('a file over maxFileBytes is a 413 that names the limit', async () => {
    const { post } = start({ maxFileBytes: 1000 })
    expect(
      (await post(body([filePart('ok.md', 'x'.repeat(1000)), field('purpose', 'assistants')]))).status,
    ).toBe(200)
    const response = await post(body([filePart('big.md', 'x'.repeat(1001)), field('purpose', 'assistants')]))
    expect(response.status).toBe(413)
    expect(response.body.error).toMatchObject({
      message:
        'The file is too large: this server accepts uploads of at most 1000 bytes (the maxFileBytes option). Upload a smaller file or raise the limit.',
      code: 'file_too_large',
    })
  })

  test('a body that grows past the limit is cancelled there, not read to its end', async () => {
    const { post } = start({ maxFileBytes: 1000 })
    let pulled = 0
    const chunk = new Uint8Array(16 * 1024).fill(0x78)
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(pulled === 1 ? valid() : chunk)
      },
    })
    const response = await post(stream)
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThan(10) // 1000 bytes + 64 KiB of form room: five chunks, then the cancel
  })

  test('a Content-Length over the limit is refused before the body is read', async () => {
    const { post } = start({ maxFileBytes: 10 })
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(valid())
        controller.close()
      },
    })
    const response = await post(stream, undefined, { 'content-length': String(10 * 1024 * 1024) })
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(1) // a stream may be asked once for its first chunk; it is never read
  })
})

test('fuzz: 400 seeded mutations of a valid body each get a 200, 400 or 413 with an error body, never a 500', async () => {
  const { server, post } = start({ maxFileBytes: 4096 })
  let state = 7
  const random = (limit: number) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0
    return state % limit
  }
  const base = body([filePart('fuzz.md', 'some text'), field('purpose', 'assistants')])
  const statuses = new Map<number, number>()
  for (let round = 0; round < 400; round++) {
    const bytes = Array.from(base)
    for (let edit = 0; edit <= random(4); edit++) {
      const at = random(bytes.length + 1)
      const kind = random(5)
      if (kind === 0) {
        bytes.splice(at) // truncate
      } else if (kind === 1) {
        bytes[at] = random(256) // flip a byte
      } else if (kind === 2) {
        bytes.splice(at, 0, 13, 10) // insert CRLF
      } else if (kind === 3) {
        bytes.splice(at, random(20)) // delete a run
      } else {
        bytes.splice(
          at,
          0,
          ...encoder.encode(['"', ';', '--', `--${boundary}`, '\r\n\r\n', 'filename*='][random(6)]!),
        )
      }
    }
    const response = await post(Uint8Array.from(bytes))
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
    expect([200, 400, 413]).toContain(response.status)
    if (response.status !== 200) {
      expect(typeof response.body.error.message).toBe('string')
    }
  }
  expect(statuses.get(400)).toBeGreaterThan(0)
  const health = await server.fetch(new Request('http://runs.test/v1/files'))
  expect(health.status).toBe(200)
})

/** Sends raw bytes on a socket; resolves with what came back once the server closes or `end` is reached. */
function raw(port: number, head: string, payload: Uint8Array, options: { hangUpAfter?: number } = {}) {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.on('data', (data) => {
      answer += data.toString('latin1')
    })
    socket.on('error', () => resolve(answer))
    socket.on('close', () => resolve(answer))
    socket.write(head)
    if (options.hangUpAfter !== undefined) {
      socket.end(payload.subarray(0, options.hangUpAfter)) // the upload breaks off
    } else {
      socket.write(payload)
    }
    setTimeout(() => socket.destroy(), 2000).unref()
  })
}

test('over a real socket: malformed, oversized and broken-off uploads get answers (or a closed socket), the server serves on', async () => {
  const server = createRunsServer({ tokenDelayMs: 0, maxFileBytes: 2048 })
  const listener = await listen(server, { port: 0 })
  try {
    const bodies: [string, Uint8Array][] = [
      [`multipart/form-data; boundary=${boundary}`, valid()],
      [`multipart/form-data; boundary=${'z'.repeat(5000)}`, valid()],
      [`multipart/form-data; boundary=${boundary}`, valid().subarray(0, 70)],
      [
        `multipart/form-data; boundary=${boundary}`,
        body([filePart('big.md', 'x'.repeat(4096)), field('purpose', 'assistants')]),
      ],
      ['multipart/form-data; boundary="unclosed', valid()],
      [`multipart/form-data; boundary=${boundary}`, Uint8Array.from([0xff, 0xfe, 0x00, 0x0d, 0x0a])],
    ]
    const statuses: string[] = []
    for (const [type, payload] of bodies) {
      const head = `POST /v1/files HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${payload.byteLength}\r\nConnection: close\r\n\r\n`
      statuses.push((await raw(listener.port, head, payload)).split(' ')[1] ?? '')
    }
    expect(statuses).toEqual(['200', '400', '400', '413', '400', '400'])
    // Declares 100 kB, sends 100 bytes, hangs up: nothing to answer, nothing to crash.
    const broken = `POST /v1/files HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000\r\n\r\n`
    await raw(listener.port, broken, valid(), { hangUpAfter: 100 })
    const after = await fetch(`${listener.url}/files`)
    expect(after.status).toBe(200)
    expect((await after.json()).data).toHaveLength(1)
  } finally {
    await listener.close()
    server.close()
  }
})
