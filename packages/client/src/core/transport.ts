// The HTTP layer: URL + headers, JSON in and out, the headers-received timeout, abort, error mapping and the
// retry loop of checklist T1–T8. Resources call `request()`; nothing else touches fetch.
import {
  ApiError,
  ConnectionError,
  ConnectionTimeoutError,
  OaiRunsError,
  redactSecrets,
  UserAbortError,
} from './errors.ts'

/** Header values; `null` removes a default header (e.g. `{ Authorization: null }`), `undefined` is ignored. */
export type HeadersInput = Record<string, string | null | undefined>

/** What a `headers` function is told about the request it is called for. */
export type HeaderRequest = { method: string; url: string; path: string }

/** Query values; arrays are sent in brackets format (`include[]=a&include[]=b`), `undefined`/`null` omitted. */
export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>

/** Sleeps `ms`, rejecting with `UserAbortError` (and clearing its timer) if `signal` aborts first. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Transport configuration; `sleep`, `random` and `now` are test seams, not public options. */
export type TransportConfig = {
  baseURL: string
  apiKey?: string | undefined
  headers?: HeadersInput | ((request: HeaderRequest) => HeadersInput | Promise<HeadersInput>) | undefined
  fetch?: typeof fetch | undefined
  betaHeader?: string | null | false | undefined
  defaultQuery?: Record<string, string | undefined> | undefined
  organization?: string | null | undefined
  project?: string | null | undefined
  maxRetries?: number | undefined
  timeout?: number | undefined
  sleep?: Sleep | undefined
  random?: (() => number) | undefined
  now?: (() => number) | undefined
}

/** A response body together with its raw `Response`, its `x-request-id` and how many retries it took. */
export type ApiResult<T> = { data: T; response: Response; requestId: string | null; retryCount: number }

/** Per-request options: `retry: 'safe'` retries only failures proving the server did nothing (T8). */
export type RequestOptions<T> = {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  query?: Query | undefined
  body?: unknown
  signal?: AbortSignal | undefined
  headers?: HeadersInput | undefined
  timeout?: number | undefined
  maxRetries?: number | undefined
  retry?: 'all' | 'safe'
  /** Returns an unread `text/event-stream` response (plus its abort controller) instead of parsed JSON. */
  stream?: boolean
  /** Called when an attempt fails with an ApiError after an earlier attempt may have reached the server. */
  recover?: ((error: ApiError) => Promise<ApiResult<T>> | undefined) | undefined
  /**
   * Called after an attempt failed ambiguously (connection error, timeout, 5xx) and before any retry: it looks
   * for what that attempt may have created. A result ends the request; `undefined` lets it retry or fail.
   */
  reconcile?: ((elapsedMs: number) => Promise<ApiResult<T> | undefined>) | undefined
}

/** Options every resource call takes. */
export type CallOptions = {
  /** Aborts the request (and any retry wait); the call rejects with `UserAbortError`. */
  signal?: AbortSignal | undefined
  /** Extra headers for this call only; `null` removes a default header. */
  headers?: HeadersInput | undefined
  /** Headers-received timeout for this call, in ms. */
  timeout?: number | undefined
  /** Retries for this call (overrides the client's `maxRetries`). */
  maxRetries?: number | undefined
}

/** Picks the transport fields of `CallOptions` (so unknown keys never reach a request). */
export function callFields(options: CallOptions | undefined): CallOptions {
  return {
    signal: options?.signal,
    headers: options?.headers,
    timeout: options?.timeout,
    maxRetries: options?.maxRetries,
  }
}

/** The transport returned by `createTransport`. */
export type Transport = {
  request<T>(options: RequestOptions<T>): Promise<ApiResult<T>>
  stream(options: RequestOptions<Response>): Promise<ApiResult<Response> & { controller: AbortController }>
  sleep: Sleep
  config: Readonly<TransportConfig>
}

