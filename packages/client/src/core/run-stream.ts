// A streamed run: typed events from an SSE response, folded into a RunSnapshot as they are consumed.
// Checklist S5–S10, S14. Never re-POSTs and never cancels the run on the server: `abort()` only stops reading.
// Over 400 lines because createRunStream (~315 of them) is one closure over ~20 pieces of shared mutable state (the
// chunk's parsed events, the stop frame, the flowing/busy/closed flags, the fold) that parse, pull, end and the
// iterator read and write per event on the hot path; split, that state would be passed around or boxed per event.
import { isPlainObject } from './delta-merge.ts'
import {
  ApiError,
  OaiRunsError,
  RunStreamTruncatedError,
  StreamError,
  StreamIdleTimeoutError,
  StreamParseError,
  UnexpectedContentTypeError,
  UserAbortError,
} from './errors.ts'
import { createRunFold, emptyRunSnapshot, type RunSnapshot, type RunSnapshotWarning } from './run-snapshot.ts'
import { createHandlerDispatch, type RunStreamHandlers } from './run-stream-handlers.ts'
import { openSse, type SseSource } from './sse.ts'
import type { CallOptions } from './transport.ts'
import type { Run, RunStreamEvent, UnknownStreamEvent } from './types.ts'
import { isTerminalRunStatus, RUN_STREAM_EVENT_NAMES } from './types.ts'

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
  /** Per-entity callbacks, called as the events are consumed (see `RunStreamHandlers`). */
  on?: RunStreamHandlers | undefined
}

