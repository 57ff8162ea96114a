// Errors of a request that got no response: connection failures, header timeouts and the caller's abort.
import { OaiRunsError } from './base.ts'

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
