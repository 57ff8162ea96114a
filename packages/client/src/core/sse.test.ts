import { readFileSync } from 'node:fs'
import { createParser } from 'eventsource-parser'
import { describe, expect, test, vi } from 'vitest'
import { StreamBufferLimitError, StreamIdleTimeoutError } from './errors.ts'
import { iterateSse, type SseMessage } from './sse.ts'

const utf8 = new TextEncoder()
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))

// A 10-line SSE encoder (eventsource-encoder's job), enough for tests.
function encode(messages: Array<{ event?: string; data: string; id?: string }>, eol = '\n'): string {
  return messages
    .map(({ event, data, id }) => {
      const lines = [event ? `event: ${event}` : '', id ? `id: ${id}` : '']
      lines.push(...data.split('\n').map((line) => `data: ${line}`))
      return `${lines.filter(Boolean).join(eol)}${eol}${eol}`
    })
    .join('')
}

type Tracked = { stream: ReadableStream<Uint8Array>; cancelled: () => boolean; pulled: () => number }

// A body that hands out the given chunks, optionally stays open (never closes) and records cancel().
function bodyOf(chunks: Uint8Array[], options: { keepOpen?: boolean } = {}): Tracked {
  let cancelled = false
  let pulled = 0
  const queue = [...chunks]
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = queue.shift()
      if (chunk) {
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      } else if (!options.keepOpen) {
        controller.close()
      } else {
        return new Promise(() => undefined)
      }
    },
    cancel() {
      cancelled = true
    },
  })
  return { stream, cancelled: () => cancelled, pulled: () => pulled }
}

function split(bytes: Uint8Array, sizes: (index: number) => number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = Math.max(1, sizes(index))
    chunks.push(bytes.slice(offset, offset + size))
    offset += size
  }
  return chunks
}

function seededRandom(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32
    return state / 2 ** 32
  }
}

async function collect(chunks: Uint8Array[] | Uint8Array, options = {}): Promise<SseMessage[]> {
  const list = chunks instanceof Uint8Array ? [chunks] : chunks
  const messages: SseMessage[] = []
  for await (const message of iterateSse(bodyOf(list).stream, options)) {
    messages.push(message)
  }
  return messages
}

describe('S1: chunking does not change the events', () => {
  for (const name of ['plain-text.sse', 'function-call.sse', 'submit-continuation.sse']) {
    test(`${name} fed whole, byte by byte and in random chunks gives identical events`, async () => {
      const bytes = new Uint8Array(fixture(name))
      const whole = await collect(bytes)
      expect(whole.length).toBeGreaterThan(10)
      expect(whole.at(-1)).toEqual({ event: 'done', data: '[DONE]' })
      expect(await collect(split(bytes, () => 1))).toEqual(whole)
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed)
        expect(await collect(split(bytes, () => Math.floor(random() * 64)))).toEqual(whole)
      }
    })
  }
})

describe('S2: line endings', () => {
  const messages = [
    { event: 'thread.run.created', data: '{"a":1}' },
    { event: 'thread.message.delta', data: '{"b":2}' },
  ]

  test('LF, CR and CRLF endings give the same events', async () => {
    const lf = await collect(utf8.encode(encode(messages, '\n')))
    expect(lf).toEqual(messages)
    expect(await collect(utf8.encode(encode(messages, '\r')))).toEqual(lf)
    expect(await collect(utf8.encode(encode(messages, '\r\n')))).toEqual(lf)
  })

  test('a CRLF split between chunks makes no phantom empty event', async () => {
    const bytes = utf8.encode(encode(messages, '\r\n'))
    const cuts = [...bytes.keys()].filter((index) => bytes[index] === 13).map((index) => index + 1)
    const chunks = [0, ...cuts].map((start, index) => bytes.slice(start, cuts[index] ?? bytes.length))
    expect(chunks.every((chunk, index) => index === 0 || chunk[0] === 10)).toBe(true)
    expect(await collect(chunks)).toEqual(messages)
    expect(await collect(split(bytes, () => 1))).toEqual(messages)
  })
})

describe('S3: BOM and multi-byte text', () => {
  test('a leading UTF-8 BOM is stripped once, even when split byte by byte', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(encode([{ event: 'x', data: '1' }]))])
    expect(await collect(bytes)).toEqual([{ event: 'x', data: '1' }])
    expect(await collect(split(bytes, () => 1))).toEqual([{ event: 'x', data: '1' }])
  })

  test('a BOM inside data is kept (only the stream start is stripped)', async () => {
    const bytes = utf8.encode(`\uFEFF${encode([{ event: 'x', data: '\uFEFFkept' }])}`)
    expect(await collect(bytes)).toEqual([{ event: 'x', data: '\uFEFFkept' }])
  })

  test('emoji and CJK split mid-sequence arrive intact, and U+2028 stays in data', async () => {
    const data = '{"value":"héllo 😀 你好 \u2028 end"}'
    const bytes = utf8.encode(encode([{ event: 'thread.message.delta', data }]))
    const emojiStart = bytes.indexOf(0xf0)
    const chunks = [
      bytes.slice(0, emojiStart + 2),
      bytes.slice(emojiStart + 2, emojiStart + 3),
      bytes.slice(emojiStart + 3),
    ]
    expect(await collect(chunks)).toEqual([{ event: 'thread.message.delta', data }])
    expect(await collect(split(bytes, () => 1))).toEqual([{ event: 'thread.message.delta', data }])
    expect(JSON.parse((await collect(bytes))[0]!.data).value).toContain('\u2028')
  })
})

