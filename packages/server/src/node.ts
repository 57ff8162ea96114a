import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Duplex, Readable } from 'node:stream'
import { type ConnectionInfo, HttpError } from './http.ts'

export type { ConnectionInfo } from './http.ts'

/**
 * Anything with a fetch handler: a {@link RunsServer}, a proxy, or an app that routes between them. The listener
 * passes the connection's {@link ConnectionInfo} as the second argument; handlers may ignore it.
 */
export interface FetchHandler {
  fetch(request: Request, connection?: ConnectionInfo): Promise<Response>
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Interface to bind. @defaultValue '127.0.0.1' (loopback only) */
  host?: string
  /** Port; 0 picks a free one. @defaultValue 0 */
  port?: number
  /**
   * Methods handed to the handler; any other method is answered 405 with an `Allow` header listing these.
   * CONNECT, TRACE and TRACK can never be handed on (the WHATWG `Request` forbids them).
   * @defaultValue ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
   */
  methods?: readonly string[]
}

/** A running Node listener. */
export interface Listener {
  /** The API base URL, e.g. `http://127.0.0.1:4010/v1`. */
  url: string
  port: number
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>
}

const defaultMethods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
// The `Request` constructor throws for these ("forbidden methods"), so no fetch handler can ever see them.
const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK'])

/** The error body of this API, as JSON text. */
function errorText(error: HttpError): string {
  return JSON.stringify(error.toBody())
}

/** Answers on a `ServerResponse` with an API error, unless a response already started. */
function answerError(outgoing: ServerResponse, error: HttpError): void {
  if (outgoing.headersSent) {
    // A response is under way: cut it, so the client sees a broken body rather than a short one.
    outgoing.destroy()
    return
  }
  const body = errorText(error)
  outgoing.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  })
  outgoing.end(body)
}

/** Answers on a bare socket (the HTTP parser gave up, or a CONNECT), then closes it. */
function answerSocket(socket: Duplex, error: HttpError): void {
  const body = errorText(error)
  const lines = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    ...Object.entries(error.headers).map(([name, value]) => `${name}: ${value}`),
  ]
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`)
  // The peer may never close its side; do not keep the socket forever.
  setTimeout(() => socket.destroy(), 5000).unref()
}

function methodNotAllowed(method: string | undefined, allow: string): HttpError {
  const what =
    method === undefined ? "The request's method is unknown" : `The method ${method} is not allowed`
  return new HttpError(405, `${what} on this server. Use one of: ${allow}.`, {
    code: 'method_not_allowed',
    headers: { allow },
  })
}

/** The error answered when Node's HTTP parser rejects what a client sent. */
function parseError(code: string | undefined, allow: string): HttpError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HttpError(
        431,
        'The request headers are too large. Send fewer or shorter headers (the limit is --max-http-header-size, 16 KiB by default).',
        { code: 'request_header_fields_too_large' },
      )
    case 'HPE_INVALID_METHOD':
      return methodNotAllowed(undefined, allow)
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new HttpError(413, 'The chunk extensions of the request body are too large.', {
        code: 'payload_too_large',
      })
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new HttpError(408, 'The request took too long to arrive. Send it again, faster.', {
        code: 'request_timeout',
      })
    default:
      return new HttpError(
        400,
        `The request is not valid HTTP/1.1 (${code ?? 'parse error'}). Check the request line, the headers and the body framing.`,
        { code: 'bad_request' },
      )
  }
}

/** The origin-form path of a request target; an absolute-form target keeps only its path (its host is not ours). */
function requestPath(target: string): string {
  if (target.startsWith('/')) {
    return target
  }
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target)
      return `${url.pathname}${url.search}`
    } catch {
      // falls through to the 400
    }
  }
  throw new HttpError(
    400,
    `The request target "${target.slice(0, 100)}" is not a path. Send a path such as /v1/threads.`,
    { code: 'bad_request' },
  )
}

function toRequest(incoming: IncomingMessage, origin: string, signal: AbortSignal): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) {
      for (const item of value) {
        headers.append(name, item)
      }
    } else if (value !== undefined) {
      headers.set(name, value)
    }
  }
  let url: URL
  try {
    // Concatenated, not resolved: a target such as `//evil.example/x` stays a path on this origin.
    url = new URL(`${origin}${requestPath(incoming.url ?? '/')}`)
  } catch (error) {
    if (error instanceof HttpError) {
      throw error
    }
    throw new HttpError(400, 'The request target is not a valid URL path.', { code: 'bad_request' })
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD'
  return new Request(url, {
    method: incoming.method ?? 'GET',
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit)
}

/** Writes a fetch `Response` to Node, reading its body only as fast as the client takes it ('drain'). */
async function send(response: Response, outgoing: ServerResponse, method: string): Promise<void> {
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') {
      outgoing.setHeader(name, value)
    }
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) {
    outgoing.setHeader('set-cookie', cookies)
  }
  outgoing.writeHead(response.status)
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    outgoing.flushHeaders()
  }
  if (!response.body || method === 'HEAD') {
    await response.body?.cancel().catch(() => {})
    outgoing.end()
    return
  }
  const reader = response.body.getReader()
  let gone = outgoing.destroyed
  let wake: (() => void) | undefined
  outgoing.on('close', () => {
    // The client went away: stop reading (the run itself goes on).
    gone = true
    wake?.()
    void reader.cancel().catch(() => {})
  })
  outgoing.on('drain', () => wake?.())
  try {
    while (!gone) {
      const { done, value } = await reader.read()
      if (done) {
        outgoing.end()
        return
      }
      if (!outgoing.write(value) && !gone) {
        // The socket's buffer is full: read no further until the client has taken it.
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = undefined
      }
    }
  } catch (error) {
    if (!gone) {
      // The body broke (not the client): cut the response so it cannot pass for a complete one.
      outgoing.destroy(error instanceof Error ? error : new Error(String(error)))
    }
  }
}

