import type { EventHub } from './events.ts'
import { sleep } from './events.ts'
import type { StreamFault } from './faults.ts'
import { HttpError } from './http.ts'
import type { StreamEvent } from './types.ts'

const encoder = new TextEncoder()

/** The headers of every event stream: no caching, no proxy buffering, no compression. */
export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'content-encoding': 'identity',
  connection: 'keep-alive',
}

/** Encodes one event as an SSE frame. */
export function encodeEvent(event: StreamEvent): string {
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data)
  return `event: ${event.event}\ndata: ${data}\n\n`
}

/** Whether an event stops a run's stream (`requires_action`, or an end): `done` follows it. */
export const endsRunStream = (event: string) => runEnds.has(event)

const runEnds = new Set([
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
])

/** The `error` event's data for a run that could not start after its stream opened. */
function startError(error: unknown) {
  const known = error instanceof HttpError
  return {
    message: known ? error.message : 'The server had an error processing your request. Sorry about that!',
    type: known ? error.type : 'server_error',
    param: known ? error.param : null,
    code: known ? error.code : 'server_error',
  }
}

/**
 * Bytes of encoded events a stream holds for its client by default (beyond what the socket itself buffers) before
 * the client counts as too far behind. 1 MiB is about 5,000 text deltas.
 */
export const defaultMaxBufferedBytes = 1024 * 1024

/** The `error` event that ends a stream whose client fell more than `limit` bytes behind its run. */
export function tooFarBehindEvent(limit: number): StreamEvent {
  return {
    event: 'error',
    data: {
      message:
        `This stream fell more than ${limit} bytes behind its run (the client reads slower than the run produces ` +
        'events), so the server stopped sending it. The run goes on: retrieve the run and list its messages to ' +
        'catch up.',
      type: 'server_error',
      param: null,
      code: 'stream_too_far_behind',
    },
  }
}

/**
 * Streams one run's events as SSE until the run stops (`requires_action` or a terminal event), then sends
 * `event: done`. A client that goes away only unsubscribes: the run goes on. Events wait for the client in a queue
 * of at most `maxBufferedBytes` encoded bytes; a client that falls further behind gets an `error` event
 * ({@link tooFarBehindEvent}) after what it already has, and the stream ends (the run goes on).
 */
