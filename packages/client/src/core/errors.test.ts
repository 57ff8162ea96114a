// ApiError.from mapping, the domain errors parsed from 400 texts, stream errors and serialisation (T10).
import { describe, expect, test } from 'vitest'
import {
  ActiveRunError,
  ApiError,
  BadRequestError,
  CannotCancelRunError,
  ConnectionError,
  InternalServerError,
  OaiRunsError,
  QuotaExceededError,
  RateLimitError,
  RunExpiredError,
  RunNotAwaitingOutputsError,
  redactSecrets,
  StreamError,
  StreamParseError,
  ToolOutputsMismatchError,
  ValidationError,
} from './errors.ts'

const body = (message: string, extra: Record<string, unknown> = {}) => ({
  error: { message, type: 'invalid_request_error', param: null, code: null, ...extra },
})

describe('ApiError.from', () => {
  test('maps statuses to classes with name set per class', () => {
    const cases: Array<[number, string]> = [
      [400, 'BadRequestError'],
      [401, 'AuthenticationError'],
      [403, 'PermissionDeniedError'],
      [404, 'NotFoundError'],
      [409, 'ConflictError'],
      [422, 'UnprocessableEntityError'],
      [429, 'RateLimitError'],
      [500, 'InternalServerError'],
      [503, 'InternalServerError'],
      [418, 'ApiError'],
    ]
    for (const [status, name] of cases) {
      const error = ApiError.from(status, body('x'))
      expect(error.name).toBe(name)
      expect(error).toBeInstanceOf(ApiError)
      expect(error).toBeInstanceOf(OaiRunsError)
      expect(error.status).toBe(status)
    }
  })

  test('429 insufficient_quota is a QuotaExceededError that is not retryable', () => {
    const error = ApiError.from(429, body('quota', { code: 'insufficient_quota' }))
    expect(error).toBeInstanceOf(QuotaExceededError)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error.retryable).toBe(false)
    expect(ApiError.from(429, body('slow')).retryable).toBe(true)
  })

  test('reads code, type, param, the raw error and x-request-id', () => {
    const headers = new Headers({ 'x-request-id': 'req_1' })
    const error = ApiError.from(400, body('bad', { param: 'top_p', code: 'invalid_value' }), headers)
    expect(error).toMatchObject({ code: 'invalid_value', param: 'top_p', type: 'invalid_request_error' })
    expect(error.requestId).toBe('req_1')
    expect(error.error).toMatchObject({ message: 'bad' })
  })

  test('accepts a JSON text body, and a non-JSON one without echoing it', () => {
    expect(ApiError.from(400, JSON.stringify(body('from text'))).message).toBe('from text')
    const html = ApiError.from(502, '<html>Bad Gateway</html>')
    expect(html).toBeInstanceOf(InternalServerError)
    expect(html.message).not.toContain('html')
  })
})

describe('domain errors from 400 texts', () => {
  test('active run (run create and message create) exposes threadId and runId', () => {
    const error = ApiError.from(400, body('Thread thread_abc already has an active run run_xyz.'))
    expect(error).toBeInstanceOf(ActiveRunError)
    expect(error).toBeInstanceOf(BadRequestError)
    expect(error).toMatchObject({ threadId: 'thread_abc', runId: 'run_xyz' })
    const message = ApiError.from(
      400,
      body("Can't add messages to thread_abc while a run run_xyz is active."),
    )
    expect(message).toMatchObject({ name: 'ActiveRunError', threadId: 'thread_abc', runId: 'run_xyz' })
  })

  test('a run not awaiting outputs names its status; expired is a RunExpiredError', () => {
    const done = ApiError.from(400, body('Runs in status "completed" do not accept tool outputs.'))
    expect(done).toBeInstanceOf(RunNotAwaitingOutputsError)
    expect(done).not.toBeInstanceOf(RunExpiredError)
    expect(done).toMatchObject({ runStatus: 'completed' })
    const expired = ApiError.from(400, body('Runs in status "expired" do not accept tool outputs.'))
    expect(expired).toBeInstanceOf(RunExpiredError)
    expect(expired).toMatchObject({ runStatus: 'expired' })
  })

  test('a tool-output mismatch lists expected and received call ids', () => {
    const error = ApiError.from(
      400,
      body("Expected tool outputs for call_ids ['call_1', 'call_2'], got ['call_1']"),
    ) as ToolOutputsMismatchError
    expect(error).toBeInstanceOf(ToolOutputsMismatchError)
    expect(error.expected).toEqual(['call_1', 'call_2'])
    expect(error.received).toEqual(['call_1'])
    const empty = ApiError.from(400, body('Expected tool outputs for call_ids ["call_1"], got []'))
    expect(empty).toMatchObject({ expected: ['call_1'], received: [] })
  })

  test('cannot cancel exposes the run status', () => {
    const error = ApiError.from(400, body("Cannot cancel run with status 'completed'."))
    expect(error).toBeInstanceOf(CannotCancelRunError)
    expect(error).toMatchObject({ runStatus: 'completed' })
  })

  test('other 400s stay BadRequestError', () => {
    expect(ApiError.from(400, body('Missing required parameter')).name).toBe('BadRequestError')
  })
})

describe('stream and other errors', () => {
  test('StreamError reads a bare or a wrapped error frame', () => {
    const bare = new StreamError({
      code: 'server_error',
      message: 'Model crashed',
      param: null,
      type: 'server',
    })
    expect(bare).toMatchObject({
      code: 'server_error',
      type: 'server',
      message: 'Model crashed',
      retryable: true,
    })
    const wrapped = new StreamError({ error: { code: 'x', message: 'Wrapped' } })
    expect(wrapped).toMatchObject({ code: 'x', message: 'Wrapped' })
    expect(new StreamError('junk').message).toBe('The stream sent an error.')
  })

  test('StreamParseError has a fixed message', () => {
    expect(new StreamParseError({ event: 'thread.run.created' }).message).toBe(
      'The stream sent an event whose data is not valid JSON.',
    )
  })

  test('ConnectionError keeps its cause and is retryable; ValidationError names its param', () => {
    const cause = new Error('reset')
    expect(new ConnectionError(undefined, { cause })).toMatchObject({ cause, retryable: true })
    expect(new ValidationError('top_p', 'bad').toJSON()).toEqual({
      name: 'ValidationError',
      message: 'bad',
      retryable: false,
      param: 'top_p',
    })
  })
})

describe('T10 redaction', () => {
  test.each([
    ['key sk-proj-abcDEF123_456 leaked', 'key sk-*** leaked'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: Bearer ***'],
    ['{"api-key": "az-123456"}', '{"api-key": "***"}'],
  ])('redactSecrets(%j)', (input, output) => {
    expect(redactSecrets(input)).toBe(output)
  })

  test('toJSON drops secret-looking headers and every message is redacted at construction', () => {
    const headers = new Headers({ 'x-request-id': 'req_9', 'set-cookie': 's=1', 'x-api-key-echo': 'k' })
    const error = ApiError.from(401, body('Incorrect API key provided: sk-live-0000000000'), headers)
    const json = error.toJSON()
    expect(json.headers).toEqual({ 'x-request-id': 'req_9' })
    expect(error.message).toBe('Incorrect API key provided: sk-***')
    expect(new OaiRunsError('oops sk-abc123456').message).toBe('oops sk-***')
  })
})
