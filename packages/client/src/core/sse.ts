// Raw bytes → SSE messages, through eventsource-parser (WHATWG rules: CR/LF/CRLF, comments, multi-line
// data, events without data are not dispatched). Checklist S1–S4, S8, S11, S14.
import { createParser, type EventSourceMessage, type ParseError } from 'eventsource-parser'
import { StreamBufferLimitError, StreamIdleTimeoutError } from './errors'

/** One dispatched SSE message; `event` defaults to `message` as in the WHATWG spec. */
export type SseMessage = { event: string; data: string; id?: string }

/** Options of `iterateSse`. */
export type SseOptions = {
  /** Aborting ends the iteration quietly and cancels the body (the reader is released). */
  signal?: AbortSignal | undefined
  /**
   * Throw `StreamIdleTimeoutError` when no byte (comments included) arrives for this long; 0 disables it.
   * @defaultValue 0
   */
  idleTimeoutMs?: number | undefined
  /**
   * Largest event, counted in decoded UTF-16 code units (never more than its bytes); beyond it the stream
   * fails with `StreamBufferLimitError`.
   * @defaultValue 4 MiB
   */
  maxEventBytes?: number | undefined
}

/** The default per-event size limit of `iterateSse`. */
export const DEFAULT_MAX_EVENT_BYTES = 4 * 1024 * 1024

const IDLE = Symbol('idle')
const CR = 13

/**
 * Iterates the SSE messages of a response body; ending the iteration early (`break`, abort) cancels the body.
 * @example
 * for await (const message of iterateSse(response, { idleTimeoutMs: 30_000 })) console.log(message.event)
 */
export async function* iterateSse(
  source: Response | ReadableStream<Uint8Array>,
  options: SseOptions = {},
): AsyncGenerator<SseMessage, void, undefined> {
  const body = source instanceof Response ? source.body : source
  const { signal, idleTimeoutMs = 0 } = options
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES
  if (body === null || signal?.aborted) {
    await body?.cancel().catch(() => undefined)
    return
  }

  const queue: SseMessage[] = []
  let overflow = false
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent(message: EventSourceMessage) {
      // A whole oversized event can arrive in one chunk, past the parser's own buffer check.
      if (message.data.length > maxEventBytes) {
        overflow = true
        return
      }
      const { event = 'message', data, id } = message
      queue.push(id === undefined ? { event, data } : { event, data, id })
    },
    onError(error: ParseError) {
      // Unknown fields and bad `retry` values are ignored, as the WHATWG spec says.
      if (error.type === 'max-buffer-size-exceeded') {
        overflow = true
      }
    },
  })

  // `stream: true` keeps a multi-byte character split across chunks intact; a leading BOM is dropped once.
  const decoder = new TextDecoder('utf-8')
  const reader = body.getReader()
  let finished = false
  let lastChar = 0
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined)
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const read = (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    if (idleTimeoutMs <= 0) {
      return reader.read()
    }
    const idle = new Promise<never>((_resolve, reject) => {
      idleTimer = setTimeout(() => reject(IDLE), idleTimeoutMs)
    })
    return Promise.race([reader.read(), idle]).finally(() => clearTimeout(idleTimer))
  }

  try {
    while (true) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await read()
      } catch (error) {
        if (error === IDLE) {
          throw new StreamIdleTimeoutError(idleTimeoutMs)
        }
        if (signal?.aborted) {
          return
        }
        throw error
      }
      if (signal?.aborted) {
        return
      }
      const text = result.done ? decoder.decode() : decoder.decode(result.value, { stream: true })
      parser.feed(text)
      lastChar = text === '' ? lastChar : text.charCodeAt(text.length - 1)
      if (result.done) {
        finished = true
        // The parser holds back a final CR (it may start a CRLF): at EOF it is a line end. An incomplete event
        // is still dropped (WHATWG); the caller decides whether that is a truncation.
        if (lastChar === CR) {
          parser.feed('\n')
        }
      }
      // splice(0) empties the queue in one step; shift() per event would be quadratic on a chunk of many events.
      for (const message of queue.splice(0)) {
        yield message
      }
      if (overflow) {
        throw new StreamBufferLimitError(maxEventBytes)
      }
      if (finished) {
        return
      }
    }
  } finally {
    clearTimeout(idleTimer)
    signal?.removeEventListener('abort', onAbort)
    if (!finished) {
      await reader.cancel().catch(() => undefined)
    }
    reader.releaseLock()
  }
}