/** Options of a streaming call: `CallOptions` plus the stream's idle timeout and starting snapshot. */
export type StreamCallOptions = CallOptions & {
  /** Fail the stream with `StreamIdleTimeoutError` when no byte arrives for this long (0 disables). */
  idleTimeoutMs?: number | undefined
  /** The snapshot the stream folds into, e.g. the one a `requires_action` stream ended with. @defaultValue empty */
  initialSnapshot?: RunSnapshot | undefined
  /** Per-entity callbacks of the returned RunStream, called as its events are consumed. */
  on?: RunStreamHandlers | undefined
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

// Whether the data of a `thread.run.*` event (not a step event) shows the run in a final state.
function isFinalRunEvent(data: unknown): boolean {
  const status = isPlainObject(data) ? data.status : undefined
  return typeof status === 'string' && (status === 'requires_action' || isTerminalRunStatus(status))
}

// A fresh end-of-iteration result each time, as an async generator gives (a consumer may keep or change one).
const endResult = (): IteratorReturnResult<undefined> => ({ done: true, value: undefined })

const MESSAGE_DELTA = 'thread.message.delta'

// The frame that ended parsing: [DONE], bad JSON, or an error frame.
type Stop = { kind: 'done' } | { kind: 'parse'; name: string } | { kind: 'error'; data: unknown }

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

  // Events are folded as they are handed out, into a fold that copies on write once per snapshot() read.
  const fold = createRunFold(options.initialSnapshot ?? emptyRunSnapshot(), { onWarning: options.onWarning })
  const dispatch = options.on ? createHandlerDispatch(options.on, () => fold.snapshot()) : undefined
  let sawFinalRun = false
  let started = false
  let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined
  const ended = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject }
  })
  ended.catch(() => undefined) // rejections reach finalRun() callers, never the process

  // The events of the chunk just read, parsed as the parser hands its messages over (JSON.parse back to back)
  // and handed out synchronously: one promise per event, none per layer. Parsing stops at the first frame that
  // ends the stream ([DONE], an error frame, bad JSON): `stop`, acted on once the events before it were consumed.
  let events: AnyRunStreamEvent[] = []
  let position = 0
  // The index in `events` of the first event showing the run in a final state, -1 if none.
  let finalAt = -1
  let stop: Stop | undefined
  let source: SseSource | undefined
  let more = true
  // `flowing`: events may be handed out straight from `events` (open, no [DONE] yet, not aborted, no step in
  // flight). Everything else goes through `pull()`.
  let flowing = false
  let sawDone = false
  let closed = false
  let busy: Promise<unknown> | undefined
  local.signal.addEventListener('abort', () => {
    flowing = false
  })

  // The last event name and what it is (names repeat: mostly `thread.message.delta`), so each is classified once.
  let lastName = ''
  let lastEvent = ''
  let lastKnown = false
  let lastThread = false
  let lastRun = false

  const parse = (name: string, text: string) => {
    if (stop !== undefined) {
      return
    }
    // S6: `[DONE]` ends the stream whatever the event name; nothing after it is read.
    if (text === '[DONE]' || name === 'done') {
      stop = { kind: 'done' }
      return
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch {
      stop = { kind: 'parse', name }
      return
    }
    if (name !== lastName) {
      lastName = name
      lastKnown = RUN_STREAM_EVENT_NAMES.has(name)
      // The name of ~98% of the events as the constant rather than the copy cut from the chunk: comparing with it
      // is cheap, and no delta holds on to the chunk's text.
      lastEvent = name === MESSAGE_DELTA ? MESSAGE_DELTA : name
      lastThread = name.startsWith('thread.')
      lastRun = lastThread && name.startsWith('thread.run.') && !name.startsWith('thread.run.step.')
    }
    if (name === 'error' || (!lastThread && isPlainObject(data) && isPlainObject(data.error))) {
      stop = { kind: 'error', data }
      return
    }
    if (lastRun && finalAt === -1 && isFinalRunEvent(data)) {
      finalAt = events.length
    }
    events.push(
      (lastKnown
        ? { event: lastEvent, data }
        : { event: lastEvent, data, unknown: true }) as AnyRunStreamEvent,
    )
  }

  // Hands out the next parsed event, folded.
  const take = (): AnyRunStreamEvent => {
    const event = events[position]!
    fold.add(event)
    if (position === finalAt) {
      sawFinalRun = true
    }
    position++
    dispatch?.(event)
    return event
  }

  // Acts on the frame that ended the parse, once every event before it was consumed.
  const takeStop = (reached: Stop): AnyRunStreamEvent => {
    if (reached.kind === 'parse') {
      throw new StreamParseError({ event: reached.name })
    }
    if (reached.kind === 'error') {
      fold.add({ event: 'error', data: reached.data } as RunStreamEvent)
      throw new StreamError(reached.data)
    }
    sawDone = true
    const done: AnyRunStreamEvent = { event: 'done', data: '[DONE]' } // folding it changes nothing
    dispatch?.(done)
    return done
  }

  const truncate = () => {
    fold.reset({ ...fold.snapshot(), status: 'truncated' })
    return fold.snapshot()
  }

  // Stops reading for good. `finished`: the stream ended as it should, so the request is left alone.
  const close = async (finished: boolean) => {
    flowing = false
    closed = true
    options.signal?.removeEventListener('abort', onAbort)
    if (source) {
      await source.close()
    } else {
      // Closed before reading began (return() first, or not an event stream): release the body all the same.
      await response.body?.cancel().catch(() => undefined)
    }
    if (!finished) {
      local.abort()
    }
  }

  // The end of the body (or [DONE]): a clean end, or a truncation (S7) unless the consumer aborted.
  const end = async (): Promise<IteratorResult<AnyRunStreamEvent>> => {
    const aborted = local.signal.aborted
    await close(!aborted && sawFinalRun)
    if (!aborted && !sawFinalRun) {
      const error = new RunStreamTruncatedError({ snapshot: truncate() })
      settle?.reject(error)
      throw error
    }
    settle?.resolve()
    return endResult()
  }

  // Turns a failure into the error the consumer sees (or a quiet end after an abort), and stops.
  const fail = async (error: unknown): Promise<IteratorResult<AnyRunStreamEvent>> => {
    const aborted = local.signal.aborted
    await close(false)
    if (error instanceof OaiRunsError) {
      if (error instanceof StreamIdleTimeoutError) {
        truncate()
      }
    } else if (aborted) {
      settle?.resolve()
      return endResult()
    } else {
      // A reset connection surfaces as a read error: same meaning as EOF, keep the cause.
      error = new RunStreamTruncatedError({ snapshot: truncate(), cause: error })
    }
    settle?.reject(error)
    throw error
  }

  const pull = async (): Promise<IteratorResult<AnyRunStreamEvent>> => {
    if (closed) {
      return endResult()
    }
    try {
      if (source === undefined) {
        await assertEventStream(response)
        source = openSse(
          response.body,
          {
            signal: local.signal,
            idleTimeoutMs: options.idleTimeoutMs,
            maxEventBytes: options.maxEventBytes,
          },
          parse,
        )
      }
      while (true) {
        if (sawDone || local.signal.aborted) {
          return await end()
        }
        if (position < events.length) {
          return { done: false, value: take() }
        }
        if (stop !== undefined) {
          return { done: false, value: takeStop(stop) }
        }
        if (!more) {
          return await end()
        }
        events = []
        position = 0
        finalAt = -1
        more = await source.read()
      }
    } catch (error) {
      if (closed) {
        throw error // already turned into the consumer's error by end()
      }
      return await fail(error)
    }
  }

  const iterator: AsyncIterableIterator<AnyRunStreamEvent> = {
    next() {
      if (flowing && position < events.length) {
        try {
          return Promise.resolve({ done: false, value: take() })
        } catch (error) {
          flowing = false
          return serial(() => fail(error))
        }
      }
      return serial(pull)
    },
    // `break` or `return` in for await: close the connection (the run goes on).
    return() {
      return serial(async () => {
        if (!closed) {
          await close(false)
          settle?.resolve()
        }
        return endResult()
      })
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }

  // Steps that await run one after another, as an async generator would queue them. Once the last one settled,
  // and before its caller resumes, events flow straight from `events` again.
  function serial(step: () => Promise<IteratorResult<AnyRunStreamEvent>>) {
    flowing = false
    const run = busy === undefined ? step() : busy.then(step)
    const release = () => {
      if (busy === settled) {
        busy = undefined
        flowing = !closed && !sawDone && !local.signal.aborted && source !== undefined
      }
    }
    const settled: Promise<void> = run.then(release, release)
    busy = settled
    return run
  }

  // Consumes every event as `for await` would, without a promise per event: the events of a chunk are folded in
  // one synchronous loop, and only reading the next chunk awaits. Only finalSnapshot() drains, and no iterator
  // exists then (asking for one throws once started), so no step can run alongside: no serial queue is needed.
  async function drain(): Promise<void> {
    while (true) {
      while (position < events.length && !closed && !sawDone && !local.signal.aborted) {
        try {
          take()
        } catch (error) {
          await fail(error)
          return // fail() throws, or ends quietly after an abort
        }
      }
      if ((await pull()).done) {
        return
      }
    }
  }

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
      return iterator
    },
    snapshot: () => fold.snapshot(),
    async finalSnapshot() {
      if (!started) {
        started = true
        await drain()
      }
      await ended
      return fold.snapshot()
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
