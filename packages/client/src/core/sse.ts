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
const STREAM: TextDecodeOptions = { stream: true }

/**
 * A body read one chunk at a time (internal: the layer under `iterateSse` and `createRunStream`). Each `read()`
 * hands the complete messages of one chunk to `onMessage` synchronously, so callers pay for one promise per
 * chunk rather than per event.
 */
export type SseSource = {
  /**
   * Reads one chunk and hands its complete messages to `onMessage`; resolves `false` once nothing more will come
   * (end of body, or aborted). Rejects with a stream error (idle, oversized event) or the body's read error.
   */
  read(): Promise<boolean>
  /** Stops reading: cancels the body unless it ended, and releases it. Safe to call more than once. */
  close(): Promise<void>
}

/** Opens `body` for reading SSE messages; see `SseSource`. `null` (no body) reads as an empty stream. */
export function openSse(
  body: ReadableStream<Uint8Array> | null,
  options: SseOptions,
  onMessage: (message: EventSourceMessage) => void,
): SseSource {
  const { signal, idleTimeoutMs = 0 } = options
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES
  if (body === null || signal?.aborted) {
    const cancelled = body?.cancel().catch(() => undefined) ?? Promise.resolve()
    return { read: () => cancelled.then(() => false), close: () => cancelled }
  }

  let overflow = false
  const parser = createParser({
    maxBufferSize: maxEventBytes,
    onEvent(message: EventSourceMessage) {
      // A whole oversized event can arrive in one chunk, past the parser's own buffer check.
      if (message.data.length > maxEventBytes) {
        overflow = true
        return
      }
      onMessage(message)
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
  let closed: Promise<void> | undefined
  let lastChar = 0
  let idleTimer: ReturnType<typeof setTimeout> | undefined
  const onAbort = () => {
    reader.cancel(signal?.reason).catch(() => undefined)
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const readChunk = (): Promise<ReadableStreamReadResult<Uint8Array>> => {
    if (idleTimeoutMs <= 0) {
      return reader.read()
    }
    const idle = new Promise<never>((_resolve, reject) => {
      idleTimer = setTimeout(() => reject(IDLE), idleTimeoutMs)
    })
    return Promise.race([reader.read(), idle]).finally(() => clearTimeout(idleTimer))
  }

  return {
    async read() {
      // An oversized event fails the stream once the messages before it were handed over.
      if (overflow) {
        throw new StreamBufferLimitError(maxEventBytes)
      }
      if (finished || closed) {
        return false
      }
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await readChunk()
      } catch (error) {
        if (error === IDLE) {
          throw new StreamIdleTimeoutError(idleTimeoutMs)
        }
        if (signal?.aborted) {
          return false
        }
        throw error
      }
      if (signal?.aborted) {
        return false
      }
      const text = result.done ? decoder.decode() : decoder.decode(result.value, STREAM)
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
      return !finished || overflow
    },
    close() {
      closed ??= (async () => {
        clearTimeout(idleTimer)
        signal?.removeEventListener('abort', onAbort)
        if (!finished) {
          await reader.cancel().catch(() => undefined)
        }
        reader.releaseLock()
      })()
      return closed
    },
  }
}

/**
 * Iterates the SSE messages of a response body; ending the iteration early (`break`, abort) cancels the body.
 * @example
 * for await (const message of iterateSse(response, { idleTimeoutMs: 30_000 })) console.log(message.event)
 */
export async function* iterateSse(
  source: Response | ReadableStream<Uint8Array>,
  options: SseOptions = {},
): AsyncGenerator<SseMessage, void, undefined> {
  let batch: SseMessage[] = []
  const sse = openSse(source instanceof Response ? source.body : source, options, (message) => {
    const { event = 'message', data, id } = message
    batch.push(id === undefined ? { event, data } : { event, data, id })
  })
  try {
    let more = true
    while (more) {
      more = await sse.read()
      // Swapped rather than shifted: shift() per event would be quadratic on a chunk of many events.
      const messages = batch
      batch = []
      for (const message of messages) {
        yield message
      }
    }
  } finally {
    await sse.close()
  }
}
