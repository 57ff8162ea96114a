// Owns the Responses test server's public types: scripted turns and items, recorded requests, options and the server.

/** A file-search result as the upstream sends it (`file_search_call.results[]`). */
export interface SearchResult {
  file_id: string
  filename: string
  score: number
  text: string
  attributes?: Record<string, string | number | boolean>
}

/** One output item of a scripted response. */
export type ScriptedItem =
  | {
      type: 'message'
      /** The text deltas, in order. */
      deltas: string[]
      /** Annotations, each sent after `after` deltas (a `response.output_text.annotation.added`). */
      annotations?: { after: number; annotation: Record<string, unknown> }[]
    }
  | { type: 'function_call'; name: string; arguments: string; call_id?: string }
  | { type: 'file_search_call'; queries: string[]; results: SearchResult[] }
  | {
      type: 'code_interpreter_call'
      /** The code deltas, in order. */
      code: string[]
      outputs: ({ type: 'logs'; logs: string } | { type: 'image'; url: string })[]
      container_id?: string
    }

/** What the test server answers one request with. */
export type ScriptedTurn =
  | {
      kind: 'response'
      output: ScriptedItem[]
      /**
       * How the stream ends: `completed`, `incomplete` (max_output_tokens), `failed` (with `error`), an `error` event,
       * `cut` (the connection drops) or `hang` (until the client aborts). @defaultValue 'completed'
       */
      end?: 'completed' | 'incomplete' | 'failed' | 'error' | 'cut' | 'hang'
      /** For `cut` and `hang`: how many events go out first. @defaultValue every item event */
      after?: number
      error?: { code: string; message: string }
      usage?: { input_tokens: number; output_tokens: number }
      /** Splits function-call arguments into deltas of this many characters. @defaultValue 5 */
      split?: number
      /** Interleaves the argument deltas of parallel calls (all items open first). */
      interleave?: boolean
    }
  | {
      kind: 'error'
      status: number
      message: string
      type: string
      code: string | null
      headers?: Record<string, string>
    }

/** A scripted turn that streams a response (not an HTTP error). */
export type ScriptedResponse = Extract<ScriptedTurn, { kind: 'response' }>

/** One request the server received, with what it thought of it. */
export interface ReceivedResponsesRequest {
  method: string
  path: string
  body: Record<string, unknown>
  headers: Headers
  /** Why the request was refused (400/401/404), or null when it was valid. */
  rejected: string | null
  /** Set when the client aborted the request (or cancelled the body) before the stream ended. */
  aborted: boolean
}

/** Options of {@link createResponsesTestServer}. */
export interface ResponsesTestServerOptions {
  /** When set, requests must carry `Authorization: Bearer KEY`. */
  apiKey?: string
  /** Pause between events (a slow model), in ms. @defaultValue 0 */
  eventDelayMs?: number
  /**
   * How requests are answered when no turn is queued and there is no `respond`: `echo` ({@link echoTurn}: tool
   * results, else `You said: "…"`) or `commands` ({@link commandTurn}: the scripted model's commands `/tool`,
   * `/code`, `/search`, `/fail`, `/long`, `/cut`, answered the Responses way; `/search` searches the request's vector
   * stores through `files`). @defaultValue 'echo'
   */
  script?: 'echo' | 'commands'
  /** Answers requests when no turn is queued (wins over `script`). */
  respond?: (body: Record<string, unknown>) => ScriptedTurn | Promise<ScriptedTurn>
  /**
   * Serves paths under `/files` and `/vector_stores`, e.g. `createFilesHandler(createMemoryFilesStore())` from
   * `@oai-runs/server`; without one, or when it answers undefined, they are 404.
   */
  files?: (request: Request) => Promise<Response | undefined> | undefined
}

/** A Responses test server. */
export interface ResponsesTestServer {
  /** A fetch function to inject into the adapter (`createResponsesModel({ fetch })`). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Queues turns for the next `POST /responses` (first in, first out), ahead of `respond`. */
  enqueue(...turns: ScriptedTurn[]): void
  /** Every request received, oldest first. */
  requests: ReceivedResponsesRequest[]
  /** The ids of the responses it keeps, oldest first. */
  responseIds(): string[]
  /** Drops kept responses (all, or one): a later `previous_response_id` naming one gets `previous_response_not_found`. */
  forget(id?: string): void
}
