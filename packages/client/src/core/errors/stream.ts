// Errors of a run stream: the server's `event: error` frames, early ends, idle timeouts, bad frames, wrong content types.
import { OaiRunsError, readObject, stringOrNull } from './base.ts'

/** The server sent an `event: error` frame mid-stream; `code`, `type` and `param` come from its data. */
export class StreamError extends OaiRunsError {
  override name = 'StreamError'
  /** The error code from the frame, e.g. `server_error`. */
  declare readonly code: string | null
  /** The error type from the frame. */
  declare readonly type: string | null
  /** The parameter named by the frame, if any. */
  declare readonly param: string | null
  /** The raw frame data (bare `Error` object, or `{ error: … }`). */
  declare readonly error: unknown

  /** `data` is the parsed frame data, bare (`{ code, message }`) or wrapped (`{ error: { … } }`). */
  constructor(data: unknown) {
    const outer = readObject(data)
    const raw = readObject('error' in outer && typeof outer.error === 'object' ? outer.error : data)
    const message =
      typeof raw.message === 'string' && raw.message !== '' ? raw.message : 'The stream sent an error.'
    super(message, { retryable: raw.code === 'server_error' || raw.code === 'rate_limit_exceeded' })
    this.code = stringOrNull(raw.code)
    this.type = stringOrNull(raw.type)
    this.param = stringOrNull(raw.param)
    this.error = data
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), code: this.code, type: this.type, param: this.param }
  }
}

/** The stream ended (EOF or reset) before a terminal run event; the run may still be going, so poll it. */
export class StreamTruncatedError extends OaiRunsError {
  override name = 'StreamTruncatedError'
  /** The run the stream was about, when one was seen. */
  declare readonly runId: string | null
  /** The thread the stream was about, when one was seen. */
  declare readonly threadId: string | null

  constructor(options?: { runId?: string | null; threadId?: string | null }) {
    super('The stream ended before the run reached a terminal state; poll the run to reconcile.', {
      retryable: true,
    })
    this.runId = options?.runId ?? null
    this.threadId = options?.threadId ?? null
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), runId: this.runId, threadId: this.threadId }
  }
}

/** No byte arrived on the stream for `idleTimeoutMs`. */
export class StreamIdleTimeoutError extends OaiRunsError {
  override name = 'StreamIdleTimeoutError'
  /** The idle limit that was exceeded, in ms. */
  declare readonly idleTimeoutMs: number

  constructor(idleTimeoutMs: number) {
    super(`The stream sent nothing for ${idleTimeoutMs} ms.`, { retryable: true })
    this.idleTimeoutMs = idleTimeoutMs
  }
}

/** An event's `data` was not valid JSON; the message is fixed and never echoes the payload. */
export class StreamParseError extends OaiRunsError {
  override name = 'StreamParseError'
  /** The SSE event name of the bad frame, if it had one. */
  declare readonly event: string | null

  constructor(options?: { event?: string | null }) {
    super('The stream sent an event whose data is not valid JSON.')
    this.event = options?.event ?? null
  }
}

/** A single event grew beyond the stream's buffer limit; the stream was closed to bound memory. */
export class StreamBufferLimitError extends OaiRunsError {
  override name = 'StreamBufferLimitError'
  /** The limit, in characters. */
  declare readonly limit: number

  constructor(limit: number) {
    super(`A stream event exceeded the buffer limit of ${limit} characters.`)
    this.limit = limit
  }
}

/** A streaming request got a 2xx response that is not `text/event-stream` (e.g. a JSON run). */
export class UnexpectedContentTypeError extends OaiRunsError {
  override name = 'UnexpectedContentTypeError'
  /** The response's content-type header, or `null` when missing. */
  declare readonly contentType: string | null
  /** The response status. */
  declare readonly status: number | null

  constructor(contentType: string | null, status?: number) {
    super(
      `Expected a text/event-stream response but got ${contentType ?? 'no content-type'}; does the backend support stream: true?`,
    )
    this.contentType = contentType
    this.status = status ?? null
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), contentType: this.contentType, status: this.status }
  }
}

/** A StreamTruncatedError that also carries what the stream had folded before it ended (checklist S7). */
export class RunStreamTruncatedError extends StreamTruncatedError {
  override name = 'RunStreamTruncatedError'
  /** The partial snapshot (status `truncated`): text, steps and the run as far as they arrived. */
  declare readonly snapshot: import('../run-snapshot.ts').RunSnapshot

  constructor(options: { snapshot: import('../run-snapshot.ts').RunSnapshot; cause?: unknown }) {
    const { run, thread } = options.snapshot
    super({ runId: run?.id ?? null, threadId: run?.thread_id ?? thread?.id ?? null })
    this.snapshot = options.snapshot
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true })
    }
  }
}