describe('S4: comments, fields and multi-line data', () => {
  test('comments, unknown fields and retry make no events; id is kept', async () => {
    const text = ': keep-alive\n\nretry: 1000\nfoo: bar\n\nevent: x\nid: 7\nunknown: 1\ndata: {}\n\n: bye\n'
    expect(await collect(utf8.encode(text))).toEqual([{ event: 'x', data: '{}', id: '7' }])
  })

  test('multi-line data is joined with \\n, and an event with no data is not dispatched', async () => {
    const text = 'event: empty\n\nevent: multi\ndata: {"a":\ndata: 1}\n\n'
    const messages = await collect(utf8.encode(text))
    expect(messages).toEqual([{ event: 'multi', data: '{"a":\n1}' }])
    expect(JSON.parse(messages[0]!.data)).toEqual({ a: 1 })
  })

  test('an event without an event line is named "message"', async () => {
    expect(await collect(utf8.encode('data: hi\n\n'))).toEqual([{ event: 'message', data: 'hi' }])
  })

  test('keep-alive comments reset the idle timer', async () => {
    let ticks = 0
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 20))
        ticks++
        if (ticks < 8) {
          controller.enqueue(utf8.encode(': keep-alive\n\n'))
        } else {
          controller.enqueue(utf8.encode('event: x\ndata: 1\n\n'))
          controller.close()
        }
      },
    })
    const messages: SseMessage[] = []
    for await (const message of iterateSse(stream, { idleTimeoutMs: 80 })) {
      messages.push(message)
    }
    expect(ticks).toBe(8) // 160 ms in total, longer than the idle limit
    expect(messages).toEqual([{ event: 'x', data: '1' }])
  })
})

describe('S8: idle timeout', () => {
  test('no byte for idleTimeoutMs throws StreamIdleTimeoutError and cancels the body', async () => {
    const body = bodyOf([utf8.encode('event: x\ndata: 1\n\n')], { keepOpen: true })
    const messages: SseMessage[] = []
    const run = async () => {
      for await (const message of iterateSse(body.stream, { idleTimeoutMs: 30 })) {
        messages.push(message)
      }
    }
    await expect(run()).rejects.toBeInstanceOf(StreamIdleTimeoutError)
    expect(messages).toEqual([{ event: 'x', data: '1' }])
    expect(body.cancelled()).toBe(true)
  })

  test('the limit costs one timer per idle period, not one per chunk', async () => {
    const chunks = Array.from({ length: 500 }, (_, index) => utf8.encode(`event: x\ndata: ${index}\n\n`))
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    try {
      let count = 0
      for await (const _ of iterateSse(bodyOf(chunks).stream, { idleTimeoutMs: 60_000 })) {
        count++
      }
      expect(count).toBe(500)
      expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(1)
    } finally {
      setTimeoutSpy.mockRestore()
    }
  })

  test('a consumer slower than the limit between reads is not idle: only a read that waits counts', async () => {
    const chunks = Array.from({ length: 4 }, (_, index) => utf8.encode(`event: x\ndata: ${index}\n\n`))
    const seen: string[] = []
    for await (const message of iterateSse(bodyOf(chunks).stream, { idleTimeoutMs: 20 })) {
      seen.push(message.data)
      await new Promise((resolve) => setTimeout(resolve, 40)) // the app is busy; the body had the next chunk
    }
    expect(seen).toEqual(['0', '1', '2', '3'])
  })
})

describe('S11: buffer limit', () => {
  test('an event larger than maxEventBytes fails with StreamBufferLimitError, whole or chunked', async () => {
    const bytes = utf8.encode(
      encode([
        { event: 'small', data: '1' },
        { event: 'big', data: 'x'.repeat(5000) },
      ]),
    )
    for (const chunks of [[bytes], split(bytes, () => 100)]) {
      const messages: SseMessage[] = []
      const run = async () => {
        for await (const message of iterateSse(bodyOf(chunks).stream, { maxEventBytes: 1000 })) {
          messages.push(message)
        }
      }
      await expect(run()).rejects.toBeInstanceOf(StreamBufferLimitError)
      expect(messages).toEqual([{ event: 'small', data: '1' }])
    }
  })

  test('an endless data line stops near the limit: memory stays bounded and the body is cancelled', async () => {
    let pulled = 0
    let cancelled = false
    const chunk = utf8.encode('x'.repeat(1024))
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(utf8.encode('event: big\ndata: '))
      },
      pull(controller) {
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const run = async () => {
      for await (const _message of iterateSse(stream, { maxEventBytes: 64 * 1024 })) {
        // never reached
      }
    }
    await expect(run()).rejects.toBeInstanceOf(StreamBufferLimitError)
    expect(pulled).toBeLessThan(2 * 64 * 1024)
    expect(cancelled).toBe(true)
  })
})

