import type { Clock } from './clock.ts'
import type { RunsData } from './data.ts'
import type { FaultRule } from './faults.ts'
import type { IdGenerator } from './ids.ts'
import type { RunService } from './run-service.ts'

/** What every route handler gets. */
export interface RouteContext {
  request: Request
  url: URL
  params: Record<string, string>
  /** The objects (asynchronous: a shared database may stand behind them). */
  data: RunsData
  clock: Clock
  ids: IdGenerator
  /** Runs: start, refresh, submit, cancel, and the hub their streams are published on. */
  runs: RunService
  /** The fault rule taken for this request, if any (stream faults, cancel race). */
  fault: FaultRule | undefined
  /** `openai-poll-after-ms` sent with runs. */
  pollAfterMs: number
}

/** A route handler: returns a body to send as JSON, or a ready Response (streams). */
export type RouteHandler = (context: RouteContext) => Promise<unknown> | unknown

/** One route of the API, named by the spec's operation id. */
export interface Route {
  method: 'GET' | 'POST' | 'DELETE'
  /** Path under the base path, with `{param}` placeholders, as in the spec. */
  path: string
  operation: string
  handler: RouteHandler
}