/**
 * Serves a fetch handler (a Runs server, a proxy, an app) over HTTP with `node:http`, on loopback by default.
 * Whatever a client sends gets an HTTP answer in the API's error shape (bad methods 405 with `Allow`, bad targets
 * and unparsable requests 400, header overflow 431, handler failures 500); nothing a client sends can end the
 * process. The handler gets the socket's address as `fetch(request, { remoteAddress })`.
 * @example const { url, close } = await listen(createRunsServer(), { port: 0 })
 */
export function listen(handler: FetchHandler, options: ListenOptions = {}): Promise<Listener> {
  const host = options.host ?? '127.0.0.1'
  const shownHost = host.includes(':') ? `[${host}]` : host
  const methods = (options.methods ?? defaultMethods).map((method) => method.toUpperCase())
  const refused = methods.filter((method) => forbiddenMethods.has(method))
  if (refused.length > 0) {
    throw new TypeError(
      `listen: options.methods lists ${refused.join(', ')}, which a fetch handler can never receive (the WHATWG Request forbids them). Remove them.`,
    )
  }
  const allowed = new Set(methods)
  const allow = methods.join(', ')
  let origin = ''

  const http = createServer((incoming, outgoing) => {
    // Writes after the client left, or a client that aborts its upload, must not become uncaught errors.
    outgoing.on('error', () => {})
    incoming.on('error', () => {})
    const method = incoming.method ?? 'GET'
    if (!allowed.has(method)) {
      answerError(outgoing, methodNotAllowed(method, allow))
      return
    }
    const abort = new AbortController()
    outgoing.on('close', () => abort.abort())
    const connection: ConnectionInfo = { remoteAddress: incoming.socket.remoteAddress }
    Promise.resolve()
      .then(() => handler.fetch(toRequest(incoming, origin, abort.signal), connection))
      .then((response) => send(response, outgoing, method))
      .catch((error: unknown) => {
        answerError(
          outgoing,
          error instanceof HttpError
            ? error
            : new HttpError(500, 'The server had an error processing your request.', {
                code: 'server_error',
              }),
        )
      })
      .catch(() => {
        outgoing.destroy()
      })
  })
  // CONNECT never reaches the 'request' event; without a listener Node closes the socket without an answer.
  http.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {})
    answerSocket(socket, methodNotAllowed('CONNECT', allow))
  })
  http.on('checkExpectation', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    outgoing.on('error', () => {})
    answerError(
      outgoing,
      new HttpError(
        417,
        `The expectation "${incoming.headers.expect}" is not supported; send no Expect header.`,
        {
          code: 'expectation_failed',
        },
      ),
    )
  })
  http.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    socket.on('error', () => {})
    // As Node's own handler does: never write into a response that is already on the wire.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    answerSocket(socket, parseError(error.code, allow))
  })
  return new Promise((resolve, reject) => {
    http.once('error', reject)
    http.listen(options.port ?? 0, host, () => {
      const { port } = http.address() as AddressInfo
      origin = `http://${shownHost}:${port}`
      resolve({
        url: `${origin}/v1`,
        port,
        close: () =>
          new Promise<void>((done) => {
            http.closeAllConnections()
            http.close(() => done())
          }),
      })
    })
  })
}
