// Error mapping: what the Responses endpoint or its stream got wrong, as the run's `last_error`.
import { SseEventTooLargeError } from '../sse-parser.ts'
import type { RunErrorCode } from '../types.ts'
import { describe, ModelError } from '../upstream-model.ts'

/** A failure of the Responses endpoint that becomes the run's `last_error`. */
export class ResponsesModelError extends ModelError {
  constructor(code: RunErrorCode, message: string) {
    super(code, message)
    this.name = 'ResponsesModelError'
  }
}

/** The upstream no longer has the response a continuation named (`previous_response_not_found`): resend the input. */
export class PreviousResponseNotFound extends Error {
  constructor(readonly responseId: string) {
    super(`The upstream has no response ${responseId}.`)
    this.name = 'PreviousResponseNotFound'
  }
}

/** A Responses error code as a run's `last_error.code` (the run knows three). */
export function runErrorCode(code: string | null | undefined): RunErrorCode {
  return code === 'rate_limit_exceeded' || code === 'invalid_prompt' ? code : 'server_error'
}

/** The request did not reach the endpoint. */
export function unreachableError(error: unknown): ResponsesModelError {
  return new ResponsesModelError(
    'server_error',
    `The Responses endpoint could not be reached: ${describe(error)}`,
  )
}

/**
 * The endpoint answered with an error status: 429 → `rate_limit_exceeded`, anything else → `server_error`; a
 * `previous_response_not_found` answer becomes {@link PreviousResponseNotFound} (the model retries without it).
 */
export async function responseError(response: Response, previousResponseId?: string): Promise<Error> {
  const text = await response.text().catch(() => '')
  let message = text.slice(0, 500) || response.statusText
  let code: string | undefined
  try {
    const parsed = JSON.parse(text) as {
      error?: { message?: string; code?: string | null } | string
      message?: string
    }
    const error = parsed.error
    code = typeof error === 'object' ? (error.code ?? undefined) : undefined
    message = (typeof error === 'string' ? error : (error?.message ?? parsed.message)) || message
  } catch {
    // not JSON: keep the text
  }
  if (previousResponseId && code === 'previous_response_not_found') {
    return new PreviousResponseNotFound(previousResponseId)
  }
  return new ResponsesModelError(
    response.status === 429 ? 'rate_limit_exceeded' : 'server_error',
    `The Responses endpoint answered ${response.status}: ${message}`,
  )
}

/** An event that is not JSON. */
export function badEventError(data: string): ResponsesModelError {
  return new ResponsesModelError(
    'server_error',
    `The Responses stream sent an event that is not JSON: ${data.slice(0, 200)}`,
  )
}

/** An `error` event of the stream. */
export function streamErrorEvent(event: { code?: string | null; message?: string }): ResponsesModelError {
  return new ResponsesModelError(
    runErrorCode(event.code),
    `The Responses stream failed: ${event.message ?? 'unknown error'}${event.code ? ` (${event.code})` : ''}`,
  )
}

/** A `response.failed` event: the response's own `error`. */
export function failedResponseError(
  error: { code?: string; message?: string } | null | undefined,
): ResponsesModelError {
  return new ResponsesModelError(
    runErrorCode(error?.code),
    `The response failed: ${error?.message ?? 'no reason given'}${error?.code ? ` (${error.code})` : ''}`,
  )
}

/** Reading the stream failed (an event over the size limit, or the connection broke). */
export function streamReadError(error: unknown): ResponsesModelError {
  if (error instanceof SseEventTooLargeError) {
    return new ResponsesModelError(
      'server_error',
      `The Responses stream sent an event larger than ${error.limit} characters; raise maxEventSize in createResponsesModel() if its events really are that large.`,
    )
  }
  return new ResponsesModelError('server_error', `The Responses stream broke off: ${describe(error)}`)
}

/** The stream ended before `response.completed`, `response.incomplete` or `response.failed`. */
export function unfinishedError(): ResponsesModelError {
  return new ResponsesModelError(
    'server_error',
    'The Responses stream was cut before the response finished (no response.completed event).',
  )
}
