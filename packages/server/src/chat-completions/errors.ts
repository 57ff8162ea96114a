// Error mapping: what the upstream endpoint or its stream got wrong, as the run's `last_error` (a ModelError).
import { SseEventTooLargeError } from '../sse-parser.ts'
import { describe, ModelError } from '../upstream-model.ts'

/** The message of an upstream error response (its JSON `error.message`, `error` or `message`, else its text). */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string }
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message)
    if (message) {
      return message
    }
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || response.statusText
}

/** The request did not reach the endpoint. */
export function unreachableError(error: unknown): ModelError {
  return new ModelError('server_error', `The model endpoint could not be reached: ${describe(error)}`)
}

/** The endpoint answered with an error status: 429 → `rate_limit_exceeded`, anything else → `server_error`. */
export async function responseError(response: Response): Promise<ModelError> {
  const message = await errorMessage(response)
  return new ModelError(
    response.status === 429 ? 'rate_limit_exceeded' : 'server_error',
    `The model endpoint answered ${response.status}: ${message}`,
  )
}

/** A chunk that is not JSON. */
export function badChunkError(data: string): ModelError {
  return new ModelError(
    'server_error',
    `The model stream sent a chunk that is not JSON: ${data.slice(0, 200)}`,
  )
}

/** An `error` the stream sent in a chunk. */
export function chunkError(error: { message?: string; code?: string | null; type?: string }): ModelError {
  const rateLimited = error.code === 'rate_limit_exceeded' || error.type === 'rate_limit_error'
  return new ModelError(
    rateLimited ? 'rate_limit_exceeded' : 'server_error',
    `The model stream failed: ${error.message ?? 'unknown error'}`,
  )
}

/** Reading the stream failed (an event over the size limit, or the connection broke). */
export function streamReadError(error: unknown): ModelError {
  if (error instanceof SseEventTooLargeError) {
    return new ModelError(
      'server_error',
      `The model stream sent an event larger than ${error.limit} characters; raise maxEventSize in createChatCompletionsModel() if its chunks really are that large.`,
    )
  }
  return new ModelError('server_error', `The model stream broke off: ${describe(error)}`)
}

/** The stream ended without a `finish_reason`: after `[DONE]`, or cut before it. */
export function unfinishedError(sawDone: boolean): ModelError {
  return new ModelError(
    'server_error',
    sawDone
      ? 'The model stream ended without a finish_reason.'
      : 'The model stream was cut before the completion finished.',
  )
}
