// A streaming reader of `text/event-stream`, as the WHATWG HTML standard's "event stream interpretation" states
// it: lines end with CRLF, LF or CR (also when a CRLF is split across chunks), one leading BOM is dropped,
// `:` lines are comments, `data` lines join with LF, an event is dispatched at a blank line and only when it has
// data, an unterminated event at the end of the stream is dropped. Used for the streams this server reads from
// upstreams (a Chat Completions endpoint, the proxy's upstream).

/** One dispatched event. */
export interface SseEvent {
  /** The `event` field, or `message` when the event had none (or an empty one). */
  event: string
  /** The `data` lines, joined with LF. */
  data: string
  /** The `id` field given within this event, if any. */
  id: string | undefined
  /** The last event id of the stream so far (ids carry over to later events, as in `EventSource`). */
  lastEventId: string
}

/** Options of {@link createSseParser}. */
export interface SseParserOptions {
  /** Called for every dispatched event. */
  onEvent: (event: SseEvent) => void
  /** Called for every comment line, without its `:` and one following space. */
  onComment?: (comment: string) => void
  /** Called for a `retry` field whose value is all ASCII digits. */
  onRetry?: (milliseconds: number) => void
  /**
   * Largest event, in characters (the pending line plus the data and event type gathered so far). A bigger one
   * throws {@link SseEventTooLargeError}. @defaultValue 1 MiB (1,048,576)
   */
  maxEventSize?: number
}

/** A streaming SSE parser: feed it text as it arrives. */
export interface SseParser {
  /** Parses the next piece of the stream; may dispatch any number of events. */
  feed(text: string): void
}

/** Thrown when an event grows past `maxEventSize`; the stream should be abandoned. */
export class SseEventTooLargeError extends Error {
  /** The limit that was passed, in characters. */
  readonly limit: number

  constructor(limit: number) {
    super(
      `An event of the stream is larger than ${limit} characters (maxEventSize). The upstream sends oversized or ` +
        'unterminated events; raise maxEventSize if such events are expected.',
    )
    this.name = 'SseEventTooLargeError'
    this.limit = limit
  }
}

/** Creates a streaming parser for `text/event-stream` text. */
export function createSseParser(options: SseParserOptions): SseParser {
  const maxEventSize = options.maxEventSize ?? 1024 * 1024
  const lineBreak = /[\r\n]/g
  let started = false
  // The previous piece ended with CR: a LF at the start of the next one belongs to that line break.
  let afterCR = false
  let pending = ''
  let data = ''
  let hasData = false
  let eventType = ''
  let id: string | undefined
  let lastEventId = ''

  function dispatch() {
    if (hasData) {
      options.onEvent({ event: eventType || 'message', data, id, lastEventId })
    }
    data = ''
    hasData = false
    eventType = ''
    id = undefined
  }

  function field(name: string, value: string) {
    switch (name) {
      case 'event':
        eventType = value
        break
      case 'data':
        data = hasData ? `${data}\n${value}` : value
        hasData = true
        if (data.length + eventType.length > maxEventSize) {
          throw new SseEventTooLargeError(maxEventSize)
        }
        break
      case 'id':
        if (!value.includes('\0')) {
          id = value
          lastEventId = value
        }
        break
      case 'retry':
        if (/^[0-9]+$/.test(value)) {
          options.onRetry?.(Number.parseInt(value, 10))
        }
        break
      default:
      // Unknown fields are ignored, as the standard says.
    }
  }

  function line(text: string) {
    if (text === '') {
      dispatch()
      return
    }
    const colon = text.indexOf(':')
    if (colon === 0) {
      options.onComment?.(text.slice(text.charCodeAt(1) === 32 ? 2 : 1))
      return
    }
    if (colon < 0) {
      field(text, '')
      return
    }
    field(text.slice(0, colon), text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1))
  }

  return {
    feed(text) {
      if (text === '') {
        return
      }
      let start = 0
      if (!started) {
        started = true
        if (text.charCodeAt(0) === 0xfeff) {
          start = 1
        }
      }
      if (afterCR) {
        afterCR = false
        if (text.charCodeAt(start) === 10) {
          start++
        }
      }
      lineBreak.lastIndex = start
      for (let match = lineBreak.exec(text); match; match = lineBreak.exec(text)) {
        const end = match.index
        const piece = text.slice(start, end)
        line(pending === '' ? piece : pending + piece)
        pending = ''
        start = end + 1
        if (text.charCodeAt(end) === 13) {
          if (start === text.length) {
            afterCR = true
          } else if (text.charCodeAt(start) === 10) {
            start++
          }
        }
        lineBreak.lastIndex = start
      }
      if (start < text.length) {
        pending += text.slice(start)
      }
      if (pending.length + data.length + eventType.length > maxEventSize) {
        throw new SseEventTooLargeError(maxEventSize)
      }
    },
  }
}

/**
 * Reads an SSE body (bytes, UTF-8) and yields its events as they complete. Stops reading when `signal` aborts;
 * throws {@link SseEventTooLargeError} for an event past `maxEventSize`.
 */
export async function* readSseEvents(
  body: ReadableStream<Uint8Array>,
  options: { signal?: AbortSignal; maxEventSize?: number } = {},
): AsyncGenerator<SseEvent> {
  const events: SseEvent[] = []
  const parser = createSseParser({
    onEvent: (event) => events.push(event),
    ...(options.maxEventSize !== undefined ? { maxEventSize: options.maxEventSize } : {}),
  })
  // The parser drops the BOM itself (exactly one, as the standard's UTF-8 decode does).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  const reader = body.getReader()
  const onAbort = () => {
    void reader.cancel().catch(() => {})
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        parser.feed(decoder.decode())
        finished = true
        break
      }
      parser.feed(decoder.decode(value, { stream: true }))
      while (events.length > 0) {
        yield events.shift()!
      }
    }
    while (events.length > 0) {
      yield events.shift()!
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    if (!finished) {
      await reader.cancel().catch(() => {})
    }
    reader.releaseLock()
  }
}
