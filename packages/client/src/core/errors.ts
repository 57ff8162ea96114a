// Every error the client throws. One `ApiError` family for HTTP errors (mapped by status, then by the
// server's 400 texts), connection/abort errors, stream errors and client-side validation errors.
// Checklist T10: no message or serialised error may carry an API key or an Authorization value.

/** The raw `error` object of an API error body: `{ message, type, param, code }` (all may be missing). */
export interface ApiErrorObject {
  message?: string
  type?: string | null
  param?: string | null
  code?: string | null
  [key: string]: unknown
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{3,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\b(api[-_]?key|authorization)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic)\s)[^\s"',;]+/gi,
]
const SECRET_HEADER = /authorization|api-key|apikey|cookie|secret|token/i

/** Replaces anything that looks like a secret (an `sk-…` key, a bearer value, each of `secrets`) with `***`. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('***')
    }
  }
  out = out.replace(SECRET_PATTERNS[0]!, 'sk-***')
  out = out.replace(SECRET_PATTERNS[1]!, (_m, scheme: string) => `${scheme} ***`)
  return out.replace(SECRET_PATTERNS[2]!, (_m, name: string, sep: string) => `${name}${sep}***`)
}

/** Base class of every error thrown by `@oai-runs/client`; `retryable` says whether trying again may help. */
export class OaiRunsError extends Error {
  override name = 'OaiRunsError'
  /** Whether the same request may succeed if sent again (transient failure). */
  declare readonly retryable: boolean

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause })
    this.retryable = options?.retryable ?? false
  }

  /** A plain, secret-free object for logs (`JSON.stringify(error)`); never includes request headers. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, retryable: this.retryable }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP errors

interface ApiErrorInit {
  status: number
  error: unknown
  headers?: Headers | undefined
  message?: string | undefined
}

function readObject(error: unknown): ApiErrorObject {
  return typeof error === 'object' && error !== null ? (error as ApiErrorObject) : {}
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

function isRetryableStatus(status: number, code: string | null, headers: Headers | undefined): boolean {
  if (code === 'insufficient_quota') {
    return false // T3: retrying cannot refill a quota
  }
  const shouldRetry = headers?.get('x-should-retry')
  if (shouldRetry === 'true') {
    return true
  }
  if (shouldRetry === 'false') {
    return false
  }
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/** An HTTP error response from the API, with the server's `code`, `type`, `param` and `x-request-id`. */
export class ApiError extends OaiRunsError {
  override name = 'ApiError'
  /** The HTTP status code. */
  declare readonly status: number
  /** The API's machine-readable error code, e.g. `insufficient_quota`. */
  declare readonly code: string | null
  /** The API's error type, e.g. `invalid_request_error`. */
  declare readonly type: string | null
  /** The request field the error is about, if the server named one. */
  declare readonly param: string | null
  /** The `x-request-id` response header (quote it in bug reports). */
  declare readonly requestId: string | null
  /** The response headers. */
  declare readonly headers: Headers | undefined
  /** The raw `error` object of the response body (or the body itself if it had no `error` key). */
  declare readonly error: unknown

  constructor(init: ApiErrorInit) {
    const raw = readObject(init.error)
    const code = stringOrNull(raw.code)
    const message =
      init.message ??
      (typeof raw.message === 'string' && raw.message !== ''
        ? raw.message
        : `Request failed with status ${init.status}.`)
    super(message, { retryable: isRetryableStatus(init.status, code, init.headers) })
    this.status = init.status
    this.code = code
    this.type = stringOrNull(raw.type)
    this.param = stringOrNull(raw.param)
    this.requestId = init.headers?.get('x-request-id') ?? null
    this.headers = init.headers
    this.error = init.error
  }

  /** Builds the most specific `ApiError` subclass for a status, a parsed (or text) body and the headers. */
  static from(status: number, body: unknown, headers?: Headers, secrets: readonly string[] = []): ApiError {
    return createApiError(status, body, headers, secrets)
  }

  override toJSON(): Record<string, unknown> {
    const headers: Record<string, string> = {}
    this.headers?.forEach((value, key) => {
      if (!SECRET_HEADER.test(key)) {
        headers[key] = value
      }
    })
    return {
      ...super.toJSON(),
      status: this.status,
      code: this.code,
      type: this.type,
      param: this.param,
      requestId: this.requestId,
      headers,
    }
  }
}

/** HTTP 400: the request was rejected as invalid. */
export class BadRequestError extends ApiError {
  override name = 'BadRequestError'
}
/** HTTP 401: missing or wrong credentials. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError'
}
/** HTTP 403: the credentials may not do this. */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError'
}
/** HTTP 404: an unknown thread, run, step, message or assistant id (or a wrong base path). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError'
}
/** HTTP 409: a conflicting concurrent change (retried by default). */
export class ConflictError extends ApiError {
  override name = 'ConflictError'
}
/** HTTP 422: the request was well-formed but could not be processed. */
export class UnprocessableEntityError extends ApiError {
  override name = 'UnprocessableEntityError'
}
/** HTTP 429: rate limited (retried by default, honouring `retry-after`). */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError'
}
/** HTTP 429 with code `insufficient_quota`: the account is out of quota; never retried. */
export class QuotaExceededError extends RateLimitError {
  override name = 'QuotaExceededError'
}
/** HTTP 5xx: the server failed (retried by default). */
export class InternalServerError extends ApiError {
  override name = 'InternalServerError'
}

