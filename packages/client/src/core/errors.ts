// Every error the client throws, re-exported from errors/ by concern: the root and secret redaction (base), HTTP
// errors with the status → class rules (api), connection and abort (connection), streams (stream), client-side
// validation (validation) and client tools (tool). Checklist T10: no message or serialised error may carry an API
// key or an Authorization value.

export {
  ActiveRunError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  CannotCancelRunError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  RunExpiredError,
  RunNotAwaitingOutputsError,
  ToolOutputsMismatchError,
  UnprocessableEntityError,
} from './errors/api.ts'
export type { ApiErrorObject } from './errors/base.ts'
export { OaiRunsError, redactSecrets } from './errors/base.ts'
export { ConnectionError, ConnectionTimeoutError, UserAbortError } from './errors/connection.ts'
export {
  RunStreamTruncatedError,
  StreamBufferLimitError,
  StreamError,
  StreamIdleTimeoutError,
  StreamParseError,
  StreamTruncatedError,
  UnexpectedContentTypeError,
} from './errors/stream.ts'
export type { ToolCallErrorReason } from './errors/tool.ts'
export { ToolCallError } from './errors/tool.ts'
export { ValidationError } from './errors/validation.ts'
