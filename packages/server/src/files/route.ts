// Owns the shape of a Files / Vector Stores route and what its handler gets.
import type { FilesContext } from './local.ts'

/** What a Files / Vector Stores route handler gets. */
export interface FilesRouteContext {
  request: Request
  url: URL
  params: Record<string, string>
  files: FilesContext
  /** The upload limit, in bytes. */
  maxFileBytes: number
  /** `openai-poll-after-ms` sent with objects that have a status. */
  pollAfterMs: number
}

/** One route: a body to send as JSON, or a ready Response. */
export interface FilesRoute {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path under the base path, with `{param}` placeholders, as in the spec. */
  path: string
  handler: (context: FilesRouteContext) => Promise<unknown> | unknown
}
