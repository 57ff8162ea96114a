// The playground's backend: static UI, the key-holding proxy at /api/runs, a small per-session thread index and
// (on the embedded server) pace and fault controls. Node only.
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { createClient } from '@oai-runs/client'
import {
  createRunsServer,
  createUpstreamFiles,
  demoAssistant,
  type FaultRule,
  type FilesHandler,
  type RunModel,
  type RunsServer,
  type RunsStore,
  type Tool,
} from '@oai-runs/server'
import { createRunsProxy, unauthorized } from '@oai-runs/server/proxy'

/** Where the playground's runs go: the embedded server, or a compatible backend through the proxy. */
export interface PlaygroundOptions {
  /** Built UI to serve; omit to serve only the API. */
  staticDir?: string
  /** A compatible backend's API root; unset means the embedded server. */
  upstream?: string
  apiKey?: string
  /** Azure-style `api-version` (also switches to the `api-key` header). */
  apiVersion?: string
  /** `OpenAI-Beta` header upstream; 'none' sends none. */
  betaHeader?: string
  /** The assistant runs use; required with `upstream`. */
  assistantId?: string
  /** Pace of the embedded server. */
  tokenDelayMs?: number
  /** The embedded server's model (e.g. `createChatCompletionsModel(…)`); the scripted model when unset. */
  model?: RunModel
  /**
   * The API `model` speaks: with `responses` the demo assistant keeps its hosted tools (file_search and
   * code_interpreter, which the Responses API runs); with `chat-completions` it keeps its functions only.
   * @defaultValue 'chat-completions'
   */
  modelApi?: 'chat-completions' | 'responses'
  /**
   * The vector store the demo assistant's file_search searches (its `tool_resources.file_search.vector_store_ids`;
   * the Assistants API allows one).
   */
  vectorStoreId?: string
  /** The embedded server's store (e.g. `createSqliteStore(path)`); memory when unset. */
  store?: RunsStore
  /** Where the embedded server's /files and /vector_stores go (e.g. `createUpstreamFiles(…)`); local when unset. */
  files?: FilesHandler
  cancelDelayMs?: number
}

interface ThreadEntry {
  id: string
  createdAt: number
  title: string
}

const sessionCookie = 'oai_runs_session'
const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function sessionOf(request: Request): string | undefined {
  const cookie = request.headers.get('cookie') ?? ''
  return new RegExp(`(?:^|;\\s*)${sessionCookie}=([A-Za-z0-9_-]{16,64})`).exec(cookie)?.[1]
}

/**
 * The playground's options from `pnpm start`'s environment: OAI_RUNS_UPSTREAM (+ OAI_RUNS_API_KEY,
 * OAI_RUNS_ASSISTANT_ID, OAI_RUNS_API_VERSION, OAI_RUNS_BETA_HEADER), a real model with OAI_RUNS_MODEL_BASE_URL
 * (+ OAI_RUNS_MODEL_API_KEY, OAI_RUNS_MODEL, OAI_RUNS_MODEL_API=chat-completions|responses), OAI_RUNS_VECTOR_STORE_ID
 * (the vector store of the demo assistant's file_search) and OAI_RUNS_DB (a SQLite file). Throws saying what to fix.
 */
export async function playgroundOptionsFromEnv(
  env: Record<string, string | undefined>,
): Promise<PlaygroundOptions> {
  // A real model for the embedded server: any Chat Completions endpoint (OpenAI, Azure, vLLM, Ollama, …), or
  // OpenAI's Responses API with OAI_RUNS_MODEL_API=responses.
  const modelApi = env.OAI_RUNS_MODEL_API || 'chat-completions'
  if (modelApi !== 'chat-completions' && modelApi !== 'responses') {
    throw new Error(`OAI_RUNS_MODEL_API must be chat-completions or responses, got "${modelApi}"`)
  }
  const modelOptions = env.OAI_RUNS_MODEL_BASE_URL
    ? {
        baseURL: env.OAI_RUNS_MODEL_BASE_URL,
        ...(env.OAI_RUNS_MODEL_API_KEY ? { apiKey: env.OAI_RUNS_MODEL_API_KEY } : {}),
        ...(env.OAI_RUNS_MODEL ? { model: env.OAI_RUNS_MODEL } : {}),
      }
    : undefined
  const model = !modelOptions
    ? undefined
    : modelApi === 'responses'
      ? (await import('@oai-runs/server/responses')).createResponsesModel(modelOptions)
      : (await import('@oai-runs/server/chat-completions')).createChatCompletionsModel(modelOptions)
  // Durable state for the embedded server (loaded only when asked: the native module is optional).
  const store = env.OAI_RUNS_DB
    ? (await import('@oai-runs/server/sqlite')).createSqliteStore(env.OAI_RUNS_DB)
    : undefined
  const vectorStoreId = env.OAI_RUNS_VECTOR_STORE_ID?.trim()
  // On the Responses API, files and vector stores live upstream, where its file_search reads them.
  const files =
    model && modelApi === 'responses' && modelOptions?.apiKey
      ? createUpstreamFiles({
          baseURL: modelOptions.baseURL,
          apiKey: modelOptions.apiKey,
        })
      : undefined
  return {
    ...(model ? { model, modelApi, tokenDelayMs: 0 } : {}),
    ...(files ? { files } : {}),
    ...(store ? { store } : {}),
    ...(vectorStoreId ? { vectorStoreId } : {}),
    ...(env.OAI_RUNS_UPSTREAM ? { upstream: env.OAI_RUNS_UPSTREAM } : {}),
    ...(env.OAI_RUNS_API_KEY ? { apiKey: env.OAI_RUNS_API_KEY } : {}),
    ...(env.OAI_RUNS_API_VERSION ? { apiVersion: env.OAI_RUNS_API_VERSION } : {}),
    ...(env.OAI_RUNS_BETA_HEADER ? { betaHeader: env.OAI_RUNS_BETA_HEADER } : {}),
    ...(env.OAI_RUNS_ASSISTANT_ID ? { assistantId: env.OAI_RUNS_ASSISTANT_ID } : {}),
  }
}

