import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import {
  ApiError,
  InternalServerError,
  RunStreamTruncatedError,
  StreamError,
  StreamIdleTimeoutError,
  StreamParseError,
  StreamTruncatedError,
  UnexpectedContentTypeError,
  UserAbortError,
} from './errors.ts'
import { emptyRunSnapshot, reduceRunEvent } from './run-snapshot.ts'
import { type AnyRunStreamEvent, createRunStream, type RunStream } from './run-stream.ts'

const utf8 = new TextEncoder()
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)))
const SSE = { 'content-type': 'text/event-stream; charset=utf-8', 'x-request-id': 'req_1' }

type Body = { stream: ReadableStream<Uint8Array>; cancelled: () => boolean }

// A body that hands out `chunks`, then closes, stays open, or fails like a reset connection.
function bodyOf(chunks: Uint8Array[], end: 'close' | 'open' | 'reset' = 'close'): Body {
  let cancelled = false
  const queue = [...chunks]
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = queue.shift()
      if (chunk) {
        controller.enqueue(chunk)
      } else if (end === 'close') {
        controller.close()
      } else if (end === 'reset') {
        controller.error(new TypeError('terminated'))
      } else {
        return new Promise(() => undefined)
      }
    },
    cancel() {
      cancelled = true
    },
  })
  return { stream, cancelled: () => cancelled }
}

const frames = (...list: Array<[string, string]>) =>
  list.map(([event, data]) => `event: ${event}\ndata: ${data}\n\n`).join('')
const sse = (body: BodyInit) => new Response(body, { headers: SSE })

const RUN = (status: string) =>
  `{"id":"run_1","object":"thread.run","thread_id":"thread_1","status":"${status}"}`
const MSG = '{"id":"msg_1","object":"thread.message","status":"in_progress","role":"assistant","content":[]}'
const DELTA = (value: string) =>
  `{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"${value}"}}]}}`

async function collect(stream: RunStream): Promise<AnyRunStreamEvent[]> {
  const events: AnyRunStreamEvent[] = []
  for await (const event of stream) {
    events.push(event)
  }
  return events
}

function split(bytes: Uint8Array, size: () => number): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.length; ) {
    const length = Math.max(1, size())
    chunks.push(bytes.slice(offset, offset + length))
    offset += length
  }
  return chunks
}

describe('fixtures through the stream', () => {
  test('the plain-text fixture yields typed events, a requestId and the completed run', async () => {
    const stream = createRunStream(sse(fixture('plain-text.sse')))
    expect(stream.requestId).toBe('req_1')
    const events = await collect(stream)
    expect(events[0]).toMatchObject({ event: 'thread.created', data: { id: 'thread_123' } })
    expect(events.at(-1)).toEqual({ event: 'done', data: '[DONE]' })
    expect(await stream.finalRun()).toMatchObject({ id: 'run_123', status: 'completed' })
  })

  test('S1: whole, byte-by-byte and random chunks fold into identical snapshots', async () => {
    for (const name of ['plain-text.sse', 'function-call.sse', 'submit-continuation.sse']) {
      const bytes = fixture(name)
      const whole = await createRunStream(sse(bytes)).finalSnapshot()
      const bytewise = await createRunStream(sse(bodyOf(split(bytes, () => 1)).stream)).finalSnapshot()
      let seed = 7
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed % 97
      }
      const chunked = await createRunStream(sse(bodyOf(split(bytes, random)).stream)).finalSnapshot()
      expect(bytewise).toEqual(whole)
      expect(chunked).toEqual(whole)
    }
  })

  test('finalRun on a function call returns the requires_action run', async () => {
    const run = await createRunStream(sse(fixture('function-call.sse'))).finalRun()
    expect(run.status).toBe('requires_action')
    expect(run.required_action?.submit_tool_outputs?.tool_calls).toHaveLength(1)
  })

  test('textDeltas yields each piece of text in order', async () => {
    const pieces: string[] = []
    for await (const piece of createRunStream(sse(fixture('plain-text.sse'))).textDeltas()) {
      pieces.push(piece)
    }
    expect(pieces.join('')).toBe('Hello! How can I assist you today?')
    expect(pieces).toHaveLength(9)
  })

  test('snapshot() follows the events as they are consumed', async () => {
    const stream = createRunStream(
      sse(frames(['thread.run.created', RUN('queued')], ['thread.run.completed', RUN('completed')])),
    )
    const seen: string[] = []
    for await (const event of stream) {
      seen.push(`${event.event}:${stream.snapshot().run?.status}`)
    }
    expect(seen).toEqual(['thread.run.created:queued', 'thread.run.completed:completed'])
  })

  test('the stream can be iterated only once', async () => {
    const stream = createRunStream(sse(fixture('plain-text.sse')))
    await collect(stream)
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/only once/)
    expect((await stream.finalSnapshot()).status).toBe('done')
  })
})

