// What the proxy sends back: its own error bodies, and upstream answers relayed without secrets or identifiers.
import type { Redactor } from '../redact.ts'
import { createSseParser } from '../sse-parser.ts'
import type { ProxyAction, RunsProxyOptions } from './types.ts'

// Upstream response headers worth passing on; everything else (organization, project, cookies, …) stays behind.
const passedHeaders = [
  'content-type',
  'x-request-id',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'openai-poll-after-ms',
]

/** An error body in the API's shape. */
export function errorResponse(
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

// File types a browser may get with their own content type from the app's origin: they run no script when opened.
// Anything else (HTML, SVG, XML, scripts, unknown) goes out as application/octet-stream.
const PASSIVE_TYPE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|text\/(plain|markdown|csv)|application\/(pdf|json|jsonl|x-ndjson)|audio\/[\w.+-]+|video\/[\w.+-]+)$/i

/** The content type a file download keeps: the upstream's when it is passive, else application/octet-stream. */
export function downloadContentType(upstream: string | null): string {
  const essence = upstream?.split(';')[0]?.trim() ?? ''
  return PASSIVE_TYPE.test(essence) && !/[\r\n]/.test(upstream ?? '')
    ? upstream!.trim()
    : 'application/octet-stream'
}

/** The file name of a `Content-Disposition` value: `filename*=UTF-8''…` when present, else `filename=…`. */
export function dispositionFilename(value: string | null): string | undefined {
  const extended = /filename\*\s*=\s*UTF-8''([^;\s]+)/i.exec(value ?? '')?.[1]
  if (extended) {
    try {
      return decodeURIComponent(extended)
    } catch {
      // a malformed escape: fall back to the plain parameter
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(value ?? '')?.[1]
}

/** Removes organization and project ids and key-shaped strings from an upstream error message (P9). */
export function sanitize(message: string): string {
  return message
    .replace(/\borg-[A-Za-z0-9]+/g, 'org-***')
    .replace(/\bproj_[A-Za-z0-9]+/g, 'proj_***')
    .replace(/\bsk-[A-Za-z0-9_-]+/g, 'sk-***')
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

/**
 * The upstream's answer as the browser gets it: only some headers, secrets redacted, streams unbuffered, files as
 * downloads, errors cleaned (P9, P10); a created thread is reported to `onThreadCreated`, an uploaded file to
 * `onFileCreated`.
 */
export async function relay(
  options: Pick<RunsProxyOptions, 'onThreadCreated' | 'onFileCreated'>,
  redactor: Redactor,
  request: Request,
  action: ProxyAction,
  response: Response,
): Promise<Response> {
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
    // P11: streamed as an attachment; a passive type is kept (an <img> shows it), and a document opened anyway is
    // sandboxed. No Content-Length: redaction may change the size.
    const name = dispositionFilename(response.headers.get('content-disposition'))
    headers.set('content-disposition', contentDisposition(redactor.text(name ?? 'download')))
    headers.set('x-content-type-options', 'nosniff')
    headers.set('content-security-policy', 'sandbox')
    headers.set('content-type', redactor.text(downloadContentType(response.headers.get('content-type'))))
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
  if (options.onFileCreated && action === 'files.create') {
    try {
      const parsed = JSON.parse(text) as { id?: unknown }
      if (typeof parsed.id === 'string') {
        await options.onFileCreated(request, parsed.id)
      }
    } catch {
      // not JSON: nothing to record
    }
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