/** Creates the playground app: one fetch handler for the UI, the proxy and the playground API. */
export function createPlaygroundApp(options: PlaygroundOptions = {}) {
  const pace = { tokenDelayMs: options.tokenDelayMs ?? 30, cancelDelayMs: options.cancelDelayMs ?? 300 }
  const embedded: RunsServer | undefined = options.upstream
    ? undefined
    : createRunsServer({
        tokenDelayMs: pace.tokenDelayMs,
        cancelDelayMs: pace.cancelDelayMs,
        pollAfterMs: 500,
        apiKeys: [],
        ...(options.model ? { model: options.model } : {}),
        ...(options.store ? { store: options.store } : {}),
        ...(options.files ? { files: options.files } : {}),
      })
  // A Chat Completions model cannot run code_interpreter / file_search by itself: the demo then keeps its functions
  // only. The Responses API runs both upstream, over the vector stores named here.
  const hostedTools = !options.model || options.modelApi === 'responses'
  const demo = {
    ...demoAssistant,
    ...(hostedTools ? {} : { tools: demoAssistant.tools?.filter((tool) => tool.type === 'function') }),
    ...(options.vectorStoreId
      ? { tool_resources: { file_search: { vector_store_ids: [options.vectorStoreId] } } }
      : {}),
  }
  const assistantId = options.assistantId ?? (embedded ? embedded.seedAssistant(demo).id : undefined)
  if (!assistantId) {
    throw new Error(
      'OAI_RUNS_ASSISTANT_ID is required with OAI_RUNS_UPSTREAM: the id of the assistant runs should use.',
    )
  }
  // The proxy forwards only with a key (it fails closed without one); the embedded server accepts any.
  const embeddedKey = `sk-embedded-${randomBytes(12).toString('hex')}`
  const threads = new Map<string, ThreadEntry[]>()
  const ownerOf = new Map<string, string>()

  const proxy = createRunsProxy({
    upstream: options.upstream ?? 'http://embedded.invalid/v1',
    apiKey: embedded ? embeddedKey : options.apiKey,
    assistantId,
    basePath: '/api/runs',
    ...(options.apiVersion
      ? { defaultQuery: { 'api-version': options.apiVersion }, authHeader: 'api-key' as const }
      : {}),
    ...(options.betaHeader ? { betaHeader: options.betaHeader === 'none' ? null : options.betaHeader } : {}),
    ...(embedded ? { fetch: (request: Request) => embedded.fetch(request) } : {}),
    // Cited files' names and downloads (the chat's footnotes, file links); reading them still needs a session.
    fileDownloads: true,
    authorize: (request, { threadId }) => {
      const session = sessionOf(request)
      if (!session) {
        return unauthorized('No playground session: reload the page.')
      }
      return threadId === undefined || ownerOf.get(threadId) === session
    },
    onThreadCreated: (request, threadId) => {
      const session = sessionOf(request)
      if (session && !ownerOf.has(threadId)) {
        ownerOf.set(threadId, session)
        const list = threads.get(session) ?? []
        list.unshift({ id: threadId, createdAt: Date.now(), title: 'New chat' })
        threads.set(session, list)
      }
    },
  })

  // Upstream, the assistant's tools are read server-side with our own client (the proxy lets browsers reach runs,
  // never assistants): the same key, `api-version` and beta header as the proxy, mapped onto client options.
  const upstreamClient = options.upstream
    ? createClient({
        baseURL: options.upstream,
        ...(options.apiVersion
          ? {
              headers: { 'api-key': options.apiKey ?? '' },
              defaultQuery: { 'api-version': options.apiVersion },
            }
          : { apiKey: options.apiKey ?? '' }),
        betaHeader: options.betaHeader === 'none' ? null : (options.betaHeader ?? 'assistants=v2'),
        maxRetries: 1,
      })
    : undefined

  async function assistantTools(): Promise<Tool[]> {
    if (embedded) {
      return (await embedded.data.assistants.get(assistantId!))?.tools ?? []
    }
    try {
      const assistant = await upstreamClient!.assistants.retrieve({ assistantId: assistantId! })
      return (assistant.tools ?? []) as Tool[]
    } catch {
      return [] // the chat still works; the tool form then shows the raw arguments
    }
  }

  async function playgroundApi(request: Request, path: string, session: string): Promise<Response> {
    if (path === '/config' && request.method === 'GET') {
      return json({
        mode: embedded ? 'embedded' : 'upstream',
        upstream: embedded ? null : new URL(options.upstream!).host,
        baseURL: '/api/runs',
        assistantId,
        tools: await assistantTools(),
        faults: Boolean(embedded),
        ...(embedded ? { pace } : {}),
      })
    }
    if (path === '/threads' && request.method === 'GET') {
      return json({ data: threads.get(session) ?? [] })
    }
    const titled = /^\/threads\/([A-Za-z0-9_-]+)$/.exec(path)
    if (titled && request.method === 'PATCH') {
      const entry = threads.get(session)?.find((thread) => thread.id === titled[1])
      if (!entry) {
        return json({ error: { message: 'Not found.' } }, 404)
      }
      const body = (await request.json().catch(() => ({}))) as { title?: unknown }
      if (typeof body.title === 'string') {
        entry.title = body.title.slice(0, 80)
      }
      return json(entry)
    }
    if (!embedded) {
      return json({ error: { message: 'Pace and faults exist only on the embedded server.' } }, 404)
    }
    if (path === '/pace' && request.method === 'POST') {
      const body = (await request.json().catch(() => ({}))) as {
        tokenDelayMs?: number
        cancelDelayMs?: number
      }
      for (const key of ['tokenDelayMs', 'cancelDelayMs'] as const) {
        const value = body[key]
        if (typeof value === 'number' && Number.isFinite(value)) {
          pace[key] = Math.max(0, Math.min(value, 60_000))
        }
      }
      embedded.setPace(pace)
      return json({ ok: true, pace })
    }
    if (path === '/faults' && request.method === 'GET') {
      return json({ data: embedded.faults.list() })
    }
    if (path === '/faults' && request.method === 'POST') {
      const rule = (await request.json().catch(() => null)) as FaultRule | null
      if (!rule || typeof rule !== 'object') {
        return json({ error: { message: 'Send a fault rule as a JSON object.' } }, 400)
      }
      embedded.faults.add(rule)
      return json({ data: embedded.faults.list() })
    }
    if (path === '/faults' && request.method === 'DELETE') {
      embedded.faults.clear()
      return json({ data: [] })
    }
    return json({ error: { message: 'Not found.' } }, 404)
  }

  async function serveStatic(pathname: string): Promise<Response | null> {
    if (!options.staticDir) {
      return null
    }
    const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^(\.\.[/\\])+/, '')
    for (const candidate of [join(options.staticDir, relative), join(options.staticDir, 'index.html')]) {
      if (!candidate.startsWith(options.staticDir)) {
        continue
      }
      try {
        const body = await readFile(candidate)
        return new Response(body, {
          headers: {
            'content-type': mimeTypes[extname(candidate)] ?? 'application/octet-stream',
            'x-content-type-options': 'nosniff',
            'content-security-policy':
              "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'",
          },
        })
      } catch {
        // try the SPA fallback
      }
    }
    return null
  }

  return {
    embedded,
    assistantId,
    async fetch(request: Request): Promise<Response> {
      const url = new URL(request.url)
      if (url.pathname.startsWith('/api/runs/')) {
        return proxy.fetch(request)
      }
      // The embedded server's own API, for SDKs and curl on this machine (loopback only).
      if (embedded && url.pathname.startsWith('/v1/')) {
        return embedded.fetch(request)
      }
      let session = sessionOf(request)
      const setCookie: Record<string, string> = {}
      if (!session) {
        session = randomBytes(18).toString('base64url')
        setCookie['set-cookie'] = `${sessionCookie}=${session}; Path=/; HttpOnly; SameSite=Strict`
      }
      let response: Response | null
      if (url.pathname.startsWith('/api/playground/')) {
        response = await playgroundApi(request, url.pathname.slice('/api/playground'.length), session)
      } else {
        response = await serveStatic(url.pathname)
      }
      response ??= json({ error: { message: 'Not found.' } }, 404)
      for (const [name, value] of Object.entries(setCookie)) {
        response.headers.append(name, value)
      }
      return response
    },
    close() {
      embedded?.close()
    },
  }
}
