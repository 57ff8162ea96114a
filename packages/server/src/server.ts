import { type Clock, systemClock, unixSeconds } from './clock.ts'
import type { Route, RouteContext } from './context.ts'
import { dataOfStore, type RunsData } from './data.ts'
import { createRunEngine, type EngineOptions } from './engine.ts'
import { createEventHub, type EventHub, sleep } from './events.ts'
import { createFaultInjector, type FaultInjector, type FaultRule, faultResponse } from './faults.ts'
import { createFilesHandler, type FilesHandler } from './files/handler.ts'
import { createRunFileSearch } from './files/search.ts'
import { HttpError, jsonResponse } from './http.ts'
import { createIdGenerator } from './ids.ts'
import { defaultLifecycleTexts, type LifecycleTexts } from './lifecycle-errors.ts'
import type { RunModel } from './model.ts'
import { buildAssistant } from './objects.ts'
import { runRoutes } from './routes-runs.ts'
import { threadRoutes } from './routes-threads.ts'
import { createLocalRunService, type RunService, type SharedRunsStore } from './run-service.ts'
import { createScriptedModel, scriptedModel } from './scripted-model.ts'
import { createMemoryFilesStore, createMemoryStore, type RunsStore } from './store.ts'
import type { AssistantObject } from './types.ts'
import { assertValid, requestSchema } from './validate.ts'

/** Options of {@link createRunsServer}. */
export interface RunsServerOptions {
  /** Accepted bearer keys. When absent or empty, auth is open. */
  apiKeys?: string[]
  /** Answer 400 to requests without `OpenAI-Beta: assistants=v2`. @defaultValue false */
  requireBetaHeader?: boolean
  /** The model that runs runs. @defaultValue scriptedModel */
  model?: RunModel
  /**
   * Where objects live: a store of this process (memory, `createSqliteStore(path)`) or one several instances share
   * (`await createPostgresStore(url)`). @defaultValue a new memory store
   */
  store?: RunsStore | SharedRunsStore
  /** Time source for timestamps and expiry. @defaultValue systemClock */
  clock?: Clock
  /** Pause between streamed tokens, in ms. Use 0 in tests. @defaultValue 15 */
  tokenDelayMs?: number
  /** Time a run spends in `cancelling`, in ms. @defaultValue 0 */
  cancelDelayMs?: number
  /** The `openai-poll-after-ms` header sent with runs. @defaultValue 500 */
  pollAfterMs?: number
  /** Seed for deterministic ids (same seed, same ids). @defaultValue random */
  seed?: number
  /** Initial fault-injection rules. */
  faults?: FaultRule[]
  /** Replaces lifecycle error texts (those unverified against the hosted API). */
  texts?: Partial<LifecycleTexts>
  /** Path prefix of the API. @defaultValue '/v1' */
  basePath?: string
  /** Answer CORS preflights and allow this origin (`*` for any). @defaultValue no CORS headers */
  corsOrigin?: string
  /**
   * Who answers `/files` and `/vector_stores`: `'local'` keeps them in the store (`store.files`, or a memory one
   * when the store has none), or a handler such as `createUpstreamFiles(…)`. @defaultValue 'local'
   */
  files?: 'local' | FilesHandler
  /** Largest upload `/files` accepts locally, in bytes (larger: 413). @defaultValue 67108864 (64 MiB) */
  maxFileBytes?: number
}

