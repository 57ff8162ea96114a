// A key-holding proxy for browsers: forwards only the Runs / threads / messages routes the client uses to an
// upstream (our server, Azure, any compatible backend), keeps the API key on the server, and asks the app's
// `authorize` before every call. Checklist P1–P11 (docs/reliability.md).
import type { ConnectionInfo } from './http.ts'
import { createRedactor } from './redact.ts'
import { createSseParser } from './sse-parser.ts'

export type { ConnectionInfo } from './http.ts'

/** What a call through the proxy does, for `authorize`. */
export type ProxyAction =
  | 'threads.create'
  | 'threads.retrieve'
  | 'threads.createAndRun'
  | 'messages.create'
  | 'messages.list'
  | 'messages.retrieve'
  | 'runs.create'
  | 'runs.list'
  | 'runs.retrieve'
  | 'runs.update'
  | 'runs.cancel'
  | 'runs.submitToolOutputs'
  | 'steps.list'
  | 'steps.retrieve'
  | 'files.content'

/** The ids a call touches; `threadId` is absent only for calls that create a thread. */
export interface ProxyTarget {
  action: ProxyAction
  threadId?: string
  runId?: string
  stepId?: string
  messageId?: string
  fileId?: string
}

/**
 * Decides whether a request may make a call: `true` forwards it, `false` answers 404 (an id the user does not
 * own looks like an id that does not exist), a `Response` is sent as it is (e.g. {@link unauthorized}).
 */
export type ProxyAuthorize = (
  request: Request,
  target: ProxyTarget,
) => boolean | Response | Promise<boolean | Response>

/** A rate limiter: whether one more call under `key` is allowed now. */
export type RateLimiter = (
  key: string,
) =>
  | { allowed: boolean; retryAfterSeconds?: number }
  | Promise<{ allowed: boolean; retryAfterSeconds?: number }>

