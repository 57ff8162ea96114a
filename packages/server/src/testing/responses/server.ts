// Owns the Responses test server's fetch handler: auth, the files hook, validation, turns (queued, `respond`, or
// the script) and the streamed answer, one event per pull so cuts and hangs land where the turn says.
import { commandTurn } from './commands.ts'
import { errorResponse, responseEvents } from './events.ts'
import { echoTurn } from './scripts.ts'
import { createResponseStore } from './store.ts'
import type {
  ReceivedResponsesRequest,
  ResponsesTestServer,
  ResponsesTestServerOptions,
  ScriptedTurn,
  SearchResult,
} from './types.ts'
import { Invalid, isObject, validate } from './validation.ts'

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve()
      return
    }
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })

/**
 * Creates the Responses test server: `POST …/responses` validated against CreateResponse's essentials (unknown
 * arguments and item fields, roles and content parts, tools, `tool_choice` against `tools`, ranges, `include`,
 * `text.format`, `metadata`, `previous_response_id` and `function_call_output` call ids), answered with queued turns,
 * `respond`, or the `script` (echo, or the scripted model's commands) as the spec's stream events; `/files` and
 * `/vector_stores` go to `options.files`, which `/search` also searches.
 * @example
 * const upstream = createResponsesTestServer()
 * const model = createResponsesModel({ baseURL: 'http://responses.test/v1', apiKey: 'k', model: 'm', fetch: upstream.fetch })
 * @example
 * // The scripted model's commands, `/search` over files uploaded to the test server itself:
 * const upstream = createResponsesTestServer({ script: 'commands', files: createFilesHandler(createMemoryFilesStore()) })
 */
export function createResponsesTestServer(options: ResponsesTestServerOptions = {}): ResponsesTestServer {
  const queue: ScriptedTurn[] = []
  const requests: ReceivedResponsesRequest[] = []
  const store = createResponseStore()
  let count = 0

  /** Searches vector stores through the files hook (`POST {base}/vector_stores/{id}/search`), best first. */
  async function search(base: string, ids: string[], query: string, max: number): Promise<SearchResult[]> {
    const found: SearchResult[] = []
    for (const id of ids) {
      const answer = await options.files?.(
        new Request(`${base}/vector_stores/${encodeURIComponent(id)}/search`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, max_num_results: Math.max(1, Math.min(max, 50)) }),
        }),
      )
      if (!answer?.ok) {
        continue // a vector store the files hook does not have: nothing found there
      }
      const page = (await answer.json().catch(() => ({}))) as {
        data?: { file_id: string; filename: string; score: number; content?: { text?: string }[] }[]
      }
      for (const result of Array.isArray(page.data) ? page.data : []) {
        found.push({
          file_id: result.file_id,
          filename: result.filename,
          score: result.score,
          text: (result.content ?? []).map((part) => part.text ?? '').join('\n'),
        })
      }
    }
    return found.sort((a, b) => b.score - a.score).slice(0, max)
  }

  function answer(body: Record<string, unknown>, url: URL): ScriptedTurn | Promise<ScriptedTurn> {
    const names = new Map(store.kept.get(body.previous_response_id as string)?.calls)
    if (options.respond) {
      return options.respond(body)
    }
    if (options.script === 'commands') {
      const base = `${url.origin}${url.pathname.replace(/\/responses\/?$/, '')}`
      return commandTurn(body, { names, search: (ids, query, max) => search(base, ids, query, max) })
    }
    return echoTurn(body, names)
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const record: ReceivedResponsesRequest = {
      method: request.method,
      path: url.pathname,
      body: {},
      headers: request.headers,
      rejected: null,
      aborted: false,
    }
    const reject = (error: Invalid) => {
      record.rejected = error.message
      return errorResponse(error.status, error.message, 'invalid_request_error', error.param, error.code)
    }
    requests.push(record)
    if (options.apiKey && request.headers.get('authorization') !== `Bearer ${options.apiKey}`) {
      return reject(new Invalid('Incorrect API key provided.', null, 'invalid_api_key', 401))
    }
    if (/\/(files|vector_stores)(\/|$)/.test(url.pathname) && !url.pathname.includes('/containers/')) {
      const answer = await options.files?.(request)
      return answer ?? reject(new Invalid(`Invalid URL (${request.method} ${url.pathname})`, null, null, 404))
    }
    if (request.method !== 'POST' || !url.pathname.endsWith('/responses')) {
      return reject(new Invalid(`Invalid URL (${request.method} ${url.pathname})`, null, null, 404))
    }
    let body: unknown
    try {
      body = JSON.parse(await request.text())
    } catch {
      return reject(new Invalid('We could not parse the JSON body of your request.', null))
    }
    record.body = isObject(body) ? body : {}
    try {
      validate(body, store.kept)
    } catch (error) {
      if (error instanceof Invalid) {
        return reject(error)
      }
      throw error
    }
    const previous = store.kept.get(body.previous_response_id as string)
    const turn = queue.shift() ?? (await answer(body, url))
    if (turn.kind === 'error') {
      return errorResponse(turn.status, turn.message, turn.type, null, turn.code, turn.headers)
    }
    const id = `resp_test${++count}`
    let sequence = 0
    const events = responseEvents(turn, body, id, () => sequence++)
    if (body.store !== false && (turn.end ?? 'completed') === 'completed') {
      store.keep(id, previous, events)
    }
    if (body.stream !== true) {
      const last = events.at(-1) as { response?: unknown } | undefined
      return Response.json(last?.response ?? {})
    }
    const signal = request.signal
    const encoder = new TextEncoder()
    const frames = events.map((event) =>
      encoder.encode(`event: ${event.type as string}\ndata: ${JSON.stringify(event)}\n\n`),
    )
    let hangTimer: ReturnType<typeof setInterval> | undefined
    const eventDelayMs = options.eventDelayMs ?? 0
    // One frame per pull, so a cut or a hang happens after the client has read what came before it.
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = frames.shift()
          if (next) {
            await wait(eventDelayMs, signal)
            if (signal.aborted) {
              record.aborted = true
              controller.error(signal.reason)
              return
            }
            controller.enqueue(next)
          } else if (turn.end === 'cut') {
            controller.error(new TypeError('terminated: other side closed'))
          } else if (turn.end === 'hang') {
            await new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => resolve(), { once: true })
              // Keeps the event loop alive while hung (a real socket would).
              hangTimer = setInterval(() => {}, 1000)
            })
            clearInterval(hangTimer)
            record.aborted = true
            controller.error(signal.reason)
          } else {
            controller.close()
          }
        },
        cancel() {
          clearInterval(hangTimer)
          record.aborted = true
        },
      },
      { highWaterMark: 0 },
    )
    return new Response(stream, {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    })
  }

  return {
    fetch: (input, init) => handle(input instanceof Request && !init ? input : new Request(input, init)),
    enqueue: (...turns) => {
      queue.push(...turns)
    },
    requests,
    responseIds: () => store.ids(),
    forget: (id) => store.forget(id),
  }
}
