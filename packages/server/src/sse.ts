import type { EventHub } from './events.ts'
import { sleep } from './events.ts'
import type { StreamFault } from './faults.ts'
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

const runEnds = new Set([
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelled',
  'thread.run.expired',
])

/**
 * Streams one run's events as SSE until the run stops (`requires_action` or a terminal event), then sends
 * `event: done`. A client that goes away only unsubscribes: the run goes on.
 */
export function streamRun(options: {
  hub: EventHub
  runId: string
  /** Events to send before the run's own (e.g. `thread.created`). */
  prelude?: StreamEvent[]
  /** Rewrites each event before it is sent (e.g. drops file-search content unless `include[]` asks for it). */
  present?: (event: StreamEvent) => StreamEvent
  fault?: StreamFault
  /** Called right after subscribing, so the run starts only once nothing can be missed. */
  start: () => void
}): ReadableStream<Uint8Array> {
  const { hub, runId, fault = {} } = options
  let unsubscribe = () => {}
  let sent = 0
  let closed = false
  // Events queue here and a single writer drains them, so a stall can hold later events back in order.
  const queue: StreamEvent[] = []
  let wake: (() => void) | null = null

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (!closed) {
          closed = true
          unsubscribe()
          controller.close()
        }
      }
      const write = (event: StreamEvent) => controller.enqueue(encoder.encode(encodeEvent(event)))
      const pump = async () => {
        while (!closed) {
          const event = queue.shift()
          if (!event) {
            await new Promise<void>((resolve) => {
              wake = resolve
            })
            continue
          }
          if (fault.cutAfterEvents !== undefined && sent >= fault.cutAfterEvents) {
            controller.enqueue(
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
          write(options.present ? options.present(event) : event)
          sent++
          if (fault.stallAfterEvents !== undefined && sent === fault.stallAfterEvents) {
            await sleep(fault.stallMs ?? 30_000)
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
        queue.push(event)
      }
      unsubscribe = hub.subscribe(runId, (event) => {
        queue.push(event)
        wake?.()
        wake = null
      })
      void pump()
      options.start()
    },
    cancel() {
      closed = true
      unsubscribe()
      wake?.()
    },
  })
}