/** Options of {@link createRunsProxy}. */
export interface RunsProxyOptions {
  /** Upstream API root, e.g. `http://127.0.0.1:4010/v1` or `https://NAME.openai.azure.com/openai`. */
  upstream: string
  /** The upstream API key. Kept on the server; without one the proxy fails closed (503). */
  apiKey: string | undefined
  /** How the key is sent upstream. @defaultValue 'bearer' (`Authorization: Bearer …`); Azure uses 'api-key' */
  authHeader?: 'bearer' | 'api-key'
  /** Asked before every call. */
  authorize: ProxyAuthorize
  /** Called when a call creates a thread (createThread, createThreadAndRun), so the app can record its owner. */
  onThreadCreated?: (request: Request, threadId: string) => void | Promise<void>
  /** The path prefix the proxy is mounted at. @defaultValue '/api/runs' */
  basePath?: string
  /** Forces `assistant_id` on run creation; the client's value is ignored. */
  assistantId?: string
  /** Let clients set model, instructions, tools and other run overrides. @defaultValue false (they are dropped) */
  allowRunOverrides?: boolean
  /** `OpenAI-Beta` header sent upstream; `null` sends none. @defaultValue 'assistants=v2' */
  betaHeader?: string | null
  /** Query added upstream, e.g. `{ 'api-version': '2024-05-01-preview' }` for Azure. */
  defaultQuery?: Record<string, string>
  /** Origins allowed besides the request's own. */
  allowedOrigins?: string[]
  /** Largest request body, in bytes. @defaultValue 1 MiB */
  maxBodyBytes?: number
  /**
   * Per-caller rate limit. The caller is `rateLimitKey`'s answer; by default the client's address (see
   * `trustProxy`), or 'anonymous' (one shared bucket) when the address is unknown.
   */
  rateLimiter?: RateLimiter
  /** Picks the rate-limit key of a call, e.g. the signed-in user; gets the client address the proxy worked out. */
  rateLimitKey?: (request: Request, client: { address: string | undefined }) => string
  /**
   * Which forwarding proxies in front of this one to believe, as Express's `trust proxy` does: `false` (or 0)
   * uses the socket's address and ignores `X-Forwarded-For`, which any client can set; a number `n` trusts the
   * `n` nearest hops (the socket peer and the last `n - 1` `X-Forwarded-For` entries they appended) and takes
   * the address the farthest trusted hop saw; `true` trusts every hop (the left-most entry, which the client
   * chooses: only when every request passes a proxy that discards incoming `X-Forwarded-For`).
   * @defaultValue false
   */
  trustProxy?: boolean | number
  /** More secrets to mask in everything relayed to the browser, besides `apiKey` (e.g. an organization key). */
  redact?: string[]
  /** When the limiter itself fails: 'deny' answers 503, 'allow' lets the call through. @defaultValue 'deny' */
  onLimiterError?: 'allow' | 'deny'
  /** Enables `GET …/files/{file_id}/content` for cited files (ownership is `authorize`'s job). @defaultValue false */
  fileDownloads?: boolean
  /** The fetch used upstream. @defaultValue globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>
}

/**
 * A proxy: a fetch handler for route handlers (Next.js, Hono, Express through an adapter, `listen`). Pass the
 * connection (as `listen` does) so that rate limits can key on the socket's address. The second argument also takes
 * whatever a framework passes there (Next.js's `{ params }`): anything without a string `remoteAddress` counts as no
 * connection info, so it can be exported as a route handler as it is.
 */
export interface RunsProxy {
  fetch(request: Request, connection?: ConnectionInfo | object): Promise<Response>
}

function connectionInfo(value: unknown): ConnectionInfo | undefined {
  if (typeof value === 'object' && value !== null && 'remoteAddress' in value) {
    const { remoteAddress } = value as { remoteAddress: unknown }
    return typeof remoteAddress === 'string' ? { remoteAddress } : undefined
  }
  return undefined
}

interface ProxyRoute {
  method: 'GET' | 'POST'
  pattern: RegExp
  action: ProxyAction
  names: (keyof ProxyTarget)[]
}

const id = '([A-Za-z0-9_-]{1,128})'
const routeTable: [ProxyRoute['method'], string, ProxyAction, (keyof ProxyTarget)[]][] = [
  ['POST', '/threads', 'threads.create', []],
  ['POST', '/threads/runs', 'threads.createAndRun', []],
  ['GET', `/threads/${id}`, 'threads.retrieve', ['threadId']],
  ['POST', `/threads/${id}/messages`, 'messages.create', ['threadId']],
  ['GET', `/threads/${id}/messages`, 'messages.list', ['threadId']],
  ['GET', `/threads/${id}/messages/${id}`, 'messages.retrieve', ['threadId', 'messageId']],
  ['POST', `/threads/${id}/runs`, 'runs.create', ['threadId']],
  ['GET', `/threads/${id}/runs`, 'runs.list', ['threadId']],
  ['GET', `/threads/${id}/runs/${id}`, 'runs.retrieve', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}`, 'runs.update', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}/cancel`, 'runs.cancel', ['threadId', 'runId']],
  ['POST', `/threads/${id}/runs/${id}/submit_tool_outputs`, 'runs.submitToolOutputs', ['threadId', 'runId']],
  ['GET', `/threads/${id}/runs/${id}/steps`, 'steps.list', ['threadId', 'runId']],
  ['GET', `/threads/${id}/runs/${id}/steps/${id}`, 'steps.retrieve', ['threadId', 'runId', 'stepId']],
  ['GET', `/files/${id}/content`, 'files.content', ['fileId']],
]
const routes: ProxyRoute[] = routeTable.map(([method, path, action, names]) => ({
  method,
  pattern: new RegExp(`^${path}$`),
  action,
  names,
}))

// Run fields a browser may not choose unless the operator allows it (P3).
const runOverrideFields = [
  'model',
  'instructions',
  'additional_instructions',
  'tools',
  'tool_resources',
  'response_format',
  'temperature',
  'top_p',
  'max_prompt_tokens',
  'max_completion_tokens',
  'truncation_strategy',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
]
// Upstream response headers worth passing on; everything else (organization, project, cookies, …) stays behind.
const passedHeaders = [
  'content-type',
  'x-request-id',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'openai-poll-after-ms',
]

function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
  code: string | null = null,
) {
  return new Response(
    JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }),
    {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    },
  )
}

/** A 401 for `authorize` to return when the request has no session. */
export function unauthorized(message = 'Sign in to use the assistant.'): Response {
  return errorResponse(401, message, {}, 'unauthenticated')
}