export function streamRun(options: {
  hub: EventHub
  runId: string
  /** Events to send before the run's own (e.g. `thread.created`). */
  prelude?: StreamEvent[]
  /** Rewrites each event before it is sent (e.g. drops file-search content unless `include[]` asks for it). */
  present?: (event: StreamEvent) => StreamEvent
  fault?: StreamFault
  /**
   * Called right after subscribing, so the run starts only once nothing can be missed. If the promise it returns
   * rejects (the run could not start: e.g. another instance answered it first), the stream ends with an `error`.
   */
  start: () => unknown
  /** The queue's bound, in encoded bytes. @defaultValue {@link defaultMaxBufferedBytes} */
  maxBufferedBytes?: number
  /** Called with the queue's size in bytes whenever it grows (for tests and measurements). */
  onBuffered?: (bytes: number) => void
}): ReadableStream<Uint8Array> {
  const { hub, runId, fault = {} } = options
  const limit = options.maxBufferedBytes ?? defaultMaxBufferedBytes
  let unsubscribe = () => {}
  let sent = 0
  let closed = false
  // Events queue here, encoded, and a single writer hands them on as the reader asks for them (so the queue is
  // the only place they wait, and a stall can hold later events back in order).
  const queue: { event: StreamEvent; frame: Uint8Array; last: boolean }[] = []
  let queuedBytes = 0
  let wake: (() => void) | null = null
  let demand: (() => void) | null = null
  const wakeUp = () => {
    wake?.()
    wake = null
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (!closed) {
          closed = true
          unsubscribe()
          queue.length = 0
          queuedBytes = 0
          controller.close()
          wakeUp()
          demand?.()
        }
      }
      const enqueue = (frame: Uint8Array) => {
        if (!closed) {
          controller.enqueue(frame)
        }
      }
      const write = (event: StreamEvent) => enqueue(encoder.encode(encodeEvent(event)))
      const push = (event: StreamEvent, last = false) => {
        if (closed) {
          return
        }
        const frame = encoder.encode(encodeEvent(options.present ? options.present(event) : event))
        if (queue.length > 0 && queuedBytes + frame.byteLength > limit) {
          // Too far behind: what is queued is dropped; the client gets what it already has, then the error.
          queue.length = 0
          queuedBytes = 0
          write(tooFarBehindEvent(limit))
          close()
          return
        }
        queue.push({ event, frame, last })
        queuedBytes += frame.byteLength
        options.onBuffered?.(queuedBytes)
        wakeUp()
      }
      const pump = async () => {
        while (!closed) {
          if ((controller.desiredSize ?? 1) <= 0) {
            await new Promise<void>((resolve) => {
              demand = resolve
            })
            demand = null
            continue
          }
          const item = queue.shift()
          if (!item) {
            await new Promise<void>((resolve) => {
              wake = resolve
            })
            continue
          }
          queuedBytes -= item.frame.byteLength
          const { event, frame, last } = item
          if (fault.cutAfterEvents !== undefined && sent >= fault.cutAfterEvents) {
            enqueue(
              encoder.encode(
                `event: ${event.event}\ndata: ${encodeEvent(event).split('data: ')[1]?.slice(0, 12) ?? ''}`,
              ),
            )
            close()
            return
          }
          if (fault.errorAfterEvents !== undefined && sent >= fault.errorAfterEvents) {
            write({
              event: 'error',
              data: {
                message: 'The server had an error while streaming.',
                type: 'server_error',
                param: null,
                code: 'server_error',
              },
            })
            close()
            return
          }
          enqueue(frame)
          sent++
          if (fault.stallAfterEvents !== undefined && sent === fault.stallAfterEvents) {
            await sleep(fault.stallMs ?? 30_000)
          }
          if (last) {
            close()
            return
          }
          if (runEnds.has(event.event)) {
            if (!fault.omitDone) {
              write({ event: 'done', data: '[DONE]' })
            }
            close()
            return
          }
        }
      }
      for (const event of options.prelude ?? []) {
        push(event)
      }
      if (!closed) {
        unsubscribe = hub.subscribe(runId, push)
      }
      void pump()
      const started = options.start()
      if (started instanceof Promise) {
        started.then(undefined, (error: unknown) => {
          // The error is the stream's last event: the writer sends what is queued, then it, then closes.
          push({ event: 'error', data: startError(error) }, true)
        })
      }
    },
    pull() {
      demand?.()
    },
    cancel() {
      closed = true
      unsubscribe()
      queue.length = 0
      queuedBytes = 0
      wakeUp()
      demand?.()
    },
  })
}

/**
 * Streams a run's stored events as SSE, each with its `id:` (its place in the run's stream, for `Last-Event-ID`),
 * until the event that stops the run, then `event: done`. The client going away ends the reading.
 */
export function streamStoredEvents(
  events: (signal: AbortSignal) => AsyncIterable<{ seq: number; event: string; data: string }>,
  present: (event: StreamEvent) => StreamEvent,
): ReadableStream<Uint8Array> {
  const abort = new AbortController()
  let iterator: AsyncIterator<{ seq: number; event: string; data: string }> | undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= events(abort.signal)[Symbol.asyncIterator]()
      const next = await iterator.next().catch((error: unknown) => {
        console.error('oai-runs: reading the stored events of a run failed:', error)
        return { done: true as const, value: undefined }
      })
      if (next.done) {
        controller.close()
        return
      }
      const { seq, event, data } = next.value
      let parsed: unknown = data
      try {
        parsed = JSON.parse(data)
      } catch {
        // not JSON (e.g. `[DONE]`): sent as it is
      }
      const shown = present({ event, data: parsed } as StreamEvent)
      controller.enqueue(encoder.encode(`id: ${seq}\n${encodeEvent(shown)}`))
      if (runEnds.has(event) || event === 'done') {
        if (event !== 'done') {
          controller.enqueue(encoder.encode(encodeEvent({ event: 'done', data: '[DONE]' })))
        }
        abort.abort()
        controller.close()
      }
    },
    cancel() {
      abort.abort()
      void iterator?.return?.()
    },
  })
}
