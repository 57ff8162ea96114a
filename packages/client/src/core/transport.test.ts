// Checklist T1–T7 and T10 against an injected fetch: fetch calls are counted, sleeps are recorded, never waited.
import { getEventListeners } from 'node:events'
import { afterEach, describe, expect, test, vi } from 'vitest'
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  ConnectionError,
  ConnectionTimeoutError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  UnprocessableEntityError,
  UserAbortError,
} from './errors.ts'
import { createTransport, defaultSleep, retryDelayMs, type Sleep, type TransportConfig } from './transport.ts'

type Step = Response | Error | ((init: RequestInit) => Promise<Response>)

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': `req_${status}`, ...headers },
  })
}

function apiError(status: number, message: string, extra: Record<string, unknown> = {}, headers = {}) {
  return json(
    status,
    { error: { message, type: 'invalid_request_error', param: null, code: null, ...extra } },
    headers,
  )
}

function setup(steps: Step[], config: Partial<TransportConfig> = {}) {
  const calls: RequestInit[] = []
  const sleeps: number[] = []
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    calls.push(init ?? {})
    const step = steps.shift()
    if (step === undefined) {
      throw new Error('unexpected fetch')
    }
    if (step instanceof Error) {
      throw step
    }
    return typeof step === 'function' ? step(init ?? {}) : step
  })
  const sleep: Sleep = async (ms, signal) => {
    sleeps.push(ms)
    if (signal?.aborted) {
      throw new UserAbortError()
    }
  }
  const transport = createTransport({
    baseURL: 'http://api.test/v1',
    apiKey: 'sk-test-secret-0123456789',
    fetch: fetch as typeof globalThis.fetch,
    sleep,
    random: () => 0,
    ...config,
  })
  return { transport, fetch, calls, sleeps }
}

const GET = { method: 'GET', path: '/threads/thread_1/runs/run_1' } as const

afterEach(() => {
  vi.useRealTimers()
})