/** A `Content-Disposition: attachment` value per RFC 6266 / RFC 5987: a safe ASCII fallback plus UTF-8. */
export function contentDisposition(filename: string): string {
  const clean = filename.replace(/[\r\n"\\]/g, '').replace(/[/]/g, '_') || 'download'
  const ascii = clean.replace(/[^\x20-\x7e]/g, '_')
  const encoded = encodeURIComponent(clean).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

/** Removes organization and project ids and key-shaped strings from an upstream error message (P9). */
function sanitize(message: string): string {
  return message
    .replace(/\borg-[A-Za-z0-9]+/g, 'org-***')
    .replace(/\bproj_[A-Za-z0-9]+/g, 'proj_***')
    .replace(/\bsk-[A-Za-z0-9_-]+/g, 'sk-***')
}

/** Reads a body up to `limit` bytes; `null` when it is larger (P5). */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) {
    return null
  }
  if (!request.body) {
    return new Uint8Array()
  }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      break
    }
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return body
}

/** Watches an SSE body for the first `thread.created` event without holding any byte back. */
function tapThreadCreated(body: ReadableStream<Uint8Array>, onThread: (threadId: string) => void) {
  // The event comes first in the stream: stop looking after 64 KiB, or at anything that is not SSE.
  const limit = 65_536
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let watching = true
  let read = 0
  const parser = createSseParser({
    maxEventSize: limit,
    onEvent(event) {
      if (!watching || event.event !== 'thread.created') {
        return
      }
      watching = false
      try {
        const thread = JSON.parse(event.data) as { id?: unknown }
        if (typeof thread.id === 'string') {
          onThread(thread.id)
        }
      } catch {
        // not JSON: nothing to record
      }
    },
  })
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk)
        if (!watching) {
          return
        }
        read += chunk.byteLength
        try {
          parser.feed(decoder.decode(chunk, { stream: true }))
        } catch {
          watching = false // an event past the limit: this is not the stream we look for
        }
        if (read > limit) {
          watching = false
        }
      },
    }),
  )
}

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normalizeAddress(address: string | undefined): string | undefined {
  const trimmed = address?.trim()
  if (!trimmed) {
    return undefined
  }
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed
}

/** The client's address: the socket's, or the one the farthest trusted forwarding hop saw. */
function clientAddress(
  request: Request,
  connection: ConnectionInfo | undefined,
  trustProxy: boolean | number,
): string | undefined {
  const socket = normalizeAddress(connection?.remoteAddress)
  const hops = trustProxy === true ? Number.POSITIVE_INFINITY : trustProxy === false ? 0 : trustProxy
  if (hops === 0) {
    return socket
  }
  // Nearest first: the socket peer, then X-Forwarded-For from right (appended last) to left.
  const forwarded = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => normalizeAddress(entry))
    .filter((entry): entry is string => entry !== undefined)
    .reverse()
  const chain = [socket, ...forwarded]
  return chain[Math.min(hops, chain.length - 1)] ?? socket
}

/**
 * Creates the proxy. Mount it on a catch-all route (`/api/runs/*`) and give the browser client
 * `createClient({ baseURL: '/api/runs' })`: no key ever reaches the browser.
 * @example
 * const proxy = createRunsProxy({
 *   upstream: 'http://127.0.0.1:4010/v1',
 *   apiKey: process.env.OAI_RUNS_API_KEY,
 *   authorize: (request, { threadId }) => (threadId ? ownsThread(userOf(request), threadId) : true),
 * })
 * export const GET = proxy.fetch, POST = proxy.fetch
 */
