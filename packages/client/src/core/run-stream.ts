// A streamed run: typed events from an SSE response, folded into a RunSnapshot as they are consumed.
// Checklist S5–S10, S14. Never re-POSTs and never cancels the run on the server: `abort()` only stops reading.
import { isPlainObject } from './delta-merge'
import {
  ApiError,
  OaiRunsError,
  RunStreamTruncatedError,
  StreamError,
  StreamIdleTimeoutError,
  StreamParseError,
  UnexpectedContentTypeError,
  UserAbortError,
} from './errors'
import { emptyRunSnapshot, type RunSnapshot, type RunSnapshotWarning, reduceRunEvent } from './run-snapshot'
import { iterateSse, type SseMessage } from './sse'
import type { Run, RunStreamEvent, UnknownStreamEvent } from './types'
import { isTerminalRunStatus, RUN_STREAM_EVENT_NAMES } from './types'

/** Options of `createRunStream`. */
export type RunStreamOptions = {
  /** Aborting it stops reading (quietly) and aborts the request; the run itself goes on. */
  signal?: AbortSignal | undefined
  /** The request's controller; aborted with the stream so the connection closes. */
  controller?: AbortController | undefined
  /** Fail with `StreamIdleTimeoutError` when no byte arrives for this long; 0 disables. @defaultValue 0 */
  idleTimeoutMs?: number | undefined
  /** The per-event size limit (see `iterateSse`). @defaultValue 4 MiB */
  maxEventBytes?: number | undefined
  /** The snapshot to fold into, e.g. the one a `requires_action` stream ended with. @defaultValue empty */
  initialSnapshot?: RunSnapshot | undefined
  /** Called for each event the reducer ignored or patched up. */
  onWarning?: ((warning: RunSnapshotWarning) => void) | undefined
}

/** An event of a run stream: a known RunStreamEvent, or an UnknownStreamEvent a newer server sent. */
export type AnyRunStreamEvent = RunStreamEvent | UnknownStreamEvent

/**
 * A streamed run. Single-consumer: iterate it once (or call `finalRun()`); `snapshot()` may be read any time.
 * Breaking out of `for await` or calling `abort()` closes the connection without cancelling the run.
 */
export type RunStream = AsyncIterable<AnyRunStreamEvent> & {
  /** The HTTP response the events are read from. */
  readonly response: Response
  /** The `x-request-id` response header. */
  readonly requestId: string | null
  /** The snapshot folded from every event consumed so far. */
  snapshot(): RunSnapshot
  /** Consumes the stream (or waits for the current consumer) and returns the last snapshot. */
  finalSnapshot(): Promise<RunSnapshot>
  /** Consumes the stream and returns the run in its final state (terminal or `requires_action`). */
  finalRun(): Promise<Run>
  /** Consumes the stream, yielding the text of each message delta. */
  textDeltas(): AsyncIterable<string>
  /** Stops reading and closes the connection; the run is NOT cancelled on the server. */
  abort(): void
}

const MAX_ERROR_BODY_CHARS = 64 * 1024

function mediaType(response: Response): string | null {
  return response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? null
}

