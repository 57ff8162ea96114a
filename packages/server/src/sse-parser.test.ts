// The SSE reader against eventsource-parser (an independent implementation, used here only as an oracle) on
// random streams cut at random byte positions, and against the standard on the cases the oracle handles late.
import { createParser } from 'eventsource-parser'
import { expect, test } from 'vitest'
import { createSseParser, readSseEvents, type SseEvent, SseEventTooLargeError } from './sse-parser.ts'

function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const lines = [
  'data',
  'data:',
  'data: x',
  'data:x',
  'data:  two spaces',
  'data: {"id":"thread_1","object":"thread"}',
  'data: é € 😀 : colons: inside',
  'data: [DONE]',
  'event: thread.created',
  'event:thread.message.delta',
  'event:',
  'event',
  'id: 7',
  'id',
  'id: a\u0000b',
  'retry: 250',
  'retry: 25x',
  ': keep-alive',
  ':comment',
  ':',
  'unknown: value',
  'dat a: x',
  ' data: leading space',
  'DATA: upper',
]
const breaks = ['\n', '\r', '\r\n']

function randomStream(next: () => number): string {
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!
  const bom = next() < 0.2 ? '\uFEFF'.repeat(1 + Math.floor(next() * 2)) : ''
  let text = bom
  const count = Math.floor(next() * 30)
  for (let index = 0; index < count; index++) {
    text += (next() < 0.3 ? '' : pick(lines)) + pick(breaks)
  }
  if (next() < 0.3) {
    // An unterminated last line. The oracle holds a lone CR at the end of a chunk back until the next line
    // break, which never comes here: precede the tail with an LF so that the two are compared on the same terms
    // (the test below covers a CR at a chunk's end on its own).
    text += `${text.endsWith('\r') ? '\n' : ''}${pick(lines)}`
  }
  return text
}

function cut(bytes: Uint8Array, next: () => number): Uint8Array[] {
  const positions = new Set<number>()
  const count = Math.floor(next() * 8)
  for (let index = 0; index < count; index++) {
    positions.add(Math.floor(next() * (bytes.length + 1)))
  }
  const sorted = [...positions].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let start = 0
  for (const position of [...sorted, bytes.length]) {
    chunks.push(bytes.slice(start, position))
    start = position
  }
  return chunks
}

interface Observed {
  events: { event: string; data: string; id: string | undefined }[]
  comments: string[]
  retries: number[]
}

function oracle(chunks: Uint8Array[]): Observed {
  const observed: Observed = { events: [], comments: [], retries: [] }
  const parser = createParser({
    onEvent: (event) =>
      observed.events.push({ event: event.event ?? 'message', data: event.data, id: event.id }),
    onComment: (comment) => observed.comments.push(comment),
    onRetry: (retry) => observed.retries.push(retry),
  })
  // The oracle does not drop a BOM itself; the standard's UTF-8 decode drops exactly one leading BOM. Drop it here
  // rather than through TextDecoder's own BOM handling, which differs between Node versions when the BOM's bytes
  // are split across chunks is not the same on Node 20 and Node 24.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let last = ''
  let started = false
  for (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true })
    if (!started && text !== '') {
      started = true
      text = text.startsWith('\uFEFF') ? text.slice(1) : text
    }
    last = text === '' ? last : text
    parser.feed(text)
  }
  // The oracle holds a trailing CR back until it sees what follows; the standard ends the line there.
  if (last.endsWith('\r')) {
    parser.feed('\n')
  }
  return observed
}

async function ours(chunks: Uint8Array[]): Promise<Observed> {
  const observed: Observed = { events: [], comments: [], retries: [] }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(chunk)
      }
      controller.close()
    },
  })
  for await (const event of readSseEvents(body)) {
    observed.events.push({ event: event.event, data: event.data, id: event.id })
  }
  // Comments and retries through the text parser, fed the same cuts.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const parser = createSseParser({
    onEvent: () => {},
    onComment: (comment) => observed.comments.push(comment),
    onRetry: (retry) => observed.retries.push(retry),
  })
  for (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }))
  }
  return observed
}