export function createRunsProxy(options: RunsProxyOptions): RunsProxy {
  const basePath = (options.basePath ?? '/api/runs').replace(/\/$/, '')
  const upstream = options.upstream.replace(/\/$/, '')
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const upstreamFetch = options.fetch ?? ((request: Request) => fetch(request))
  const trustProxy = options.trustProxy ?? false
  if (typeof trustProxy === 'number' && !(Number.isInteger(trustProxy) && trustProxy >= 0)) {
    throw new TypeError(
      `createRunsProxy: trustProxy must be a boolean or a whole number of hops (0 or more), got ${trustProxy}.`,
    )
  }
  const redactor = createRedactor([options.apiKey, ...(options.redact ?? [])])

  async function handle(request: Request, connection: ConnectionInfo | undefined): Promise<Response> {
    const url = new URL(request.url)
    if (!options.apiKey) {
      return errorResponse(503, 'The assistant is not configured on the server (no upstream API key).')
    }
    // P4: only same-origin (or allowed) browsers.
    const origin = request.headers.get('origin')
    const allowed = new Set([url.origin, ...(options.allowedOrigins ?? [])])
    if ((origin && !allowed.has(origin)) || request.headers.get('sec-fetch-site') === 'cross-site') {
      return errorResponse(403, 'Cross-site requests are not allowed.')
    }
    // P6: the allowlist.
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null
    if (path === null || path.includes('..')) {
      return errorResponse(404, 'Not found.')
    }
    const candidates = routes.filter((route) => route.pattern.test(path))
    const route = candidates.find((candidate) => candidate.method === request.method)
    if (!route || (route.action === 'files.content' && !options.fileDownloads)) {
      if (candidates.length > 0 && !(candidates[0]?.action === 'files.content' && !options.fileDownloads)) {
        return errorResponse(405, `Method ${request.method} is not allowed here.`, {
          allow: candidates.map((candidate) => candidate.method).join(', '),
        })
      }
      return errorResponse(404, 'Not found.')
    }
    const match = route.pattern.exec(path)!
    const target: ProxyTarget = { action: route.action }
    route.names.forEach((name, index) => {
      ;(target as unknown as Record<string, string>)[name] = match[index + 1]!
    })
    // P7: rate limit before any work.
    if (options.rateLimiter) {
      const address = clientAddress(request, connection, trustProxy)
      const key = options.rateLimitKey?.(request, { address }) ?? address ?? 'anonymous'
      try {
        const verdict = await options.rateLimiter(key)
        if (!verdict.allowed) {
          return errorResponse(
            429,
            'Too many requests. Please slow down.',
            { 'retry-after': String(Math.max(1, Math.ceil(verdict.retryAfterSeconds ?? 1))) },
            'rate_limit_exceeded',
          )
        }
      } catch {
        if (options.onLimiterError !== 'allow') {
          return errorResponse(503, 'The rate limiter is unavailable; please try again shortly.')
        }
      }
    }
    // P1/P2: the app decides; a foreign id is a 404 and costs no upstream call.
    const verdict = await options.authorize(request, target)
    if (verdict instanceof Response) {
      return verdict
    }
    if (verdict !== true) {
      return errorResponse(404, 'Not found.')
    }
    // P5: body size, then P3: what a browser may set.
    let body: string | undefined
    if (request.method === 'POST') {
      const raw = await readLimited(request, maxBodyBytes)
      if (raw === null) {
        return errorResponse(413, `Request body is larger than ${maxBodyBytes} bytes.`)
      }
      body = rewriteBody(route.action, raw)
    }
    const upstreamUrl = new URL(`${upstream}${path}`)
    for (const [name, value] of url.searchParams) {
      upstreamUrl.searchParams.append(name, value)
    }
    for (const [name, value] of Object.entries(options.defaultQuery ?? {})) {
      upstreamUrl.searchParams.set(name, value)
    }
    const headers = new Headers({ accept: request.headers.get('accept') ?? 'application/json' })
    if (body !== undefined) {
      headers.set('content-type', 'application/json')
    }
    if (options.authHeader === 'api-key') {
      headers.set('api-key', options.apiKey)
    } else {
      headers.set('authorization', `Bearer ${options.apiKey}`)
    }
    const beta = options.betaHeader === undefined ? 'assistants=v2' : options.betaHeader
    if (beta) {
      headers.set('openai-beta', beta)
    }
    let response: Response
    try {
      // P8: the browser's disconnect aborts the upstream call (not the run).
      response = await upstreamFetch(
        new Request(upstreamUrl, {
          method: request.method,
          headers,
          signal: request.signal,
          ...(body !== undefined ? { body } : {}),
        }),
      )
    } catch {
      if (request.signal.aborted) {
        return new Response(null, { status: 499 })
      }
      return errorResponse(502, 'The assistant service could not be reached.')
    }
    return relay(request, route.action, response)
  }

  function rewriteBody(action: ProxyAction, raw: Uint8Array): string {
    const text = new TextDecoder().decode(raw)
    if (action !== 'runs.create' && action !== 'threads.createAndRun') {
      return text
    }
    let parsed: Record<string, unknown>
    try {
      parsed = JSON.parse(text) as Record<string, unknown>
    } catch {
      return text // the upstream answers malformed JSON with its own 400
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return text
    }
    if (options.assistantId) {
      parsed.assistant_id = options.assistantId
    }
    if (!options.allowRunOverrides) {
      for (const field of runOverrideFields) {
        delete parsed[field]
      }
    }
    return JSON.stringify(parsed)
  }

  async function relay(request: Request, action: ProxyAction, response: Response): Promise<Response> {
    const headers = new Headers()
    for (const name of passedHeaders) {
      const value = response.headers.get(name)
      if (value !== null) {
        headers.set(name, redactor.text(value))
      }
    }
    const isStream = response.headers.get('content-type')?.startsWith('text/event-stream')
    if (isStream && response.body) {
      // P10: unbuffered, uncacheable, uncompressed.
      headers.set('cache-control', 'no-cache, no-transform')
      headers.set('x-accel-buffering', 'no')
      headers.set('content-encoding', 'identity')
      let body: ReadableStream<Uint8Array> = response.body
      if (action === 'threads.createAndRun' && options.onThreadCreated) {
        body = tapThreadCreated(body, (threadId) => {
          void options.onThreadCreated?.(request, threadId)
        })
      }
      return new Response(redactor.stream(body), { status: response.status, headers })
    }
    if (action === 'files.content' && response.ok) {
      const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1]
      headers.set('content-disposition', contentDisposition(name ?? 'download'))
      headers.set('x-content-type-options', 'nosniff')
      headers.set('content-type', 'application/octet-stream')
      return new Response(response.body && redactor.stream(response.body), {
        status: response.status,
        headers,
      })
    }
    const text = redactor.text(await response.text())
    if (!response.ok) {
      // P9: a clean error body; retry hints kept, upstream identifiers dropped.
      let message = 'The assistant service answered with an error.'
      let code: string | null = null
      try {
        const parsed = JSON.parse(text) as { error?: { message?: unknown; code?: unknown } }
        if (typeof parsed.error?.message === 'string') {
          message = sanitize(redactor.text(parsed.error.message))
        }
        code = typeof parsed.error?.code === 'string' ? sanitize(redactor.text(parsed.error.code)) : null
      } catch {
        // not JSON (a gateway page): keep the generic message
      }
      const body = JSON.stringify({
        error: {
          message,
          type: response.status >= 500 ? 'server_error' : 'invalid_request_error',
          param: null,
          code,
        },
      })
      headers.set('content-type', 'application/json')
      return new Response(body, { status: response.status, headers })
    }
    if (options.onThreadCreated && (action === 'threads.create' || action === 'threads.createAndRun')) {
      try {
        const parsed = JSON.parse(text) as { id?: string; thread_id?: string }
        const threadId = action === 'threads.create' ? parsed.id : parsed.thread_id
        if (threadId) {
          await options.onThreadCreated(request, threadId)
        }
      } catch {
        // not JSON: nothing to record
      }
    }
    return new Response(text, { status: response.status, headers })
  }

  return {
    async fetch(request, connection) {
      try {
        return await handle(request, connectionInfo(connection))
      } catch {
        return errorResponse(500, 'The proxy failed to handle the request.')
      }
    },
  }
}