/** The default sleep: a timer that is cleared on abort. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new UserAbortError())
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(new UserAbortError())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

const MAX_RETRY_AFTER_MS = 60_000
const SECRET_HEADER = /authorization|api-key|apikey|secret|token/i
const REFUSED = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/

/** Builds `baseURL + path + ?query`, with array values in brackets format. */
export function buildUrl(baseURL: string, path: string, query: Query = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) {
      continue
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        search.append(`${key}[]`, String(item))
      }
    } else {
      search.append(key, String(value))
    }
  }
  const text = search.toString()
  return `${baseURL.replace(/\/+$/, '')}${path}${text === '' ? '' : `?${text}`}`
}

/** The wait before retry number `retryIndex` (0-based): the server's hint if valid (≤ 60 s), else backoff. */
export function retryDelayMs(
  retryIndex: number,
  headers: Headers | undefined,
  random: () => number = Math.random,
  now: () => number = Date.now,
): number {
  const hintMs = parseRetryAfter(headers, now)
  if (hintMs !== undefined) {
    return hintMs
  }
  const base = Math.min(500 * 2 ** retryIndex, 8000)
  return base * (1 - random() * 0.25)
}

function parseRetryAfter(headers: Headers | undefined, now: () => number): number | undefined {
  const valid = (ms: number) => (Number.isFinite(ms) && ms >= 0 && ms <= MAX_RETRY_AFTER_MS ? ms : undefined)
  const msHeader = headers?.get('retry-after-ms')
  if (msHeader && valid(Number(msHeader)) !== undefined) {
    return Number(msHeader)
  }
  const header = headers?.get('retry-after')?.trim()
  if (!header) {
    return undefined
  }
  if (/^\d+(\.\d+)?$/.test(header)) {
    return valid(Number(header) * 1000)
  }
  return valid(Date.parse(header) - now())
}

function isAmbiguous(error: OaiRunsError): boolean {
  return error instanceof ConnectionError || (error instanceof ApiError && error.status >= 500)
}

function shouldRetry(error: OaiRunsError, policy: 'all' | 'safe'): boolean {
  if (!error.retryable) {
    return false
  }
  if (policy === 'all') {
    return true
  }
  if (error instanceof ApiError) {
    return error.headers?.get('x-should-retry') === 'true' || [408, 409, 429].includes(error.status)
  }
  const cause = error.cause as { code?: unknown; cause?: { code?: unknown } } | undefined
  return (
    !(error instanceof ConnectionTimeoutError) &&
    REFUSED.test(String(cause?.cause?.code ?? cause?.code ?? ''))
  )
}

async function readText(response: Response): Promise<string> {
  try {
    return await response.text()
  } catch {
    return ''
  }
}

