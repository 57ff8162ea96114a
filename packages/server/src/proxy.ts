// A key-holding proxy for browsers: forwards only the Runs / threads / messages routes the client uses (and, when
// turned on, reading and uploading files) to an upstream (our server, Azure, any compatible backend), keeps the API
// key on the server, and asks the app's `authorize` before every call. Checklist P1–P11 (docs/reliability.md).
import type { ConnectionInfo } from './http.ts'
import { clientAddress, connectionInfo, readLimited, rewriteBody } from './proxy/request.ts'
import { errorResponse, relay } from './proxy/responses.ts'
import { enabledRoutes } from './proxy/routes.ts'
import type { ProxyTarget, RunsProxy, RunsProxyOptions } from './proxy/types.ts'
import { createRedactor } from './redact.ts'

export type { ConnectionInfo } from './http.ts'
export { createMemoryRateLimiter, type MemoryRateLimiter } from './proxy/rate-limit.ts'
export { contentDisposition, unauthorized } from './proxy/responses.ts'
export type {
  ProxyAction,
  ProxyAuthorize,
  ProxyFileUploads,
  ProxyTarget,
  RateLimiter,
  RunsProxy,
  RunsProxyOptions,
} from './proxy/types.ts'

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
  const routes = enabledRoutes(options)
  const maxUploadBytes =
    (typeof options.fileUploads === 'object' ? options.fileUploads.maxBytes : undefined) ?? 16 * 1024 * 1024
  if (!(Number.isSafeInteger(maxUploadBytes) && maxUploadBytes > 0)) {
    throw new TypeError(
      `createRunsProxy: fileUploads.maxBytes must be a whole number of bytes above 0, got ${maxUploadBytes}.`,
    )
  }

  async function handle(request: Request, connection: ConnectionInfo | undefined): Promise<Response> {
    const url = new URL(request.url)
    if (!options.apiKey) {
      return errorResponse(503, 'The assistant is not configured on the server (no upstream API key).')
    }
    // P4: only same-origin (or allowed) browsers. "Same origin" is the request URL's origin or, as a framework may
    // build request.url from its own configured host (Next.js: `localhost`), the origin of the Host the browser
    // sent; a cross-site page cannot choose Host and Origin both, so it still fails.
    const origin = request.headers.get('origin')
    const host = request.headers.get('host')
    const allowed = new Set([url.origin, ...(options.allowedOrigins ?? [])])
    if (host) {
      allowed.add(`${url.protocol}//${host}`)
    }
    if ((origin && !allowed.has(origin)) || request.headers.get('sec-fetch-site') === 'cross-site') {
      return errorResponse(403, 'Cross-site requests are not allowed.')
    }
    // P6: the allowlist.
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null
    if (path === null || path.includes('..')) {
      return errorResponse(404, 'Not found.')
    }
    // Routes the options leave off (file reads, uploads) are not there at all: 404, as for any unknown path.
    const candidates = routes.filter((route) => route.pattern.test(path))
    const route = candidates.find((candidate) => candidate.method === request.method)
    if (!route) {
      if (candidates.length > 0) {
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
    // P5: body size, then P3: what a browser may set. An upload goes on byte for byte, as multipart.
    let body: string | Uint8Array<ArrayBuffer> | undefined
    let contentType = 'application/json'
    if (route.action === 'files.create') {
      contentType = request.headers.get('content-type') ?? ''
      if (!/^multipart\/form-data\s*;/i.test(contentType)) {
        return errorResponse(
          400,
          "Upload a file as multipart/form-data with the fields 'file' and 'purpose'.",
        )
      }
      const raw = await readLimited(request, maxUploadBytes)
      if (raw === null) {
        return errorResponse(413, `The upload is larger than ${maxUploadBytes} bytes (fileUploads.maxBytes).`)
      }
      body = raw as Uint8Array<ArrayBuffer> // readLimited's bytes sit in an ArrayBuffer of their own
    } else if (request.method === 'POST') {
      const raw = await readLimited(request, maxBodyBytes)
      if (raw === null) {
        return errorResponse(413, `Request body is larger than ${maxBodyBytes} bytes.`)
      }
      body = rewriteBody(options, route.action, raw)
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
      headers.set('content-type', contentType)
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
    return relay(options, redactor, request, route.action, response)
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