/** A {@link RateLimiter} that keeps its windows in memory, with the number of keys it holds. */
export type MemoryRateLimiter = ((key: string) => { allowed: boolean; retryAfterSeconds?: number }) & {
  /** Keys with a window in memory now (expired windows are dropped as calls come in). */
  readonly size: number
}

/**
 * A fixed-window in-memory rate limiter: `limit` calls per `windowMs` per key. Memory is bounded: expired
 * windows are dropped as calls come in, and past `maxKeys` keys the oldest window is evicted (that key starts
 * afresh), so a flood of new keys cannot grow the process.
 */
export function createMemoryRateLimiter(options: {
  limit: number
  windowMs: number
  now?: () => number
  /** Most keys held at once. @defaultValue 10,000 */
  maxKeys?: number
}): MemoryRateLimiter {
  const maxKeys = options.maxKeys ?? 10_000
  if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) {
    throw new TypeError(
      `createMemoryRateLimiter: maxKeys must be a whole number of at least 1, got ${maxKeys}.`,
    )
  }
  // Insertion order is window-start order (a renewed window is re-inserted), so the oldest are first.
  const windows = new Map<string, { start: number; count: number }>()
  const now = options.now ?? Date.now
  const limiter = (key: string) => {
    const at = now()
    for (const [oldKey, oldWindow] of windows) {
      if (at - oldWindow.start < options.windowMs) {
        break
      }
      windows.delete(oldKey)
    }
    let window = windows.get(key)
    if (!window) {
      window = { start: at, count: 0 }
      windows.set(key, window)
      for (const oldest of windows.keys()) {
        if (windows.size <= maxKeys) {
          break
        }
        windows.delete(oldest)
      }
    }
    window.count++
    if (window.count > options.limit) {
      return { allowed: false, retryAfterSeconds: (window.start + options.windowMs - at) / 1000 }
    }
    return { allowed: true }
  }
  return Object.defineProperty(limiter, 'size', { get: () => windows.size }) as MemoryRateLimiter
}
