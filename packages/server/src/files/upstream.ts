// Owns the pass-through of `/files…` and `/vector_stores…` to an upstream OpenAI-compatible API: the path and
// query kept, the body streamed as it came, the server's key put in place of the caller's, and the upstream's
// answer (errors included) passed back with the key redacted wherever it could be echoed.
import { HttpError, jsonResponse } from '../http.ts'
import { createRedactor } from '../redact.ts'
import type { FilesHandler } from './handler.ts'

/** Options of {@link createUpstreamFiles}. */
export interface UpstreamFilesOptions {
  /** The upstream API's base URL, e.g. `https://api.openai.com/v1`. */
  baseURL: string
  /** The upstream key, sent as `Authorization: Bearer …`; never part of a response or an error. */
  apiKey: string
  /** The fetch that reaches the upstream. @defaultValue globalThis.fetch */
  fetch?: (request: Request) => Promise<Response>
  /** Path prefix of the incoming requests. @defaultValue '/v1' */
  basePath?: string
}

// Hop-by-hop headers, the caller's credentials and what fetch recomputes for the new request.
const droppedRequestHeaders = [
  'authorization',
  'api-key',
  'cookie',
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'accept-encoding',
]
// fetch has decoded the body already, so its encoding and length no longer hold.
const droppedResponseHeaders = [
  'content-encoding',
  'content-length',
  'transfer-encoding',
  'connection',
  'set-cookie',
]

/**
 * Creates a Files / Vector Stores handler that forwards to an upstream API with `apiKey`: pass it as
 * `createRunsServer({ files: createUpstreamFiles({ baseURL, apiKey }) })`. It answers only `/files…` and
 * `/vector_stores…` under `basePath` (undefined for anything else); an unreachable upstream is a 502.
 * @example
 * const files = createUpstreamFiles({ baseURL: 'https://api.openai.com/v1', apiKey: process.env.OPENAI_API_KEY! })
 */
export function createUpstreamFiles(options: UpstreamFilesOptions): FilesHandler {
  if (!options.apiKey) {
    throw new TypeError(
      'createUpstreamFiles: apiKey is empty; pass the upstream API key (e.g. from an environment variable).',
    )
  }
  const basePath = options.basePath ?? '/v1'
  const base = new URL(options.baseURL.replace(/\/+$/, ''))
  const upstreamFetch = options.fetch ?? ((request: Request) => fetch(request))
  const redactor = createRedactor([options.apiKey])

  return async (request) => {
    const url = new URL(request.url)
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : ''
    if (!/^\/(files|vector_stores)(\/|$)/.test(path)) {
      return undefined
    }
    const target = new URL(`${base.pathname}${path}${url.search}`, base)
    if (target.origin !== base.origin || !target.pathname.startsWith(`${base.pathname}/`)) {
      return jsonResponse(new HttpError(404, `Invalid URL (${request.method} ${url.pathname})`).toBody(), 404)
    }
    const headers = new Headers(request.headers)
    for (const name of droppedRequestHeaders) {
      headers.delete(name)
    }
    headers.set('authorization', `Bearer ${options.apiKey}`)
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null
    let response: Response
    try {
      response = await upstreamFetch(
        new Request(target, {
          method: request.method,
          headers,
          signal: request.signal,
          ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
        } as RequestInit),
      )
    } catch (error) {
      const reason = redactor.text(error instanceof Error ? error.message : String(error))
      return jsonResponse(
        new HttpError(
          502,
          `The upstream Files API at ${base.origin} could not be reached (${reason}). Try again later.`,
        ).toBody(),
        502,
      )
    }
    const answer = new Headers()
    for (const [name, value] of response.headers) {
      if (!droppedResponseHeaders.includes(name)) {
        answer.append(name, redactor.text(value))
      }
    }
    // A downloaded file's bytes pass untouched; everything the upstream wrote itself (objects, errors) is redacted.
    const download = response.ok && /^\/files\/[^/]+\/content\/?$/.test(path)
    const body = response.body && !download ? redactor.stream(response.body) : response.body
    return new Response(body, { status: response.status, statusText: response.statusText, headers: answer })
  }
}