/** A Runs API server: a fetch handler plus the handles tests and tools need. */
export interface RunsServer {
  /** Answers one request, as `fetch` would: use it as an injected fetch, a route handler or behind a listener. */
  fetch(request: Request): Promise<Response>
  /** The store the server was given (or its memory store). */
  store: RunsStore | SharedRunsStore
  /** The objects, as the routes read and write them (asynchronous, whichever the store). */
  data: RunsData
  /** The server's clock. */
  clock: Clock
  /** Fault rules, changeable while the server runs. */
  faults: FaultInjector
  /**
   * Creates (or replaces, by id) an assistant directly, without HTTP: e.g. the demo assistant of the CLI. On a
   * shared store the write finishes in the background; requests wait for it, and {@link RunsServer.ready} tells.
   */
  seedAssistant(body?: Partial<Omit<AssistantObject, 'object' | 'created_at'>>): AssistantObject
  /** Resolves once every seeded assistant is saved; rejects with the store's error if one could not be. */
  ready(): Promise<void>
  /** Changes the pace of runs while the server runs (the playground's pace control). */
  setPace(pace: { tokenDelayMs?: number; cancelDelayMs?: number }): void
  /**
   * Stops the runs this instance drives (their timers and model calls). With a shared store it also waits until
   * what they wrote is saved; the store itself stays open (close it after).
   */
  close(): Promise<void>
}

function isShared(store: RunsStore | SharedRunsStore): store is SharedRunsStore {
  return (store as SharedRunsStore).shared === true
}

interface CompiledRoute extends Route {
  pattern: RegExp
  names: string[]
}

function compile(route: Route): CompiledRoute {
  const names: string[] = []
  const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  return { ...route, pattern: new RegExp(`^${source}/?$`), names }
}

// Literal paths first, so `/threads/runs` is never read as `/threads/{thread_id}`.
const routes = [...threadRoutes, ...runRoutes].map(compile).sort((a, b) => a.names.length - b.names.length)

function authenticate(request: Request, keys: string[]): void {
  if (keys.length === 0) {
    return
  }
  const header = request.headers.get('authorization') ?? ''
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim()
  const key = bearer ?? request.headers.get('api-key') ?? undefined
  if (!key) {
    throw new HttpError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      { code: null },
    )
  }
  if (!keys.includes(key)) {
    // Never echo the key back, not even masked.
    throw new HttpError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' })
  }
}

function checkBeta(request: Request): void {
  const beta = request.headers.get('openai-beta') ?? ''
  if (!/\bassistants=v2\b/.test(beta)) {
    throw new HttpError(
      400,
      beta.includes('assistants=v1')
        ? "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'."
        : "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
    )
  }
}

/**
 * Creates the Runs API server: assistants, threads, messages, runs and run steps under `/v1`, faithful to
 * OpenAI's contract, with a deterministic scripted model.
 * @example
 * const server = createRunsServer({ tokenDelayMs: 0 })
 * const openai = new OpenAI({ apiKey: 'test', baseURL: 'http://local/v1', fetch: (url, init) => server.fetch(new Request(url, init)) })
 */
