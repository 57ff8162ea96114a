// Owns what both model adapters (Chat Completions, Responses) do the same way: the error that becomes a run's
// `last_error`, the request headers, the streamed POST that maps a network failure, and an unexpected failure's output.
import type { ModelOutput } from './model.ts'
import type { Redactor } from './redact.ts'
import type { RunErrorCode } from './types.ts'

/** A failure of an upstream model that becomes the run's `last_error`. */
export class ModelError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** An error's message (or the thrown value as text). */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The auth and extra headers an adapter sends with every streamed request. */
export interface UpstreamAuth {
  apiKey?: string | undefined
  authHeader?: 'authorization' | 'api-key' | undefined
  headers?: Record<string, string> | undefined
}

function upstreamHeaders(options: UpstreamAuth): Record<string, string> {
  const result: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    ...options.headers,
  }
  if (options.apiKey) {
    if (options.authHeader === 'api-key') {
      result['api-key'] = options.apiKey
    } else {
      result.authorization = `Bearer ${options.apiKey}`
    }
  }
  return result
}

/**
 * POSTs `body` as JSON to the upstream, asking for an event stream. A failure to reach it becomes `unreachable(error)`;
 * an abort through `signal` is rethrown as it is (the run was cancelled or expired).
 */
export async function postUpstream(
  upstream: {
    url: string
    fetch: (input: string, init: RequestInit) => Promise<Response>
    options: UpstreamAuth
  },
  body: Record<string, unknown>,
  signal: AbortSignal,
  unreachable: (error: unknown) => Error,
): Promise<Response> {
  try {
    return await upstream.fetch(upstream.url, {
      method: 'POST',
      headers: upstreamHeaders(upstream.options),
      body: JSON.stringify(body),
      signal,
    })
  } catch (error) {
    if (signal.aborted) {
      throw error
    }
    throw unreachable(error)
  }
}

/** What a turn that threw yields: a ModelError as it is, anything else as `server_error` naming the adapter. */
export function errorOutput(
  error: unknown,
  redactor: Redactor,
  adapter: string,
): ModelOutput & { type: 'error' } {
  if (error instanceof ModelError) {
    return { type: 'error', code: error.code, message: redactor.text(error.message) }
  }
  return {
    type: 'error',
    code: 'server_error',
    message: redactor.text(`The ${adapter} failed: ${describe(error)}`),
  }
}