/** Creates the transport that every resource of a client shares. */
export function createTransport(config: TransportConfig): Transport {
  const fetchImpl = config.fetch ?? globalThis.fetch.bind(globalThis)
  const sleep = config.sleep ?? defaultSleep
  const random = config.random ?? Math.random
  const now = config.now ?? Date.now

  async function buildHeaders(
    options: RequestOptions<unknown>,
    url: string,
  ): Promise<Record<string, string>> {
    const beta = config.betaHeader === undefined ? 'assistants=v2' : config.betaHeader
    const custom =
      typeof config.headers === 'function'
        ? await config.headers({ method: options.method, url, path: options.path })
        : config.headers
    const layers: HeadersInput[] = [
      {
        accept: options.stream ? 'text/event-stream' : 'application/json',
        'content-type': options.body === undefined ? undefined : 'application/json',
        authorization: config.apiKey ? `Bearer ${config.apiKey}` : undefined,
        'openai-beta': beta || undefined,
        'openai-organization': config.organization ?? undefined,
        'openai-project': config.project ?? undefined,
      },
      custom ?? {},
      options.headers ?? {},
    ]
    const headers: Record<string, string> = {}
    for (const layer of layers) {
      for (const [name, value] of Object.entries(layer)) {
        if (value === null) {
          delete headers[name.toLowerCase()]
        } else if (value !== undefined) {
          headers[name.toLowerCase()] = value
        }
      }
    }
    return headers
  }

  async function attempt<T>(options: RequestOptions<T>, retryCount: number) {
    const url = buildUrl(config.baseURL, options.path, { ...config.defaultQuery, ...options.query })
    const headers = await buildHeaders(options as RequestOptions<unknown>, url)
    const secrets = Object.entries(headers)
      .filter(([name]) => SECRET_HEADER.test(name))
      .flatMap(([, value]) => [value, value.replace(/^\S+\s+/, '')])
    const { signal } = options
    const controller = new AbortController()
    const onAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort, { once: true })
    const timeout = options.timeout ?? config.timeout ?? 600_000
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeout)
    const aborted = new Promise<never>((_resolve, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true })
    })
    aborted.catch(() => undefined)
    const failed = (cause: unknown): OaiRunsError => {
      if (signal?.aborted) {
        return new UserAbortError()
      }
      return timedOut ? new ConnectionTimeoutError(timeout) : new ConnectionError(undefined, { cause })
    }
    try {
      let response: Response
      try {
        const body = options.body === undefined ? undefined : JSON.stringify(options.body)
        // Raced with the abort so a fetch that ignores its signal still stops at once (T5, T6).
        response = await Promise.race([
          fetchImpl(url, { method: options.method, headers, body, signal: controller.signal }),
          aborted,
        ])
      } catch (cause) {
        throw failed(cause)
      } finally {
        clearTimeout(timer)
      }
      const requestId = response.headers.get('x-request-id')
      if (!response.ok) {
        throw ApiError.from(response.status, await readText(response), response.headers, secrets)
      }
      if (options.stream) {
        return { data: response as T, response, requestId, retryCount, controller }
      }
      let text: string
      try {
        text = await response.text()
      } catch (cause) {
        throw failed(cause)
      }
      try {
        return { data: (text === '' ? undefined : JSON.parse(text)) as T, response, requestId, retryCount }
      } catch {
        throw new OaiRunsError(
          redactSecrets(`The server answered ${response.status} with a body that is not JSON.`, secrets),
        )
      }
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  // T8: after an ambiguous failure, a hook may find what the lost attempt created instead of retrying.
  async function reconcile<T>(options: RequestOptions<T>, startedAt: number) {
    try {
      return await options.reconcile?.(now() - startedAt)
    } catch (error) {
      if (error instanceof UserAbortError) {
        throw error
      }
      return undefined // reconciling is best effort; the retry (and `recover`) still guard against duplicates
    }
  }

  async function send<T>(options: RequestOptions<T>) {
    const maxRetries = options.maxRetries ?? config.maxRetries ?? 2
    const startedAt = now()
    let ambiguous = false
    for (let retryCount = 0; ; retryCount++) {
      if (options.signal?.aborted) {
        throw new UserAbortError()
      }
      try {
        return await attempt(options, retryCount)
      } catch (error) {
        if (!(error instanceof OaiRunsError) || error instanceof UserAbortError) {
          throw error
        }
        const recovered = ambiguous && error instanceof ApiError ? options.recover?.(error) : undefined
        if (recovered) {
          return { ...(await recovered), controller: undefined }
        }
        const retrying = retryCount < maxRetries && shouldRetry(error, options.retry ?? 'all')
        if (retrying) {
          const headers = error instanceof ApiError ? error.headers : undefined
          await sleep(retryDelayMs(retryCount, headers, random, now), options.signal)
        }
        if (isAmbiguous(error)) {
          ambiguous = true
          const found = await reconcile(options, startedAt)
          if (found) {
            return { ...found, controller: undefined }
          }
        }
        if (!retrying) {
          throw error
        }
      }
    }
  }

  return {
    config,
    sleep,
    async request<T>(options: RequestOptions<T>) {
      const { controller: _controller, ...result } = await send({ ...options, stream: false })
      return result
    },
    async stream(options: RequestOptions<Response>) {
      const result = await send({ ...options, stream: true })
      if (!result.controller) {
        throw new OaiRunsError('A streaming request cannot be recovered without a stream.')
      }
      return { ...result, controller: result.controller }
    },
  }
}
