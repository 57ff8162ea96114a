// The proxy's public types: its options, what `authorize` is asked about, and the rate limiter it calls.
import type { ConnectionInfo } from '../http.ts'

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
  | 'files.create'
  | 'files.retrieve'
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

/** How uploads through the proxy are limited (`fileUploads`). */
export interface ProxyFileUploads {
  /** Largest upload body, in bytes. @defaultValue 16777216 (16 MiB) */
  maxBytes?: number
}

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
  /** Origins allowed besides the request's own (its URL's origin, or the origin of its `Host` header). */
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
  /**
   * Enables `GET …/files/{file_id}` (the file object: a citation's file name) and `GET …/files/{file_id}/content`
   * (its bytes, streamed, as an attachment; the content type kept for images, text, PDF, JSON, audio and video).
   * Ownership is `authorize`'s job (`files.retrieve`, `files.content`). @defaultValue false
   */
  fileDownloads?: boolean
  /**
   * Enables `POST …/files` (a multipart upload, passed through as it is) up to `maxBytes`; larger uploads get a
   * 413 and no upstream call. The proxy holds an upload in memory while it checks its size. `authorize` is asked
   * with `files.create`; record the owner in `onFileCreated`. @defaultValue undefined (no uploads)
   */
  fileUploads?: boolean | ProxyFileUploads
  /** Called when an upload through the proxy created a file, so the app can record its owner. */
  onFileCreated?: (request: Request, fileId: string) => void | Promise<void>
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