describe('stream endings and errors', () => {
  test('S5: event: error throws StreamError, keeps earlier events and cancels the body', async () => {
    const text = frames(
      ['thread.run.created', RUN('queued')],
      ['error', '{"code":"server_error","message":"Internal failure","param":null,"type":"server_error"}'],
      ['thread.run.completed', RUN('completed')],
    )
    const body = bodyOf([utf8.encode(text)], 'open')
    const stream = createRunStream(sse(body.stream))
    const events: AnyRunStreamEvent[] = []
    const error = await (async () => {
      for await (const event of stream) {
        events.push(event)
      }
    })().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StreamError)
    expect(error).toMatchObject({ code: 'server_error', message: 'Internal failure' })
    expect(events.map((event) => event.event)).toEqual(['thread.run.created'])
    expect(stream.snapshot()).toMatchObject({ status: 'error', run: { status: 'queued' } })
    expect(body.cancelled()).toBe(true)
    await expect(stream.finalRun()).rejects.toBeInstanceOf(StreamError)
  })

  test('S5: a wrapped {error:{…}} frame is understood too', async () => {
    const stream = createRunStream(
      sse(frames(['error', '{"error":{"code":"rate_limit_exceeded","message":"slow"}}'])),
    )
    await expect(collect(stream)).rejects.toMatchObject({ code: 'rate_limit_exceeded', message: 'slow' })
  })

  test('S6: [DONE] ends the stream whatever the event name, and later frames are ignored', async () => {
    for (const done of ['event: done\ndata: [DONE]\n\n', 'data: [DONE]\n\n', 'event: done\ndata: {}\n\n']) {
      const text =
        frames(['thread.run.completed', RUN('completed')]) +
        done +
        frames(['thread.run.failed', RUN('failed')])
      const body = bodyOf([utf8.encode(text)], 'open')
      const stream = createRunStream(sse(body.stream))
      expect((await collect(stream)).map((event) => event.event)).toEqual(['thread.run.completed', 'done'])
      expect(stream.snapshot().run?.status).toBe('completed')
      expect(body.cancelled()).toBe(true)
    }
  })

  test('S7: EOF before a terminal run event throws a truncation error carrying the partial text', async () => {
    const text = frames(
      ['thread.run.created', RUN('in_progress')],
      ['thread.message.created', MSG],
      ['thread.message.delta', DELTA('Hel')],
    )
    const stream = createRunStream(sse(text))
    const error = await collect(stream).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RunStreamTruncatedError)
    expect(error).toBeInstanceOf(StreamTruncatedError)
    const truncated = error as RunStreamTruncatedError
    expect(truncated).toMatchObject({ runId: 'run_1', threadId: 'thread_1', retryable: true })
    expect(truncated.snapshot.status).toBe('truncated')
    expect(truncated.snapshot.messages.byId.msg_1?.content).toEqual([
      { type: 'text', text: { value: 'Hel' } },
    ])
    expect(stream.snapshot()).toBe(truncated.snapshot)
    await expect(stream.finalRun()).rejects.toBe(error)
  })

  test('S7: [DONE] before the run ended is a truncation too; a missing [DONE] after a final run is fine', async () => {
    await expect(
      collect(createRunStream(sse(`${frames(['thread.run.created', RUN('queued')])}data: [DONE]\n\n`))),
    ).rejects.toBeInstanceOf(RunStreamTruncatedError)
    const run = await createRunStream(
      sse(frames(['thread.run.requires_action', RUN('requires_action')])),
    ).finalRun()
    expect(run.status).toBe('requires_action')
  })

  test('S7: a reset connection mid-body is a truncation with the read error as cause', async () => {
    const body = bodyOf([utf8.encode(frames(['thread.run.created', RUN('in_progress')]))], 'reset')
    const error = await collect(createRunStream(sse(body.stream))).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RunStreamTruncatedError)
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })

  test('S8: an idle stream throws StreamIdleTimeoutError and marks the snapshot truncated', async () => {
    const body = bodyOf([utf8.encode(frames(['thread.run.created', RUN('in_progress')]))], 'open')
    const stream = createRunStream(sse(body.stream), { idleTimeoutMs: 30 })
    await expect(collect(stream)).rejects.toBeInstanceOf(StreamIdleTimeoutError)
    expect(stream.snapshot()).toMatchObject({ status: 'truncated', run: { id: 'run_1' } })
    expect(body.cancelled()).toBe(true)
  })

  test('S9: malformed JSON throws StreamParseError without echoing the payload, and closes the body', async () => {
    const body = bodyOf(
      [utf8.encode(frames(['thread.run.created', '{"id":"run_1","secret":"sk-abc123']))],
      'open',
    )
    const error = await collect(createRunStream(sse(body.stream))).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StreamParseError)
    expect((error as StreamParseError).event).toBe('thread.run.created')
    expect(JSON.stringify({ message: (error as Error).message, json: error })).not.toMatch(/sk-|run_1/)
    expect(body.cancelled()).toBe(true)
  })

  test('unknown events are passed through as unknown, never thrown, and leave the snapshot alone', async () => {
    const stream = createRunStream(
      sse(
        frames(
          ['thread.run.created', RUN('queued')],
          ['thread.run.future_thing', '{"x":1}'],
          ['thread.run.completed', RUN('completed')],
        ),
      ),
    )
    const events = await collect(stream)
    expect(events[1]).toEqual({ event: 'thread.run.future_thing', data: { x: 1 }, unknown: true })
    expect(stream.snapshot().status).toBe('done')
  })
})

