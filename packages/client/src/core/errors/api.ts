// The HTTP error family: ApiError, one class per status, the domain 400s the client understands, and the one table of
// rules `ApiError.from` picks a class with. One module because `from` builds every class and every class extends
// ApiError: split apart, they would import each other (a cycle), and `sideEffects: false` rules out registering late.
import { OaiRunsError, readObject, redactSecrets, SECRET_HEADER, stringOrNull } from './base.ts'

/** What an ApiError is built from. */
interface ApiErrorInit {
  status: number
  error: unknown
  headers?: Headers | undefined
  message?: string | undefined
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
// (checklist E5–E7, F2, F4, F5, F11). The rules that pick them are in ERROR_RULES below.

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

// ---------------------------------------------------------------------------------------------------------------
// The status → class choice

function parseIdList(list: string): string[] {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^["']|["']$/g, ''))
    .filter((item) => item !== '')
}

/**
 * One rule of the status → class choice. A rule matches when `status` matches, `code` (if given) equals the body's
 * `error.code`, and `text` (if given) matches the error message; `create` gets the `text` match, if any.
 */
interface ErrorRule {
  status: number | '5xx'
  code?: string
  /**
   * Matched against the message, and only where the API gives no `code`, `param` or `type` to tell the error apart
   * (its lifecycle 400s are all `invalid_request_error` with `code` and `param` null).
   */
  text?: RegExp
  create: (init: ApiErrorInit, match: RegExpExecArray | null) => ApiError
}

/** The rules, first match wins; no match is a plain ApiError. The server texts cited are those of packages/server. */
const ERROR_RULES: readonly ErrorRule[] = [
  {
    // lifecycle-errors.ts `activeRun`: `Thread ${threadId} already has an active run ${runId}.`
    status: 400,
    text: /\bThread ([\w-]+) already has an active run ([\w-]+)/i,
    create: (init, m) => new ActiveRunError({ ...init, threadId: m![1]!, runId: m![2]! }),
  },
  {
    // lifecycle-errors.ts `messageDuringRun`: `Can't add messages to ${threadId} while a run ${runId} is active.`
    status: 400,
    text: /add messages to ([\w-]+) while a run ([\w-]+) is active/i,
    create: (init, m) => new ActiveRunError({ ...init, threadId: m![1]!, runId: m![2]! }),
  },
  {
    // lifecycle-errors.ts `noToolOutputs`: `Runs in status "${status}" do not accept tool outputs.`
    status: 400,
    text: /Runs in status ["']?([\w-]+)["']? do not accept tool outputs/i,
    create: (init, m) =>
      m![1] === 'expired'
        ? new RunExpiredError({ ...init, runStatus: 'expired' })
        : new RunNotAwaitingOutputsError({ ...init, runStatus: m![1]! }),
  },
  {
    // lifecycle-errors.ts `toolOutputsMismatch`: `Expected tool outputs for call_ids ['call_1'], got ['call_2']`
    status: 400,
    text: /Expected tool outputs for call_ids \[([^\]]*)\],? got \[([^\]]*)\]/i,
    create: (init, m) =>
      new ToolOutputsMismatchError({ ...init, expected: parseIdList(m![1]!), received: parseIdList(m![2]!) }),
  },
  {
    // lifecycle-errors.ts `cannotCancel`: `Cannot cancel run with status '${status}'.`
    status: 400,
    text: /Cannot cancel run with status ["']?([\w-]+)["']?/i,
    create: (init, m) => new CannotCancelRunError({ ...init, runStatus: m![1]! }),
  },
  {
    // Any other 400 naming both "expired" and "run" (packages/server has no such text; other hosts word it freely).
    status: 400,
    text: /^(?=[\s\S]*\bexpired\b)(?=[\s\S]*\brun\b)/i,
    create: (init) => new RunExpiredError({ ...init, runStatus: 'expired' }),
  },
  { status: 400, create: (init) => new BadRequestError(init) },
  { status: 401, create: (init) => new AuthenticationError(init) },
  { status: 403, create: (init) => new PermissionDeniedError(init) },
  { status: 404, create: (init) => new NotFoundError(init) },
  { status: 409, create: (init) => new ConflictError(init) },
  { status: 422, create: (init) => new UnprocessableEntityError(init) },
  { status: 429, code: 'insufficient_quota', create: (init) => new QuotaExceededError(init) },
  { status: 429, create: (init) => new RateLimitError(init) },
  { status: '5xx', create: (init) => new InternalServerError(init) },
]

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
  for (const rule of ERROR_RULES) {
    if (rule.status === '5xx' ? status < 500 : rule.status !== status) {
      continue
    }
    if (rule.code !== undefined && rule.code !== code) {
      continue
    }
    const match = rule.text ? rule.text.exec(message) : null
    if (rule.text && !match) {
      continue
    }
    return rule.create(init, match)
  }
  return new ApiError(init)
}
