/** What an injected fault does to a streamed response. */
export interface StreamFault {
  /** Pause the stream for `stallMs` after this many events. */
  stallAfterEvents?: number
  /** How long a stall lasts. @defaultValue 30000 */
  stallMs?: number
  /** Close the connection in the middle of the event after this many events (no blank line). */
  cutAfterEvents?: number
  /** Send an `event: error` frame after this many events and close. */
  errorAfterEvents?: number
  /** End the stream without the final `event: done` / `data: [DONE]`. */
  omitDone?: boolean
}

/**
 * One fault-injection rule, matched by operation id (the spec's, e.g. `createRun`, `getRun`) and applied
 * `times` times.
 * @example { operation: 'createRun', status: 429, retryAfterMs: 10 }
 */
export interface FaultRule {
  /** Operation id to match (e.g. `createRun`, `submitToolOuputsToRun`), or `*` for every route. @defaultValue '*' */
  operation?: string
  /** How many matching requests it applies to. @defaultValue 1 */
  times?: number
  /** Wait this long before sending headers. */
  delayMs?: number
  /** Answer with this HTTP status and an error body instead of handling the request. */
  status?: number
  /** `error.code` of the injected error; `insufficient_quota` also sets the type and message OpenAI uses. */
  code?: string
  /** `error.message` of the injected error. */
  message?: string
  /** `retry-after` header value (seconds or an HTTP date). */
  retryAfter?: string
  /** `retry-after-ms` header value. */
  retryAfterMs?: number
  /** `x-should-retry` header value. */
  shouldRetry?: boolean
  /** Faults in a streamed response. */
  stream?: StreamFault
  /** On `cancelRun`: the cancel is accepted (`cancelling`) but the run completes anyway. */
  cancelLosesRace?: boolean
}

/** The fault rules of a server, changeable while it runs (the playground's fault panel uses this). */
export interface FaultInjector {
  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void
  /** Removes every rule. */
  clear(): void
  /** The rules still in force. */
  list(): FaultRule[]
  /** Takes the first rule matching an operation, counting one use. */
  take(operation: string): FaultRule | undefined
}

/** Creates a fault injector with initial rules. */
export function createFaultInjector(initial: FaultRule[] = []): FaultInjector {
  const rules: { rule: FaultRule; remaining: number }[] = []
  const injector: FaultInjector = {
    add(rule) {
      const entry = { rule, remaining: rule.times ?? 1 }
      rules.push(entry)
      return () => {
        const index = rules.indexOf(entry)
        if (index !== -1) {
          rules.splice(index, 1)
        }
      }
    },
    clear() {
      rules.length = 0
    },
    list: () => rules.map((entry) => entry.rule),
    take(operation) {
      const index = rules.findIndex(
        (entry) => (entry.rule.operation ?? '*') === '*' || entry.rule.operation === operation,
      )
      const entry = rules[index]
      if (!entry) {
        return undefined
      }
      entry.remaining--
      if (entry.remaining <= 0) {
        rules.splice(index, 1)
      }
      return entry.rule
    },
  }
  for (const rule of initial) {
    injector.add(rule)
  }
  return injector
}

/** The error body and headers of a rule that answers with a status. */
export function faultResponse(rule: FaultRule): {
  status: number
  body: object
  headers: Record<string, string>
} {
  const status = rule.status ?? 500
  const quota = rule.code === 'insufficient_quota'
  const type = quota
    ? 'insufficient_quota'
    : status === 429
      ? 'requests'
      : status >= 500
        ? 'server_error'
        : 'invalid_request_error'
  const message =
    rule.message ??
    (quota
      ? 'You exceeded your current quota, please check your plan and billing details.'
      : status === 429
        ? 'Rate limit reached for requests. Please try again later.'
        : status >= 500
          ? 'The server had an error while processing your request. Sorry about that!'
          : `Injected fault: HTTP ${status}.`)
  const headers: Record<string, string> = {}
  if (rule.retryAfter !== undefined) {
    headers['retry-after'] = rule.retryAfter
  }
  if (rule.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(rule.retryAfterMs)
  }
  if (rule.shouldRetry !== undefined) {
    headers['x-should-retry'] = String(rule.shouldRetry)
  }
  return { status, body: { error: { message, type, param: null, code: rule.code ?? null } }, headers }
}