test('agrees with eventsource-parser on 3,000 random streams cut at random byte positions', async () => {
  const next = random(13)
  const encoder = new TextEncoder()
  const seen = { events: 0, ids: 0, multiline: 0, typed: 0, crAtCut: 0 }
  for (let round = 0; round < 3000; round++) {
    const text = randomStream(next)
    const chunks = cut(encoder.encode(text), next)
    const expected = oracle(chunks)
    expect(await ours(chunks), JSON.stringify({ text, cuts: chunks.map((chunk) => chunk.length) })).toEqual(
      expected,
    )
    seen.events += expected.events.length
    seen.ids += expected.events.filter((event) => event.id !== undefined).length
    seen.multiline += expected.events.filter((event) => event.data.includes('\n')).length
    seen.typed += expected.events.filter((event) => event.event !== 'message').length
    seen.crAtCut += chunks.filter((chunk) => chunk.at(-1) === 13).length
  }
  // The corpus exercises what it claims to: many events, with ids, types, multi-line data, CRs at cuts.
  expect(seen.events).toBeGreaterThan(3000)
  for (const count of [seen.ids, seen.multiline, seen.typed, seen.crAtCut]) {
    expect(count).toBeGreaterThan(200)
  }
})

function collect(pieces: string[], options: { maxEventSize?: number } = {}) {
  const events: SseEvent[] = []
  const parser = createSseParser({ onEvent: (event) => events.push(event), ...options })
  const after: number[] = []
  for (const piece of pieces) {
    parser.feed(piece)
    after.push(events.length)
  }
  return { events, after }
}

test('CR-only streams, CRLF split across chunks, and a chunk ending in the CR of a blank line', () => {
  expect(collect(['data: a\rdata: b\r\revent: x\rdata: c\r\r']).events.map((event) => event.data)).toEqual([
    'a\nb',
    'c',
  ])
  // CR | LF across a cut is one line break, not a blank line.
  const split = collect(['data: a\r', '\ndata: b\r', '\n\r', '\n'])
  expect(split.events.map((event) => event.data)).toEqual(['a\nb'])
  // The blank line's CR is the last byte of a chunk: the event is dispatched then, not with the next chunk.
  const early = collect(['data: x\r\r', '\ndata: y\n\n'])
  expect(early.after).toEqual([1, 2])
  expect(early.events.map((event) => event.data)).toEqual(['x', 'y'])
})

test('BOM, comments, multi-line data, ids carried over, unterminated last event dropped', () => {
  const comments: string[] = []
  const events: SseEvent[] = []
  const parser = createSseParser({
    onEvent: (event) => events.push(event),
    onComment: (comment) => comments.push(comment),
  })
  parser.feed('\uFEFF: hello\ndata: one\ndata:two\nid: 5\n\nevent: custom\ndata\n\ndata: three\n\ndata: lost')
  expect(comments).toEqual(['hello'])
  expect(events).toEqual([
    { event: 'message', data: 'one\ntwo', id: '5', lastEventId: '5' },
    { event: 'custom', data: '', id: undefined, lastEventId: '5' },
    { event: 'message', data: 'three', id: undefined, lastEventId: '5' },
  ])
  // Only one BOM is dropped: a second one is part of the first field's name.
  expect(collect(['\uFEFF\uFEFFdata: a\n\n']).events).toEqual([])
  expect(collect(['\uFEFF', 'data: a\n\n']).events.map((event) => event.data)).toEqual(['a'])
})

test('an event past maxEventSize throws a typed error that names the limit, whether or not it is terminated', () => {
  const long = () => collect([`data: ${'x'.repeat(2000)}\n\n`], { maxEventSize: 1000 })
  expect(long).toThrow(SseEventTooLargeError)
  expect(long).toThrow(/larger than 1000 characters \(maxEventSize\)/)
  const pieces = Array.from({ length: 30 }, () => 'y'.repeat(50))
  let error: unknown
  try {
    collect(['data: ', ...pieces], { maxEventSize: 1000 })
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(SseEventTooLargeError)
  expect((error as SseEventTooLargeError).limit).toBe(1000)
  // Many small events add up to nothing: the limit is per event.
  expect(
    collect([Array.from({ length: 500 }, (_, index) => `data: ${index}\n\n`).join('')], { maxEventSize: 100 })
      .events,
  ).toHaveLength(500)
})

test('readSseEvents stops reading (cancels the body) when its consumer stops early or the signal aborts', async () => {
  let cancelled = 0
  const body = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: tick\n\n'))
      },
      cancel() {
        cancelled++
      },
    })
  for await (const event of readSseEvents(body())) {
    expect(event.data).toBe('tick')
    break
  }
  expect(cancelled).toBe(1)
  const abort = new AbortController()
  let seen = 0
  for await (const _event of readSseEvents(body(), { signal: abort.signal })) {
    if (++seen === 3) {
      abort.abort()
    }
  }
  expect(cancelled).toBe(2)
})
