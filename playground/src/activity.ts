// API activity: a fetch wrapper for the Runs client that records every failed attempt (429, 5xx, network
// errors) and what became of it (retried and recovered, or given up), so the playground can show retries that the
// transport otherwise performs silently.
import { useSyncExternalStore } from 'react'

export type ActivityOutcome = 'retrying' | 'recovered' | 'failed'

export type ActivityEntry = {
  id: number
  at: number
  method: string
  path: string
  /** HTTP status of the last failed attempt; 0 for a network error. */
  status: number
  code: string | null
  message: string
  requestId: string | null
  /** The server's retry hint for the last failed attempt, in ms. */
  retryAfterMs: number | null
  /** Failed attempts so far. */
  failures: number
  outcome: ActivityOutcome
}

type Listener = () => void

/** Retries the client makes after a failed attempt (the transport's default). */
export const MAX_RETRIES = 2

function retryHint(headers: Headers): number | null {
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN)
  if (Number.isFinite(ms) && ms >= 0) {
    return ms
  }
  const seconds = Number(headers.get('retry-after') ?? Number.NaN)
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null
}

function retryable(status: number, code: string | null, headers: Headers): boolean {
  if (code === 'insufficient_quota') {
    return false
  }
  const hint = headers.get('x-should-retry')
  if (hint === 'true' || hint === 'false') {
    return hint === 'true'
  }
  return status === 408 || status === 409 || status === 429 || status >= 500
}

export function createActivityLog(options: { baseURL: string; limit?: number }) {
  let entries: readonly ActivityEntry[] = []
  let nextId = 1
  const listeners = new Set<Listener>()
  // The open entry of each request (method + URL) whose last attempt failed and may be retried.
  const open = new Map<string, ActivityEntry>()

  function commit(next: readonly ActivityEntry[]) {
    entries = next.slice(-(options.limit ?? 30))
    for (const listener of listeners) {
      listener()
    }
  }

  function update(entry: ActivityEntry, patch: Partial<ActivityEntry>): ActivityEntry {
    const updated = { ...entry, ...patch }
    commit(entries.map((item) => (item.id === entry.id ? updated : item)))
    return updated
  }

  function record(
    key: string,
    failure: Omit<ActivityEntry, 'id' | 'at' | 'failures' | 'outcome'>,
    again: boolean,
  ) {
    const previous = open.get(key)
    const failures = (previous?.failures ?? 0) + 1
    const outcome: ActivityOutcome = again && failures <= MAX_RETRIES ? 'retrying' : 'failed'
    let entry: ActivityEntry
    if (previous) {
      entry = update(previous, { ...failure, at: Date.now(), failures, outcome })
    } else {
      entry = { ...failure, id: nextId++, at: Date.now(), failures, outcome }
      commit([...entries, entry])
    }
    if (outcome === 'retrying') {
      open.set(key, entry)
    } else {
      open.delete(key)
    }
  }

  const relative = (url: string) => {
    const path = url.startsWith('http') ? new URL(url).pathname + new URL(url).search : url
    return path.startsWith(options.baseURL) ? path.slice(options.baseURL.length) || '/' : path
  }

  const fetchWithLog: typeof fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    const key = `${method} ${url}`
    const path = relative(url)
    let response: Response
    try {
      response = await fetch(input, init)
    } catch (error) {
      if ((error as Error)?.name !== 'AbortError') {
        record(
          key,
          {
            method,
            path,
            status: 0,
            code: null,
            message: (error as Error)?.message || 'Network error',
            requestId: null,
            retryAfterMs: null,
          },
          true,
        )
      }
      throw error
    }
    if (response.ok) {
      const previous = open.get(key)
      if (previous) {
        open.delete(key)
        update(previous, { outcome: 'recovered', at: Date.now() })
      }
      return response
    }
    let code: string | null = null
    let message = `HTTP ${response.status}`
    try {
      const body = (await response.clone().json()) as { error?: { message?: string; code?: string } }
      code = typeof body?.error?.code === 'string' ? body.error.code : null
      message = body?.error?.message || message
    } catch {
      // not JSON: keep the generic message
    }
    record(
      key,
      {
        method,
        path,
        status: response.status,
        code,
        message,
        requestId: response.headers.get('x-request-id'),
        retryAfterMs: retryHint(response.headers),
      },
      retryable(response.status, code, response.headers),
    )
    return response
  }

  return {
    fetch: fetchWithLog,
    subscribe(listener: Listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    getEntries: () => entries,
    clear() {
      open.clear()
      commit([])
    },
  }
}

export type ActivityLog = ReturnType<typeof createActivityLog>

export function useActivity(log: ActivityLog): readonly ActivityEntry[] {
  return useSyncExternalStore(log.subscribe, log.getEntries, log.getEntries)
}