describe('S10: responses that are not event streams', () => {
  test('a 200 JSON error body becomes an ApiError', async () => {
    const response = new Response(
      '{"error":{"message":"bad","type":"invalid_request_error","param":"x","code":"c"}}',
      {
        headers: { 'content-type': 'application/json', 'x-request-id': 'req_9' },
      },
    )
    const error = await collect(createRunStream(response)).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 200, code: 'c', param: 'x', message: 'bad', requestId: 'req_9' })
  })

  test('a 200 JSON run (stream ignored by the backend) or HTML page becomes UnexpectedContentTypeError', async () => {
    const json = new Response(RUN('queued'), { headers: { 'content-type': 'application/json' } })
    await expect(collect(createRunStream(json))).rejects.toBeInstanceOf(UnexpectedContentTypeError)
    const html = new Response('<html>hi</html>', { headers: { 'content-type': 'text/html' } })
    await expect(collect(createRunStream(html))).rejects.toMatchObject({
      contentType: 'text/html',
      status: 200,
    })
    await expect(createRunStream(new Response('')).finalRun()).rejects.toBeInstanceOf(
      UnexpectedContentTypeError,
    )
  })

  test('a non-2xx response becomes the matching ApiError', async () => {
    const response = new Response('{"error":{"message":"down"}}', { status: 503, headers: SSE })
    await expect(collect(createRunStream(response))).rejects.toBeInstanceOf(InternalServerError)
  })
})

describe('S14: aborting only stops reading', () => {
  const openStream = () =>
    bodyOf(
      [utf8.encode(frames(['thread.run.created', RUN('in_progress')], ['thread.message.delta', DELTA('a')]))],
      'open',
    )

  test('abort() mid-stream ends the iteration quietly, cancels the body and aborts the request', async () => {
    const body = openStream()
    const controller = new AbortController()
    const stream = createRunStream(sse(body.stream), { controller })
    const events: AnyRunStreamEvent[] = []
    for await (const event of stream) {
      events.push(event)
      if (events.length === 2) {
        stream.abort()
      }
    }
    expect(events).toHaveLength(2)
    expect(body.cancelled()).toBe(true)
    expect(controller.signal.aborted).toBe(true)
    expect(stream.snapshot().status).toBe('streaming')
    await expect(stream.finalRun()).rejects.toBeInstanceOf(UserAbortError)
  })

  test('breaking out of for-await cancels the body and aborts the request', async () => {
    const body = openStream()
    const controller = new AbortController()
    const stream = createRunStream(sse(body.stream), { controller })
    for await (const event of stream) {
      expect(event.event).toBe('thread.run.created')
      break
    }
    expect(body.cancelled()).toBe(true)
    expect(body.stream.locked).toBe(false)
    expect(controller.signal.aborted).toBe(true)
  })

  test("the caller's signal aborts a stream that is waiting for bytes", async () => {
    const body = openStream()
    const signal = new AbortController()
    const stream = createRunStream(sse(body.stream), { signal: signal.signal })
    setTimeout(() => signal.abort(), 20)
    expect(await collect(stream)).toHaveLength(2)
    expect(body.cancelled()).toBe(true)
  })

  test('a completed stream does not abort the request controller', async () => {
    const controller = new AbortController()
    await createRunStream(sse(fixture('plain-text.sse')), { controller }).finalRun()
    expect(controller.signal.aborted).toBe(false)
  })
})