// Domain errors: 400s whose text the client understands, matched on the hosted API's wording
// (checklist E5–E7, F2, F4, F5, F11).

/** HTTP 400 "Thread thread_X already has an active run run_Y." (or a message added during an active run). */
export class ActiveRunError extends BadRequestError {
  override name = 'ActiveRunError'
  /** The thread that is busy. */
  declare readonly threadId: string
  /** The run that keeps it busy (wait for it, or cancel it). */
  declare readonly runId: string

  constructor(init: ApiErrorInit & { threadId: string; runId: string }) {
    super(init)
    this.threadId = init.threadId
    this.runId = init.runId
  }
}

/** HTTP 400 'Runs in status "X" do not accept tool outputs.': the run no longer waits for outputs. */
export class RunNotAwaitingOutputsError extends BadRequestError {
  override name = 'RunNotAwaitingOutputsError'
  /** The run's status named by the server, e.g. `completed`. */
  declare readonly runStatus: string

  constructor(init: ApiErrorInit & { runStatus: string }) {
    super(init)
    this.runStatus = init.runStatus
  }
}

/** HTTP 400 for tool outputs sent after `expires_at`: the run expired; start a new one. */
export class RunExpiredError extends RunNotAwaitingOutputsError {
  override name = 'RunExpiredError'
}

/** HTTP 400 "Expected tool outputs for call_ids [...], got [...]": submit one output for every call id. */
export class ToolOutputsMismatchError extends BadRequestError {
  override name = 'ToolOutputsMismatchError'
  /** The call ids the run waits for. */
  declare readonly expected: string[]
  /** The call ids that were sent. */
  declare readonly received: string[]

  constructor(init: ApiErrorInit & { expected: string[]; received: string[] }) {
    super(init)
    this.expected = init.expected
    this.received = init.received
  }
}

/** HTTP 400 "Cannot cancel run with status 'X'.": the run already ended (usually safe to treat as a no-op). */
export class CannotCancelRunError extends BadRequestError {
  override name = 'CannotCancelRunError'
  /** The run's status named by the server, e.g. `completed`. */
  declare readonly runStatus: string

  constructor(init: ApiErrorInit & { runStatus: string }) {
    super(init)
    this.runStatus = init.runStatus
  }
}

