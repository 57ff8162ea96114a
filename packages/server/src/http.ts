import type { ErrorObject } from './types.ts'

/** The body of every error response, as the spec's `ErrorResponse` states it. */
export interface ErrorBody {
  error: ErrorObject
}

/** What a listener knows about the connection a request came on; handlers outside a listener get none. */
export interface ConnectionInfo {
  /** The peer's address as the socket reports it (e.g. `127.0.0.1`, `::1`); the nearest hop, never a header. */
  remoteAddress: string | undefined
}

/** An error that becomes an HTTP error response with OpenAI's `{ error: { message, type, param, code } }` body. */
export class HttpError extends Error {
  readonly status: number
  readonly type: string
  readonly param: string | null
  readonly code: string | null
  readonly headers: Record<string, string>

  constructor(
    status: number,
    message: string,
    options: {
      type?: string
      param?: string | null
      code?: string | null
      headers?: Record<string, string>
    } = {},
  ) {
    super(message)
    this.name = 'HttpError'
    this.status = status
    this.type = options.type ?? defaultType(status)
    this.param = options.param ?? null
    this.code = options.code ?? null
    this.headers = options.headers ?? {}
  }

  /** The JSON body sent for this error. */
  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }
}

function defaultType(status: number): string {
  if (status === 401) {
    return 'invalid_request_error'
  }
  if (status === 429) {
    return 'rate_limit_exceeded'
  }
  if (status >= 500) {
    return 'server_error'
  }
  return 'invalid_request_error'
}

/** Builds a 400 `invalid_request_error`. */
export function badRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): HttpError {
  return new HttpError(400, message, { param, code })
}

/** Builds the 404 OpenAI sends for an unknown id, e.g. "No run found with id 'run_x'.". */
export function notFound(kind: string, id: string): HttpError {
  return new HttpError(404, `No ${kind} found with id '${id}'.`)
}

/** A JSON response with the headers every response of this server carries. */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** Reads a JSON object body, answering OpenAI's texts for an empty or malformed body. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text()
  if (text.trim() === '') {
    return {}
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest(
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest(
      'Invalid type for request body: expected an object, but got another type instead.',
      null,
      'invalid_type',
    )
  }
  return parsed as Record<string, unknown>
}
