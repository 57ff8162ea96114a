// createClient(options): the configured entry point. It checks the configuration (T11: no secret key in a
// browser without the opt-in), builds one transport and hangs the resources on it.

import { type AssistantsResource, createAssistants } from './assistants.ts'
import { ValidationError } from './errors.ts'
import { createFiles, type FilesResource } from './files.ts'
import { createMessages, type MessagesResource } from './messages.ts'
import { createRuns, type RunsResource } from './runs.ts'
import { createSteps, type StepsResource } from './steps.ts'
import { createThreads, type ThreadsResource } from './threads.ts'
import { createTransport, type HeaderRequest, type HeadersInput, type Transport } from './transport.ts'

/** Options of `createClient`. */
export type ClientOptions = {
  /**
   * The API root, e.g. `http://127.0.0.1:4010/v1`, or a same-origin proxy path such as `/api/runs` in a browser.
   * Required in a browser. @defaultValue `https://api.openai.com/v1` outside a browser
   */
  baseURL?: string | undefined
  /** Sent as `Authorization: Bearer …`; leave it out behind a proxy or when `headers` authenticates. */
  apiKey?: string | undefined
  /** Extra headers, or a (possibly async) function returning them per request (per-request auth). */
  headers?: HeadersInput | ((request: HeaderRequest) => HeadersInput | Promise<HeadersInput>) | undefined
  /** The fetch implementation. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch | undefined
  /** The `OpenAI-Beta` header value; `null` or `false` sends none. @defaultValue `'assistants=v2'` */
  betaHeader?: string | null | false | undefined
  /** Query parameters added to every request, e.g. `{ 'api-version': '2024-05-01-preview' }` for Azure. */
  defaultQuery?: Record<string, string | undefined> | undefined
  /** Sent as `OpenAI-Organization`. */
  organization?: string | null | undefined
  /** Sent as `OpenAI-Project`. */
  project?: string | null | undefined
  /** Retries after a retryable failure (408/409/429/5xx, connection errors). @defaultValue 2 */
  maxRetries?: number | undefined
  /** Per-attempt timeout until the response headers arrive, in ms. @defaultValue 600000 */
  timeout?: number | undefined
  /** Allow an `apiKey` in a browser, exposing it to every visitor. @defaultValue false */
  dangerouslyAllowBrowser?: boolean | undefined
  /**
   * What the React layer's query keys are scoped by. On a server that prefetches for the browser (SSR), set it to
   * the browser client's `baseURL` so the dehydrated entries land under the keys the browser reads.
   * @defaultValue the `baseURL`
   */
  cacheScope?: string | undefined
}

/** A configured client: one object per resource, all sharing one transport. */
export type Client = {
  /** The API root every call goes to (after defaults), e.g. `/api/runs`. */
  readonly baseURL: string
  /** What query keys are scoped by (`cacheScope`, else `baseURL`): two backends never share a cache entry. */
  readonly cacheScope: string
  runs: RunsResource
  steps: StepsResource
  threads: ThreadsResource
  messages: MessagesResource
  assistants: AssistantsResource
  /** Read files: their object, bytes and a URL for links (uploads: the official SDK). */
  files: FilesResource
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1'

function isBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined'
}

/** Builds a client over an existing transport (tests inject sleep/random through `createTransport`). */
export function createClientFromTransport(transport: Transport, cacheScope?: string): Client {
  return {
    baseURL: transport.config.baseURL,
    cacheScope: cacheScope ?? transport.config.baseURL,
    runs: createRuns(transport),
    steps: createSteps(transport),
    threads: createThreads(transport),
    messages: createMessages(transport),
    assistants: createAssistants(transport),
    files: createFiles(transport),
  }
}

/**
 * Creates a Runs API client.
 * @example
 * const client = createClient({ baseURL: 'http://127.0.0.1:4010/v1', apiKey: process.env.OPENAI_API_KEY })
 * const run = await client.runs.createAndPoll({ threadId }, { assistant_id: 'asst_demo' })
 */
export function createClient(options: ClientOptions = {}): Client {
  const { dangerouslyAllowBrowser, cacheScope, ...config } = options
  if (isBrowser()) {
    if (!config.baseURL) {
      throw new ValidationError(
        'baseURL',
        '`baseURL` is required in a browser; point it at your proxy, e.g. createClient({ baseURL: "/api/runs" }).',
      )
    }
    if (config.apiKey && !dangerouslyAllowBrowser) {
      throw new ValidationError(
        'apiKey',
        'Refusing to use an API key in a browser: every visitor could read it. Drop `apiKey` and route requests ' +
          'through a server-side proxy (see `@oai-runs/server/proxy`), or pass `dangerouslyAllowBrowser: true`.',
      )
    }
  }
  if (config.maxRetries !== undefined && !(Number.isInteger(config.maxRetries) && config.maxRetries >= 0)) {
    throw new ValidationError('maxRetries', '`maxRetries` must be an integer of at least 0.')
  }
  if (config.timeout !== undefined && !(config.timeout > 0)) {
    throw new ValidationError('timeout', '`timeout` must be a positive number of milliseconds.')
  }
  return createClientFromTransport(
    createTransport({ ...config, baseURL: config.baseURL || DEFAULT_BASE_URL }),
    cacheScope || undefined,
  )
}