describe('folding as events are handed out', () => {
  // A long, realistic stream: several messages of many text deltas, a tool step, and the run around them.
  function longStream(seed: number): string {
    let state = seed
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31
      return state / 2 ** 31
    }
    const list: Array<[string, string]> = [['thread.run.created', RUN('in_progress')]]
    for (const id of ['msg_a', 'msg_b', 'msg_c']) {
      list.push(['thread.message.created', MSG.replace('msg_1', id)])
      for (let i = 0; i < 300; i++) {
        const value = ['x', ' é', ' 日本', '\\n', ''][Math.floor(random() * 5)]!
        list.push(['thread.message.delta', DELTA(value).replace('msg_1', id)])
      }
      if (random() < 0.5) {
        list.push(['thread.message.delta', DELTA('late').replace('msg_1', 'msg_zzz')]) // placeholder + warning
      }
    }
    list.push(['thread.run.completed', RUN('completed')])
    return `${frames(...list)}data: [DONE]\n\n`
  }

  function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
      Object.freeze(value)
      for (const key of Object.keys(value)) {
        deepFreeze((value as Record<string, unknown>)[key])
      }
    }
    return value
  }

  test('snapshot() at any point equals the events so far folded one by one, and is never changed later', async () => {
    for (const seed of [1, 2, 3]) {
      const bytes = utf8.encode(longStream(seed))
      let cut = seed
      const chunks = split(bytes, () => {
        cut = (cut * 7 + 13) % 997
        return cut * 4
      })
      const warnings: string[] = []
      const stream = createRunStream(sse(bodyOf(chunks).stream), {
        onWarning: (warning) => warnings.push(`${warning.code}@${seen.length}`),
      })
      const seen: AnyRunStreamEvent[] = []
      let reference = emptyRunSnapshot()
      let index = 0
      for await (const event of stream) {
        seen.push(event)
        reference = reduceRunEvent(reference, event)
        if (index++ % 37 === 0 || event.event !== 'thread.message.delta') {
          expect(stream.snapshot()).toStrictEqual(reference)
          deepFreeze(stream.snapshot()) // a later event must copy what was read, never write into it
        }
      }
      expect(await stream.finalSnapshot()).toStrictEqual(reference)
      expect(reference.status).toBe('done')
      // Each warning came while its event was being handed out, before the consumer saw that event.
      const expected: string[] = []
      seen.reduce(
        (current, event, at) =>
          reduceRunEvent(current, event, { onWarning: (warning) => expected.push(`${warning.code}@${at}`) }),
        emptyRunSnapshot(),
      )
      expect(warnings).toEqual(expected)
    }
  })

  test('abort() stops at once, even between two events of the same chunk', async () => {
    const body = bodyOf(
      [
        utf8.encode(
          frames(
            ['thread.run.created', RUN('in_progress')],
            ['thread.message.created', MSG],
            ['thread.message.delta', DELTA('a')],
            ['thread.message.delta', DELTA('b')],
          ),
        ),
      ],
      'open',
    )
    const stream = createRunStream(sse(body.stream))
    const events: AnyRunStreamEvent[] = []
    for await (const event of stream) {
      events.push(event)
      if (events.length === 3) {
        stream.abort()
      }
    }
    expect(events.map((event) => event.event)).toEqual([
      'thread.run.created',
      'thread.message.created',
      'thread.message.delta',
    ])
    expect(stream.snapshot().messages.byId.msg_1?.content).toEqual([{ type: 'text', text: { value: 'a' } }])
    expect(body.cancelled()).toBe(true)
  })

  test('next() called again before the last call settled still hands out every event once, in order', async () => {
    const stream = createRunStream(sse(fixture('plain-text.sse')))
    const iterator = stream[Symbol.asyncIterator]()
    const results = await Promise.all(Array.from({ length: 40 }, () => iterator.next()))
    const whole = await collect(createRunStream(sse(fixture('plain-text.sse'))))
    expect(results.filter((result) => !result.done).map((result) => result.value)).toEqual(whole)
    expect(results.at(-1)).toEqual({ done: true, value: undefined })
    expect(stream.snapshot().status).toBe('done')
  })

  test('return() before the first next() closes the body and settles finalSnapshot()', async () => {
    const body = bodyOf([utf8.encode(frames(['thread.run.created', RUN('queued')]))], 'open')
    const stream = createRunStream(sse(body.stream))
    const iterator = stream[Symbol.asyncIterator]()
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined })
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    expect((await stream.finalSnapshot()).status).toBe('idle')
    expect(body.cancelled()).toBe(true)
  })
})