describe('T1 retry-after hints', () => {
  test('429 with retry-after-ms waits that long, resends the same body and reports the retry count', async () => {
    const { transport, calls, sleeps } = setup([
      apiError(429, 'Rate limit reached', {}, { 'retry-after-ms': '1500' }),
      json(200, { id: 'run_1' }),
    ])
    const result = await transport.request({ method: 'POST', path: '/x', body: { a: 1, b: null } })
    expect(result.data).toEqual({ id: 'run_1' })
    expect(result.retryCount).toBe(1)
    expect(sleeps).toEqual([1500])
    expect(calls).toHaveLength(2)
    expect(calls[0]?.body).toBe('{"a":1,"b":null}')
    expect(calls[1]?.body).toBe(calls[0]?.body)
  })

  test('retry-after in seconds is converted to ms', async () => {
    const { transport, sleeps } = setup([
      apiError(429, 'slow down', {}, { 'retry-after': '3' }),
      json(200, {}),
    ])
    await transport.request(GET)
    expect(sleeps).toEqual([3000])
  })

  test('retry-after as an HTTP date waits until that date', async () => {
    const now = Date.parse('2025-01-01T00:00:00Z')
    const { transport, sleeps } = setup(
      [apiError(503, 'busy', {}, { 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), json(200, {})],
      { now: () => now },
    )
    await transport.request(GET)
    expect(sleeps).toEqual([5000])
  })

  test.each([
    ['retry-after-ms', '-1'],
    ['retry-after-ms', '60001'],
    ['retry-after-ms', 'NaN'],
    ['retry-after', '61'],
    ['retry-after', 'soon'],
  ])('an invalid hint %s: %s falls back to exponential backoff', async (name, value) => {
    const { transport, sleeps } = setup([apiError(429, 'x', {}, { [name]: value }), json(200, {})])
    await transport.request(GET)
    expect(sleeps).toEqual([500])
  })
})

describe('T2 backoff and retryable statuses', () => {
  test('429 without hints backs off 0.5 s then 1 s, then throws RateLimitError with status and request id', async () => {
    const { transport, fetch, sleeps } = setup([
      apiError(429, 'Rate limit reached for requests'),
      apiError(429, 'Rate limit reached for requests'),
      apiError(429, 'Rate limit reached for requests'),
    ])
    const error = await transport.request(GET).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({
      status: 429,
      requestId: 'req_429',
      message: 'Rate limit reached for requests',
    })
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(sleeps).toEqual([500, 1000])
  })

  test('jitter shortens a backoff by at most 25% and the backoff is capped at 8 s', () => {
    expect(retryDelayMs(0, undefined, () => 0.999999)).toBeCloseTo(375, 0)
    expect(retryDelayMs(1, undefined, () => 0.5)).toBe(875)
    expect(retryDelayMs(10, undefined, () => 0)).toBe(8000)
  })

  test('5xx retries then throws InternalServerError', async () => {
    const { transport, fetch } = setup([apiError(500, 'boom'), apiError(502, 'boom'), apiError(503, 'boom')])
    await expect(transport.request(GET)).rejects.toBeInstanceOf(InternalServerError)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  test.each([408, 409])('%i is retried', async (status) => {
    const { transport, fetch } = setup([apiError(status, 'again'), json(200, { ok: true })])
    await expect(transport.request(GET)).resolves.toMatchObject({ data: { ok: true } })
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  test('x-should-retry: false stops a 500 from being retried', async () => {
    const { transport, fetch } = setup([apiError(500, 'no', {}, { 'x-should-retry': 'false' })])
    await expect(transport.request(GET)).rejects.toBeInstanceOf(InternalServerError)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  test('x-should-retry: true makes a 400 retried', async () => {
    const { transport, fetch } = setup([
      apiError(400, 'flaky', {}, { 'x-should-retry': 'true' }),
      json(200, {}),
    ])
    await transport.request(GET)
    expect(fetch).toHaveBeenCalledTimes(2)
  })

  test('maxRetries: 0 makes a single attempt', async () => {
    const { transport, fetch } = setup([apiError(500, 'boom')], { maxRetries: 0 })
    await expect(transport.request(GET)).rejects.toBeInstanceOf(InternalServerError)
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})

describe('T3 insufficient quota', () => {
  test('429 insufficient_quota throws QuotaExceededError at once, even with x-should-retry: true', async () => {
    const { transport, fetch, sleeps } = setup([
      apiError(
        429,
        'You exceeded your current quota',
        { code: 'insufficient_quota' },
        { 'x-should-retry': 'true' },
      ),
    ])
    const error = await transport.request(GET).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(QuotaExceededError)
    expect(error).toBeInstanceOf(RateLimitError)
    expect(error).toMatchObject({ code: 'insufficient_quota', retryable: false })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(sleeps).toEqual([])
  })
})

describe('T4 client errors are not retried', () => {
  test.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [422, UnprocessableEntityError],
  ])(
    '%i throws its typed error with code, param, type and request id after one fetch',
    async (status, type) => {
      const { transport, fetch } = setup([
        apiError(status, 'Nope', { code: 'some_code', param: 'temperature', type: 'invalid_request_error' }),
      ])
      const error = await transport.request(GET).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(type)
      expect(error).toMatchObject({
        status,
        code: 'some_code',
        param: 'temperature',
        type: 'invalid_request_error',
        requestId: `req_${status}`,
        retryable: false,
      })
      expect(fetch).toHaveBeenCalledTimes(1)
    },
  )

  test('409 is a ConflictError', async () => {
    const { transport } = setup([apiError(409, 'c')], { maxRetries: 0 })
    await expect(transport.request(GET)).rejects.toBeInstanceOf(ConflictError)
  })
})

describe('T5 connection failures and timeouts', () => {
  test('a network error before headers is retried, then thrown as ConnectionError with its cause', async () => {
    const cause = new TypeError('fetch failed')
    const { transport, fetch } = setup([cause, cause, cause])
    const error = await transport.request(GET).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).cause).toBe(cause)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  test('a network error then a success returns the success', async () => {
    const { transport } = setup([new TypeError('fetch failed'), json(200, { id: 'x' })])
    await expect(transport.request(GET)).resolves.toMatchObject({ data: { id: 'x' }, retryCount: 1 })
  })

  test('no headers within the timeout throws ConnectionTimeoutError and leaves no timer', async () => {
    vi.useFakeTimers()
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const { transport, fetch } = setup([hang], { timeout: 1000, maxRetries: 0 })
    const pending = transport.request(GET).catch((caught: unknown) => caught)
    await vi.advanceTimersByTimeAsync(1000)
    const error = await pending
    expect(error).toBeInstanceOf(ConnectionTimeoutError)
    expect((error as Error).message).toContain('1000 ms')
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  test('timeouts are retried like connection errors', async () => {
    vi.useFakeTimers()
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const { transport, fetch } = setup([hang, json(200, { id: 'late' })], { timeout: 50 })
    const pending = transport.request(GET)
    await vi.advanceTimersByTimeAsync(50)
    await expect(pending).resolves.toMatchObject({ data: { id: 'late' } })
    expect(fetch).toHaveBeenCalledTimes(2)
  })
})

describe('T6 abort', () => {
  test('an already-aborted signal throws UserAbortError without any fetch', async () => {
    const { transport, fetch } = setup([json(200, {})])
    await expect(transport.request({ ...GET, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      UserAbortError,
    )
    expect(fetch).not.toHaveBeenCalled()
  })

  test('aborting in flight throws UserAbortError after exactly one fetch and removes its listener', async () => {
    const controller = new AbortController()
    const hang = (init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const { transport, fetch } = setup([hang, json(200, {})])
    const pending = transport.request({ ...GET, signal: controller.signal })
    await Promise.resolve()
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(UserAbortError)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  test('a fetch that ignores its signal is still abandoned at once on abort', async () => {
    const controller = new AbortController()
    const deaf = () => new Promise<Response>(() => undefined)
    const { transport, fetch } = setup([deaf])
    const pending = transport.request({ ...GET, signal: controller.signal })
    await Promise.resolve()
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(UserAbortError)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  test('aborting during the backoff sleep rejects at once, with one fetch and no timer left', async () => {
    vi.useFakeTimers()
    const controller = new AbortController()
    const { transport, fetch } = setup([apiError(429, 'wait', {}, { 'retry-after': '30' }), json(200, {})], {
      sleep: defaultSleep,
    })
    const pending = transport
      .request({ ...GET, signal: controller.signal })
      .catch((caught: unknown) => caught)
    await vi.advanceTimersByTimeAsync(10)
    expect(vi.getTimerCount()).toBe(1)
    controller.abort()
    expect(await pending).toBeInstanceOf(UserAbortError)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(vi.getTimerCount()).toBe(0)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  test('a successful request leaves no abort listener and no timer behind', async () => {
    vi.useFakeTimers()
    const controller = new AbortController()
    const { transport } = setup([json(200, {})])
    await transport.request({ ...GET, signal: controller.signal })
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('T7 non-JSON error bodies', () => {
  test('an HTML 502 from a gateway becomes InternalServerError with a generic message', async () => {
    const html = new Response('<html><body><h1>502 Bad Gateway</h1></body></html>', {
      status: 502,
      headers: { 'content-type': 'text/html' },
    })
    const { transport } = setup([html], { maxRetries: 0 })
    const error = await transport.request(GET).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InternalServerError)
    expect(error).toMatchObject({ status: 502, code: null })
    expect((error as Error).message).toBe('Request failed with status 502 (the response body was not JSON).')
  })

  test('an empty 500 body still gives a typed error', async () => {
    const { transport } = setup([new Response(null, { status: 500 })], { maxRetries: 0 })
    await expect(transport.request(GET)).rejects.toThrow('Request failed with status 500.')
  })
})

describe('T10 secrets never leak', () => {
  test('a key echoed by the server is redacted from the message and the serialised error', async () => {
    const key = 'sk-test-secret-0123456789'
    const { transport } = setup([
      apiError(
        401,
        `Incorrect API key provided: ${key}. Header was Authorization: Bearer ${key}`,
        {},
        {
          'set-cookie': 'session=abc',
        },
      ),
    ])
    const error = (await transport.request(GET).catch((caught: unknown) => caught)) as AuthenticationError
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.message).not.toContain(key)
    expect(error.message).not.toContain('0123456789')
    const serialised = JSON.stringify(error)
    expect(serialised).not.toContain('0123456789')
    expect(serialised).not.toContain('session=abc')
    expect(JSON.parse(serialised)).toMatchObject({ name: 'AuthenticationError', status: 401 })
  })

  test('a non-sk key sent in an api-key header (Azure) is redacted too', async () => {
    const { transport } = setup([apiError(401, 'Access denied for key azure-key-987654321')], {
      apiKey: undefined,
      headers: { 'api-key': 'azure-key-987654321' },
    })
    const error = (await transport.request(GET).catch((caught: unknown) => caught)) as Error
    expect(error.message).toBe('Access denied for key ***')
  })

  test('a connection error never serialises its cause', async () => {
    const { transport } = setup([new TypeError('failed with Authorization: Bearer sk-abcdef123456')], {
      maxRetries: 0,
    })
    const error = (await transport.request(GET).catch((caught: unknown) => caught)) as Error
    expect(JSON.stringify(error)).not.toContain('abcdef123456')
    expect(String(error)).not.toContain('abcdef123456')
  })
})