describe('S14: abort and early exit release the body', () => {
  test('aborting the signal mid-stream ends quietly and cancels the body', async () => {
    const body = bodyOf([utf8.encode('event: a\ndata: 1\n\n')], { keepOpen: true })
    const controller = new AbortController()
    const messages: SseMessage[] = []
    for await (const message of iterateSse(body.stream, { signal: controller.signal })) {
      messages.push(message)
      controller.abort()
    }
    expect(messages).toEqual([{ event: 'a', data: '1' }])
    expect(body.cancelled()).toBe(true)
    expect(body.stream.locked).toBe(false)
  })

  test('breaking out of for-await cancels the body and releases the reader', async () => {
    const body = bodyOf(
      [
        utf8.encode(
          encode([
            { event: 'a', data: '1' },
            { event: 'b', data: '2' },
          ]),
        ),
      ],
      {
        keepOpen: true,
      },
    )
    for await (const message of iterateSse(body.stream)) {
      expect(message.event).toBe('a')
      break
    }
    expect(body.cancelled()).toBe(true)
    expect(body.stream.locked).toBe(false)
  })

  test('an already-aborted signal yields nothing and cancels the body', async () => {
    const body = bodyOf([utf8.encode('event: a\ndata: 1\n\n')])
    const messages = []
    for await (const message of iterateSse(body.stream, { signal: AbortSignal.abort() })) {
      messages.push(message)
    }
    expect(messages).toEqual([])
    expect(body.cancelled()).toBe(true)
  })

  test('a Response with an empty body yields nothing', async () => {
    const messages = []
    for await (const message of iterateSse(new Response(null))) {
      messages.push(message)
    }
    expect(messages).toEqual([])
  })
})

// Our parser against eventsource-parser (a dev dependency kept as the oracle) on random, often malformed streams:
// every field kind, comments, unknown fields, fields without a colon or space, NUL in ids, CR/LF/CRLF mixed,
// non-ASCII text, a BOM, cut at random bytes.
describe('the line parser agrees with eventsource-parser', () => {
  const pieces = ['a', ' ', ':', 'é', '日本', '🙂', '{"x":1}', '\0', 'data', 'event', 'id', '\u2028']
  const fields = ['data', 'data', 'data', 'event', 'id', 'retry', 'dat', 'data ', 'unknown', '', 'Data']
  const endings = ['\n', '\r', '\r\n']

  function randomStream(random: () => number): string {
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!
    const value = () => Array.from({ length: Math.floor(random() * 5) }, () => pick(pieces)).join('')
    let text = random() < 0.1 ? '\uFEFF' : ''
    const lines = 5 + Math.floor(random() * 60)
    for (let index = 0; index < lines; index++) {
      const roll = random()
      const line =
        roll < 0.2
          ? '' // a blank line: dispatch
          : roll < 0.27
            ? `:${value()}` // a comment
            : roll < 0.32
              ? pick(fields) // a field with no colon
              : `${pick(fields)}:${random() < 0.7 ? ' ' : ''}${value()}`
      text += line + pick(endings)
    }
    return random() < 0.2 ? text + value() : text // sometimes an unterminated last line
  }

  function oracle(text: string): SseMessage[] {
    const messages: SseMessage[] = []
    const parser = createParser({
      onEvent({ event, data, id }) {
        messages.push(
          id === undefined ? { event: event ?? 'message', data } : { event: event ?? 'message', data, id },
        )
      },
    })
    // What the body decodes to (TextDecoder drops a leading BOM); a final CR is a line end at EOF.
    const decoded = new TextDecoder().decode(utf8.encode(text))
    parser.feed(decoded.endsWith('\r') ? `${decoded}\n` : decoded)
    return messages
  }

  test('500 random streams, whole and cut at random bytes, give the same messages', async () => {
    const random = seededRandom(20261129)
    let dispatched = 0
    for (let round = 0; round < 500; round++) {
      const text = randomStream(random)
      const bytes = utf8.encode(text)
      const expected = oracle(text)
      dispatched += expected.length
      expect(await collect(bytes), text).toEqual(expected)
      expect(await collect(split(bytes, () => 1 + Math.floor(random() * 12))), text).toEqual(expected)
    }
    expect(dispatched).toBeGreaterThan(1000) // the generator really makes events
  })
})
