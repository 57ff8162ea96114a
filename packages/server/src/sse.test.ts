// The per-stream queue of streamRun: bounded in bytes. Counts bytes and events, never times.
import { expect, test } from 'vitest'
import { createEventHub } from './events.ts'
import { encodeEvent, streamRun, tooFarBehindEvent } from './sse.ts'
import type { StreamEvent } from './types.ts'

const RUN = 'run_test'
const delta = (index: number): StreamEvent => ({
  event: 'thread.message.delta',
  data: {
    id: 'msg_1',
    object: 'thread.message.delta',
    delta: { content: [{ index: 0, type: 'text', text: { value: `${index} ${'x'.repeat(90)}` } }] },
  },
})
const completed: StreamEvent = {
  event: 'thread.run.completed',
  data: { id: RUN, object: 'thread.run', status: 'completed' },
}
const frameBytes = (event: StreamEvent) => Buffer.byteLength(encodeEvent(event))

/** Subscribers the hub has for the run: emits a probe event and counts who received it. */
function counting() {
  const hub = createEventHub()
  let subscribed = 0
  return {
    hub: {
      subscribe: (runId: string, listener: (event: StreamEvent) => void) => {
        subscribed++
        const off = hub.subscribe(runId, listener)
        return () => {
          subscribed--
          off()
        }
      },
      emit: hub.emit,
    },
    subscribed: () => subscribed,
  }
}

async function readAll(stream: ReadableStream<Uint8Array>) {
  const text = await new Response(stream).text()
  return text.split('\n\n').filter(Boolean)
}

test('a reader that takes nothing makes the stream hold at most maxBufferedBytes; then it ends with an error event', async () => {
  const { hub, subscribed } = counting()
  const limit = 64 * 1024
  let largest = 0
  const stream = streamRun({
    hub,
    runId: RUN,
    start: () => {},
    maxBufferedBytes: limit,
    onBuffered: (bytes) => {
      largest = Math.max(largest, bytes)
    },
  })
  expect(subscribed()).toBe(1)
  // The reader takes the first 10 events as they come, then stops reading while 10,000 more (1.3 MB) arrive.
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (let index = 0; index < 10; index++) {
    hub.emit(RUN, delta(index))
    text += decoder.decode((await reader.read()).value)
  }
  for (let index = 10; index < 10_010; index++) {
    hub.emit(RUN, delta(index))
  }
  hub.emit(RUN, completed)
  expect(largest).toBeLessThanOrEqual(limit)
  expect(largest).toBeGreaterThan(limit - frameBytes(delta(9999)))
  // Dropped: no longer subscribed, so nothing more is queued for it.
  expect(subscribed()).toBe(0)

  for (let result = await reader.read(); !result.done; result = await reader.read()) {
    text += decoder.decode(result.value)
  }
  const frames = text.split('\n\n').filter(Boolean)
  const deltas = frames.filter((frame) => frame.startsWith('event: thread.message.delta'))
  // What it gets is an unbroken prefix of the run's events, then the error: nothing is skipped silently.
  expect(deltas.length).toBeGreaterThanOrEqual(10)
  expect(deltas.length).toBeLessThan(10_010)
  deltas.forEach((frame, index) => {
    expect(frame).toBe(encodeEvent(delta(index)).trimEnd())
  })
  const received = deltas.reduce((sum, frame) => sum + Buffer.byteLength(frame) + 2, 0)
  expect(received).toBeLessThanOrEqual(limit + frameBytes(delta(0)))
  expect(frames.at(-1)).toBe(encodeEvent(tooFarBehindEvent(limit)).trimEnd())
  expect(frames.at(-1)).toContain('"code":"stream_too_far_behind"')
  expect(frames.some((frame) => frame.startsWith('event: done'))).toBe(false)
})

test('a reader that keeps up gets every event, however many bytes the run sends in all', async () => {
  const { hub, subscribed } = counting()
  const limit = 8 * 1024
  let largest = 0
  const stream = streamRun({
    hub,
    runId: RUN,
    start: () => {},
    maxBufferedBytes: limit,
    onBuffered: (bytes) => {
      largest = Math.max(largest, bytes)
    },
  })
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let text = ''
  // 5,000 events (about 650 KB, 80× the bound), each read before the next arrives.
  for (let index = 0; index < 5000; index++) {
    hub.emit(RUN, delta(index))
    const { value } = await reader.read()
    text += decoder.decode(value)
  }
  hub.emit(RUN, completed)
  for (let result = await reader.read(); !result.done; result = await reader.read()) {
    text += decoder.decode(result.value)
  }
  const frames = text.split('\n\n').filter(Boolean)
  expect(frames.filter((frame) => frame.startsWith('event: thread.message.delta'))).toHaveLength(5000)
  expect(frames.at(-2)).toMatch(/^event: thread\.run\.completed/)
  expect(frames.at(-1)).toBe('event: done\ndata: [DONE]')
  expect(largest).toBeLessThanOrEqual(frameBytes(delta(4999)))
  expect(subscribed()).toBe(0)
})

test('one event larger than the bound still passes when nothing else waits', async () => {
  const { hub } = counting()
  const stream = streamRun({ hub, runId: RUN, start: () => {}, maxBufferedBytes: 100 })
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  expect(frameBytes(delta(0))).toBeGreaterThan(100)
  hub.emit(RUN, delta(0))
  const first = decoder.decode((await reader.read()).value)
  hub.emit(RUN, completed)
  let rest = ''
  for (let result = await reader.read(); !result.done; result = await reader.read()) {
    rest += decoder.decode(result.value)
  }
  expect(first).toBe(encodeEvent(delta(0)))
  expect(rest).toBe(`${encodeEvent(completed)}event: done\ndata: [DONE]\n\n`)
})

test('the default bound is 1 MiB', async () => {
  const { hub } = counting()
  let largest = 0
  const stream = streamRun({
    hub,
    runId: RUN,
    start: () => {},
    onBuffered: (bytes) => (largest = Math.max(largest, bytes)),
  })
  for (let index = 0; index < 20_000; index++) {
    hub.emit(RUN, delta(index))
  }
  const frames = await readAll(stream)
  expect(largest).toBeLessThanOrEqual(1024 * 1024)
  expect(largest).toBeGreaterThan(1024 * 1024 - frameBytes(delta(0)))
  expect(frames.at(-1)).toContain('"code":"stream_too_far_behind"')
})