function parseIdList(list: string): string[] {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^["']|["']$/g, ''))
    .filter((item) => item !== '')
}

function createBadRequest(init: ApiErrorInit, message: string): ApiError {
  const active =
    /\bThread ([\w-]+) already has an active run ([\w-]+)/i.exec(message) ??
    /add messages to ([\w-]+) while a run ([\w-]+) is active/i.exec(message)
  if (active) {
    return new ActiveRunError({ ...init, threadId: active[1]!, runId: active[2]! })
  }
  const notAwaiting = /Runs in status ["']?([\w-]+)["']? do not accept tool outputs/i.exec(message)
  if (notAwaiting) {
    const runStatus = notAwaiting[1]!
    return runStatus === 'expired'
      ? new RunExpiredError({ ...init, runStatus })
      : new RunNotAwaitingOutputsError({ ...init, runStatus })
  }
  const mismatch = /Expected tool outputs for call_ids \[([^\]]*)\],? got \[([^\]]*)\]/i.exec(message)
  if (mismatch) {
    return new ToolOutputsMismatchError({
      ...init,
      expected: parseIdList(mismatch[1]!),
      received: parseIdList(mismatch[2]!),
    })
  }
  const cannotCancel = /Cannot cancel run with status ["']?([\w-]+)["']?/i.exec(message)
  if (cannotCancel) {
    return new CannotCancelRunError({ ...init, runStatus: cannotCancel[1]! })
  }
  if (/\bexpired\b/i.test(message) && /\brun\b/i.test(message)) {
    return new RunExpiredError({ ...init, runStatus: 'expired' })
  }
  return new BadRequestError(init)
}

function parseBody(body: unknown): { error: unknown; textBody: boolean } {
  if (typeof body === 'string') {
    if (body.trim() === '') {
      return { error: undefined, textBody: false }
    }
    try {
      return parseBody(JSON.parse(body))
    } catch {
      return { error: undefined, textBody: true } // T7: an HTML gateway page is never echoed
    }
  }
  const object = readObject(body)
  return { error: 'error' in object ? object.error : body, textBody: false }
}

function createApiError(
  status: number,
  body: unknown,
  headers: Headers | undefined,
  secrets: readonly string[],
): ApiError {
  const { error, textBody } = parseBody(body)
  const rawMessage = readObject(error).message
  const message =
    typeof rawMessage === 'string' && rawMessage !== ''
      ? redactSecrets(rawMessage, secrets)
      : textBody
        ? `Request failed with status ${status} (the response body was not JSON).`
        : `Request failed with status ${status}.`
  const init: ApiErrorInit = { status, error, headers, message }
  const code = stringOrNull(readObject(error).code)
  if (status === 400) {
    return createBadRequest(init, message)
  }
  if (status === 401) {
    return new AuthenticationError(init)
  }
  if (status === 403) {
    return new PermissionDeniedError(init)
  }
  if (status === 404) {
    return new NotFoundError(init)
  }
  if (status === 409) {
    return new ConflictError(init)
  }
  if (status === 422) {
    return new UnprocessableEntityError(init)
  }
  if (status === 429) {
    return code === 'insufficient_quota' ? new QuotaExceededError(init) : new RateLimitError(init)
  }
  if (status >= 500) {
    return new InternalServerError(init)
  }
  return new ApiError(init)
}

// ---------------------------------------------------------------------------------------------------------------
// Connection errors

/** The request never got a response (DNS, refused, reset before headers); `cause` holds the fetch error. */
export class ConnectionError extends OaiRunsError {
  override name = 'ConnectionError'

  constructor(message = 'Connection error: the request got no response.', options?: { cause?: unknown }) {
    super(message, { cause: options?.cause, retryable: true })
  }
}

/** No response headers arrived within the client's `timeout`. */
export class ConnectionTimeoutError extends ConnectionError {
  override name = 'ConnectionTimeoutError'

  constructor(timeoutMs?: number) {
    super(
      timeoutMs === undefined
        ? 'Request timed out before the response headers arrived.'
        : `Request timed out: no response headers within ${timeoutMs} ms.`,
    )
  }
}

/** The caller aborted the request through its `signal`. */
export class UserAbortError extends OaiRunsError {
  override name = 'UserAbortError'

  constructor(message = 'Request was aborted.') {
    super(message)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Stream errors

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

// ---------------------------------------------------------------------------------------------------------------
// Client-side validation

/** A request failed client-side validation before it was sent; `param` names the field to fix. */
export class ValidationError extends OaiRunsError {
  override name = 'ValidationError'
  /** The request field at fault, e.g. `temperature` or `metadata.key`. */
  declare readonly param: string

  constructor(param: string, message: string) {
    super(message)
    this.param = param
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), param: this.param }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// STREAM ERRORS (added by stream engineer)

/** A StreamTruncatedError that also carries what the stream had folded before it ended (checklist S7). */
export class RunStreamTruncatedError extends StreamTruncatedError {
  override name = 'RunStreamTruncatedError'
  /** The partial snapshot (status `truncated`): text, steps and the run as far as they arrived. */
  declare readonly snapshot: import('./run-snapshot.ts').RunSnapshot

  constructor(options: { snapshot: import('./run-snapshot.ts').RunSnapshot; cause?: unknown }) {
    const { run, thread } = options.snapshot
    super({ runId: run?.id ?? null, threadId: run?.thread_id ?? thread?.id ?? null })
    this.snapshot = options.snapshot
    if (options.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true })
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Client tools

/** Why `streamWithTools` could not answer a tool call. */
export type ToolCallErrorReason = 'unknown_tool' | 'invalid_arguments' | 'handler_failed' | 'not_tool_outputs'

/**
 * A tool call of a run in `requires_action` could not be answered: no handler for its name, arguments that are not
 * a JSON object, or a handler that threw (`cause`). Nothing was submitted (checklist F10); the run still waits.
 */
export class ToolCallError extends OaiRunsError {
  override name = 'ToolCallError'
  /** What went wrong. */
  declare readonly reason: ToolCallErrorReason
  /** The id of the call. */
  declare readonly callId: string
  /** The function name of the call. */
  declare readonly toolName: string

  constructor(init: { reason: ToolCallErrorReason; callId: string; toolName: string; cause?: unknown }) {
    const what = {
      unknown_tool: 'has no handler',
      invalid_arguments: 'has arguments that are not a JSON object',
      handler_failed: `failed: ${init.cause instanceof Error ? init.cause.message : String(init.cause)}`,
      not_tool_outputs:
        'waits for an answer other than tool outputs (e.g. an approval): answer it with ' +
        'runs.submitToolOutputs(ids, { tool_approvals }) or useRunStream().approve/reject',
    }[init.reason]
    super(`Tool call ${init.callId} (${init.toolName}) ${what}. Nothing was submitted.`, {
      cause: init.cause,
    })
    this.reason = init.reason
    this.callId = init.callId
    this.toolName = init.toolName
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, callId: this.callId, toolName: this.toolName }
  }
}