async function assertEventStream(response: Response): Promise<void> {
  if (response.ok && mediaType(response) === 'text/event-stream') {
    return
  }
  const text = (await response.text().catch(() => '')).slice(0, MAX_ERROR_BODY_CHARS)
  if (!response.ok) {
    throw ApiError.from(response.status, text, response.headers)
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (isPlainObject(body) && isPlainObject(body.error)) {
    throw ApiError.from(response.status, body, response.headers)
  }
  throw new UnexpectedContentTypeError(response.headers.get('content-type'), response.status)
}

function parseData(message: SseMessage): unknown {
  try {
    return JSON.parse(message.data)
  } catch {
    throw new StreamParseError({ event: message.event })
  }
}

function isFinalRunEvent(event: AnyRunStreamEvent): boolean {
  if (!event.event.startsWith('thread.run.') || event.event.startsWith('thread.run.step.')) {
    return false
  }
  const status = isPlainObject(event.data) ? event.data.status : undefined
  return typeof status === 'string' && (status === 'requires_action' || isTerminalRunStatus(status))
}

/**
 * Wraps a `text/event-stream` response of a run create or tool-output submit into a RunStream.
 * @example
 * for await (const event of createRunStream(response)) if (event.event === 'thread.run.completed') done()
 */
export function createRunStream(response: Response, options: RunStreamOptions = {}): RunStream {
  const local = new AbortController()
  const onAbort = () => local.abort(options.signal?.reason)
  if (options.signal?.aborted) {
    onAbort()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  local.signal.addEventListener('abort', () => options.controller?.abort(), { once: true })

  let current = options.initialSnapshot ?? emptyRunSnapshot()
  let sawFinalRun = false
  let started = false
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined
  const ended = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  ended.catch(() => undefined) // rejections reach finalRun() callers, never the process
  const fold = (event: AnyRunStreamEvent) => {
    current = reduceRunEvent(current, event, { onWarning: options.onWarning })
    sawFinalRun ||= isFinalRunEvent(event)
  }

  async function* pump(): AsyncGenerator<AnyRunStreamEvent, void, undefined> {
    let finished = false
    try {
      await assertEventStream(response)
      const messages = iterateSse(response, {
        signal: local.signal,
        idleTimeoutMs: options.idleTimeoutMs,
        maxEventBytes: options.maxEventBytes,
      })
      for await (const message of messages) {
        // S6: `[DONE]` ends the stream whatever the event name; nothing after it is read.
        if (message.data === '[DONE]' || message.event === 'done') {
          const done: RunStreamEvent = { event: 'done', data: '[DONE]' }
          fold(done)
          yield done
          break
        }
        const data = parseData(message)
        const isErrorFrame =
          isPlainObject(data) && isPlainObject(data.error) && !message.event.startsWith('thread.')
        if (message.event === 'error' || isErrorFrame) {
          fold({ event: 'error', data } as RunStreamEvent)
          throw new StreamError(data)
        }
        const event = (
          RUN_STREAM_EVENT_NAMES.has(message.event)
            ? { event: message.event, data }
            : { event: message.event, data, unknown: true }
        ) as AnyRunStreamEvent
        fold(event)
        yield event
      }
      if (local.signal.aborted) {
        return
      }
      // S7: EOF (or `[DONE]`) before the run ended or asked for tool outputs is a truncation.
      if (!sawFinalRun) {
        current = { ...current, status: 'truncated' }
        throw new RunStreamTruncatedError({ snapshot: current })
      }
      finished = true
    } catch (error) {
      if (local.signal.aborted && !(error instanceof OaiRunsError)) {
        return
      }
      if (error instanceof OaiRunsError) {
        if (error instanceof StreamIdleTimeoutError) {
          current = { ...current, status: 'truncated' }
        }
        throw error
      }
      // A reset connection surfaces as a read error: same meaning as EOF, keep the cause.
      current = { ...current, status: 'truncated' }
      throw new RunStreamTruncatedError({ snapshot: current, cause: error })
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      if (!finished) {
        local.abort()
      }
    }
  }

  // Settles `ended` with the pump's outcome, whoever consumes it.
  const guarded = (async function* () {
    try {
      yield* pump()
    } catch (error) {
      settle?.reject(error)
      throw error
    } finally {
      settle?.resolve()
    }
  })()

  const stream: RunStream = {
    response,
    requestId: response.headers.get('x-request-id'),
    [Symbol.asyncIterator]() {
      if (started) {
        throw new OaiRunsError(
          'A RunStream can be iterated only once; read snapshot() or finalRun() instead.',
        )
      }
      started = true
      return guarded
    },
    snapshot: () => current,
    async finalSnapshot() {
      if (!started) {
        for await (const _event of stream) {
          // consumed only to fold every event
        }
      }
      await ended
      return current
    },
    async finalRun() {
      const snapshot = await stream.finalSnapshot()
      if (!sawFinalRun || snapshot.run === null) {
        throw new UserAbortError('The stream was aborted before the run reached a final state.')
      }
      return snapshot.run
    },
    async *textDeltas() {
      for await (const event of stream) {
        if (event.event !== 'thread.message.delta' || 'unknown' in event) {
          continue
        }
        const content = (event as RunStreamEvent & { event: 'thread.message.delta' }).data.delta?.content
        for (const part of Array.isArray(content) ? content : []) {
          if (part.type === 'text' && typeof part.text?.value === 'string' && part.text.value !== '') {
            yield part.text.value
          }
        }
      }
    },
    abort: () => local.abort(),
  }
  return stream
}