export function createRunsServer(options: RunsServerOptions = {}): RunsServer {
  const store = options.store ?? createMemoryStore()
  const clock = options.clock ?? systemClock
  const ids = createIdGenerator(options.seed)
  const hub = createEventHub()
  const faults = createFaultInjector(options.faults)
  const basePath = options.basePath ?? '/v1'
  const pollAfterMs = options.pollAfterMs ?? 500
  const filesStore = store.files ?? createMemoryFilesStore()
  const files =
    typeof options.files === 'function'
      ? options.files
      : createFilesHandler(filesStore, {
          basePath,
          clock,
          ids,
          pollAfterMs,
          maxFileBytes: options.maxFileBytes,
        })
  // The scripted model searches the local vector stores a run names (the model API stays as it is).
  const model =
    options.model === undefined || options.model === scriptedModel
      ? createScriptedModel({
          searchFiles: createRunFileSearch({ store: filesStore, now: () => unixSeconds(clock), ids }),
        })
      : options.model
  const engineOptions = {
    clock,
    ids,
    model,
    texts: { ...defaultLifecycleTexts, ...options.texts },
    tokenDelayMs: options.tokenDelayMs ?? 15,
    cancelDelayMs: options.cancelDelayMs ?? 0,
  }
  // Each engine reads its pace from its options at every token, so setPace changes the objects themselves.
  const engines: EngineOptions[] = []
  const createEngine = (engineStore: RunsStore, engineHub: EventHub) => {
    const options: EngineOptions = { ...engineOptions, store: engineStore, hub: engineHub }
    engines.push(options)
    return createRunEngine(options)
  }
  const runs: RunService = isShared(store)
    ? store.attach({ hub, clock, createEngine })
    : createLocalRunService(createEngine(store, hub), dataOfStore(store), hub)
  const { data } = runs
  const corsHeaders: Record<string, string> = options.corsOrigin
    ? {
        'access-control-allow-origin': options.corsOrigin,
        'access-control-expose-headers':
          'x-request-id, openai-poll-after-ms, retry-after, retry-after-ms, x-should-retry',
      }
    : {}

  let seeding: Promise<void> = Promise.resolve()

  async function handle(request: Request): Promise<Response> {
    await seeding
    const url = new URL(request.url)
    if (request.method === 'OPTIONS' && options.corsOrigin) {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? '*',
          'access-control-max-age': '600',
        },
      })
    }
    authenticate(request, options.apiKeys ?? [])
    const filesResponse = await files(request)
    if (filesResponse) {
      return filesResponse
    }
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : null
    let matched: { route: CompiledRoute; params: Record<string, string> } | undefined
    for (const route of path === null ? [] : routes) {
      const match = route.method === request.method ? route.pattern.exec(path!) : null
      if (match) {
        const params: Record<string, string> = {}
        route.names.forEach((name, index) => {
          params[name] = decodeURIComponent(match[index + 1]!)
        })
        matched = { route, params }
        break
      }
    }
    if (!matched) {
      throw new HttpError(404, `Invalid URL (${request.method} ${url.pathname})`)
    }
    if (options.requireBetaHeader) {
      checkBeta(request)
    }
    const fault = faults.take(matched.route.operation)
    if (fault?.delayMs) {
      await sleep(fault.delayMs, request.signal)
    }
    if (fault?.status) {
      const injected = faultResponse(fault)
      return jsonResponse(injected.body, injected.status, injected.headers)
    }
    const context: RouteContext = {
      request,
      url,
      params: matched.params,
      data,
      clock,
      ids,
      runs,
      fault,
      pollAfterMs,
    }
    const result = await matched.route.handler(context)
    if (result instanceof Response) {
      return result
    }
    const isRun = (result as { object?: string })?.object === 'thread.run'
    return jsonResponse(result, 200, isRun ? { 'openai-poll-after-ms': String(pollAfterMs) } : {})
  }

  return {
    store,
    data,
    clock,
    faults,
    async fetch(request) {
      const requestId = ids('req')
      let response: Response
      try {
        response = await handle(request)
      } catch (error) {
        if (error instanceof HttpError) {
          response = jsonResponse(error.toBody(), error.status, error.headers)
        } else {
          response = jsonResponse(
            new HttpError(500, 'The server had an error processing your request. Sorry about that!').toBody(),
            500,
          )
        }
      }
      response.headers.set('x-request-id', requestId)
      for (const [name, value] of Object.entries(corsHeaders)) {
        response.headers.set(name, value)
      }
      return response
    },
    seedAssistant(body = {}) {
      const { id, ...fields } = body
      assertValid(requestSchema('createAssistant'), fields)
      const assistant = { ...buildAssistant(ids, unixSeconds(clock), fields), ...(id ? { id } : {}) }
      const saved = data.assistants.put(assistant)
      seeding = Promise.all([seeding, saved]).then(() => {})
      // Requests wait for it; a failure is reported through ready() (and as those requests' 500s).
      saved.catch(() => {})
      return assistant
    },
    ready: () => seeding,
    setPace(pace) {
      for (const options of [engineOptions, ...engines]) {
        if (pace.tokenDelayMs !== undefined) {
          options.tokenDelayMs = Math.max(0, pace.tokenDelayMs)
        }
        if (pace.cancelDelayMs !== undefined) {
          options.cancelDelayMs = Math.max(0, pace.cancelDelayMs)
        }
      }
    },
    close: () => runs.close(),
  }
}
