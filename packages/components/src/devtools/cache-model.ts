// What the devtools read from a react-query cache: oai-runs keys parsed back into backend → thread → run, the runs
// (from run entries and run-list pages), a run's steps and messages, and one log line per cache event. No React.
// Everything here is defensive: the cache may hold any app's queries, and a foreign key or value is skipped.
import { isActiveRunStatus, type Message, type Run, type RunStep } from '@oai-runs/client'
import { isHeld, runKeys } from '@oai-runs/client/react'
import type { Mutation, MutationCacheNotifyEvent, Query, QueryCacheNotifyEvent } from '@tanstack/react-query'

/** The first part of every oai-runs query and mutation key. */
const ROOT = runKeys.all('')[0]

/** An oai-runs query key read back into its parts (`runKeys`' shapes); `other` for a key of ours it does not know. */
export type ParsedKey =
  | { kind: 'run'; scope: string; threadId: string; runId: string }
  | { kind: 'runList'; scope: string; threadId: string }
  | { kind: 'stepList'; scope: string; threadId: string; runId: string }
  | { kind: 'step'; scope: string; threadId: string; runId: string }
  | { kind: 'messageList'; scope: string; threadId: string }
  | { kind: 'other'; scope: string; threadId?: string }

/** True for a key this package made (`['oai-runs', <scope>, …]`). */
export function isOurKey(
  key: readonly unknown[] | undefined,
): key is readonly [string, string, ...unknown[]] {
  return Array.isArray(key) && key[0] === ROOT && typeof key[1] === 'string'
}

/** Parses an oai-runs query key; `null` for anyone else's. */
export function parseKey(key: readonly unknown[]): ParsedKey | null {
  if (!isOurKey(key)) {
    return null
  }
  const scope = key[1]
  if (key[2] !== 'thread' || typeof key[3] !== 'string') {
    return { kind: 'other', scope }
  }
  const threadId = key[3]
  const runId = typeof key[5] === 'string' ? key[5] : undefined
  if (key.length === 6 && key[4] === 'run' && runId) {
    return { kind: 'run', scope, threadId, runId }
  }
  if (key.length === 6 && key[4] === 'runs') {
    return { kind: 'runList', scope, threadId }
  }
  if (key.length === 6 && key[4] === 'messages') {
    return { kind: 'messageList', scope, threadId }
  }
  if (key.length === 8 && key[4] === 'run' && runId && key[6] === 'steps') {
    return { kind: 'stepList', scope, threadId, runId }
  }
  if (key.length === 9 && key[4] === 'run' && runId && key[6] === 'step') {
    return { kind: 'step', scope, threadId, runId }
  }
  return { kind: 'other', scope, threadId }
}

type Entity = { id: string }

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function isEntity(value: unknown): value is Entity {
  return isObject(value) && typeof value.id === 'string'
}

function isRun(value: unknown): value is Run {
  return isEntity(value) && typeof (value as Partial<Run>).status === 'string'
}

/** The items of every loaded page of an infinite list's data (`ListData`); nothing for any other shape. */
function itemsOf(data: unknown): Entity[] {
  if (!isObject(data) || !Array.isArray(data.pages)) {
    return []
  }
  const items: Entity[] = []
  for (const page of data.pages) {
    if (isObject(page) && Array.isArray(page.data)) {
      for (const item of page.data) {
        if (isEntity(item)) {
          items.push(item)
        }
      }
    }
  }
  return items
}

// STREAM HOLDS

/**
 * True while a `useRunStream` holds the thread's queries (it streams a run of it). A stream holds the whole thread;
 * an optimistic mutation holds only its run, so the thread key tells them apart.
 */
export function isThreadHeld(scope: string, threadId: string): boolean {
  return isHeld({ queryKey: runKeys.thread(scope, { threadId }) })
}

// RUNS

/** A run a stream is still receiving: active, but not waiting for tool outputs. */
const isLive = (status: string) => isActiveRunStatus(status) && status !== 'requires_action'

/** One run found in the cache. */
export type CachedRun = {
  /** Unique over backends and threads (selection). */
  id: string
  scope: string
  threadId: string
  run: Run
  /** True while a stream holds its thread and the run is working. */
  streaming: boolean
}

/** One thread of a backend, its runs newest first. */
export type CachedThread = { threadId: string; held: boolean; runs: CachedRun[] }

/** One backend (cache scope) and its threads, the one with the newest run first. */
export type CachedBackend = { scope: string; threads: CachedThread[] }

/** What the panel shows: the tree of runs and how many queries are oai-runs ones. */
export type CacheSnapshot = {
  backends: CachedBackend[]
  runCount: number
  ourQueries: number
  allQueries: number
}

/** The selection id of a run. */
export const runSelectionId = (scope: string, threadId: string, runId: string) =>
  JSON.stringify([scope, threadId, runId])

/** Every run in the cache (run entries and run-list pages; the most recently written copy wins), as a tree. */
export function collectRuns(
  queries: readonly Query[],
  isHeld: (scope: string, threadId: string) => boolean = isThreadHeld,
): CacheSnapshot {
  const scopes = new Map<string, Map<string, Map<string, { run: Run; at: number; seen: number }>>>()
  let ourQueries = 0
  for (const [index, query] of queries.entries()) {
    const parsed = parseKey(query.queryKey)
    if (!parsed) {
      continue
    }
    ourQueries++
    if (!('threadId' in parsed) || parsed.threadId === undefined) {
      continue
    }
    let threads = scopes.get(parsed.scope)
    if (!threads) {
      threads = new Map()
      scopes.set(parsed.scope, threads)
    }
    let runs = threads.get(parsed.threadId)
    if (!runs) {
      runs = new Map()
      threads.set(parsed.threadId, runs)
    }
    const data: unknown = query.state.data
    const found =
      parsed.kind === 'run' ? (isRun(data) ? [data] : []) : parsed.kind === 'runList' ? itemsOf(data) : []
    for (const [position, run] of found.entries()) {
      if (!isRun(run)) {
        continue
      }
      const previous = runs.get(run.id)
      // Ties go to the run entry: the list was written from it.
      const at = query.state.dataUpdatedAt + (parsed.kind === 'run' ? 0.5 : 0)
      // When the cache first saw it: queries keep their insertion order, a (newest-first) list its own order.
      const seen = Math.min(previous?.seen ?? Number.POSITIVE_INFINITY, index - position / (found.length + 1))
      if (!previous || at > previous.at) {
        runs.set(run.id, { run, at, seen })
      } else {
        previous.seen = seen
      }
    }
  }
  let runCount = 0
  const backends: CachedBackend[] = []
  for (const [scope, threadMap] of [...scopes].sort(([a], [b]) => a.localeCompare(b))) {
    const threadList: Array<{ thread: CachedThread; seen: number }> = []
    for (const [threadId, runMap] of threadMap) {
      const held = isHeld(scope, threadId)
      const runs = [...runMap.values()]
        .map(({ run, seen }): CachedRun & { seen: number } => ({
          id: runSelectionId(scope, threadId, run.id),
          scope,
          threadId,
          run,
          streaming: held && isLive(run.status),
          seen,
        }))
        .sort(newestFirst)
        .map(({ seen: _seen, ...run }) => run)
      runCount += runs.length
      const seen = Math.max(-1, ...[...runMap.values()].map((entry) => entry.seen))
      threadList.push({ thread: { threadId, held, runs }, seen })
    }
    threadList.sort(
      (a, b) =>
        (b.thread.runs[0]?.run.created_at ?? 0) - (a.thread.runs[0]?.run.created_at ?? 0) || b.seen - a.seen,
    )
    backends.push({ scope, threads: threadList.map((entry) => entry.thread) })
  }
  return { backends, runCount, ourQueries, allQueries: queries.length }
}

// `created_at` is in whole seconds: runs made within one second are ordered by when the cache first saw them.
function newestFirst(a: CachedRun & { seen: number }, b: CachedRun & { seen: number }): number {
  return (b.run.created_at ?? 0) - (a.run.created_at ?? 0) || b.seen - a.seen
}

/** The run's steps (step lists and single steps) and messages (its thread's message lists) in the cache. */
export function runContents(
  queries: readonly Query[],
  target: { scope: string; threadId: string; runId: string },
): { steps: RunStep[]; messages: Message[] } {
  const steps = new Map<string, { item: RunStep; at: number }>()
  const messages = new Map<string, { item: Message; at: number }>()
  const keep = <T extends Entity>(into: Map<string, { item: T; at: number }>, item: T, at: number) => {
    const previous = into.get(item.id)
    if (!previous || at >= previous.at) {
      into.set(item.id, { item, at })
    }
  }
  for (const query of queries) {
    const parsed = parseKey(query.queryKey)
    if (!parsed || parsed.scope !== target.scope || !('threadId' in parsed)) {
      continue
    }
    if (parsed.threadId !== target.threadId) {
      continue
    }
    const at = query.state.dataUpdatedAt
    if (parsed.kind === 'stepList' && parsed.runId === target.runId) {
      for (const step of itemsOf(query.state.data)) {
        keep(steps, step as RunStep, at)
      }
    } else if (parsed.kind === 'step' && parsed.runId === target.runId && isEntity(query.state.data)) {
      keep(steps, query.state.data as RunStep, at)
    } else if (parsed.kind === 'messageList') {
      for (const message of itemsOf(query.state.data)) {
        if ((message as Partial<Message>).run_id === target.runId) {
          keep(messages, message as Message, at)
        }
      }
    }
  }
  return {
    steps: [...steps.values()].map((entry) => entry.item),
    messages: [...messages.values()].map((entry) => entry.item),
  }
}

// LOG

/** One line of the cache log. */
/** What RunsDevtools' cache subscription gives its panel: the capped log, a version that says when to re-read the
 * cache, and the log's pause and clear. */
export type CacheActivity = {
  log: LogEntry[]
  version: number
  paused: boolean
  setPaused: (paused: boolean) => void
  clear: () => void
}

export type LogEntry = {
  id: number
  /** `Date.now()` when it happened. */
  at: number
  target: 'query' | 'mutation'
  /** `added`, `removed`, or `updated` with its action (`updated: success`, `updated: fetch`, …). */
  event: string
  scope: string
  /** The key after the scope, e.g. `thread/thread_1/run/run_2/steps/{"order":"asc"}`. */
  path: string
  /** Query status and fetch status (`success · fetching`), plus the run's status when the entry holds a run. */
  status: string
}

/** A key part as text: strings as they are, anything else as compact JSON. */
function keyPart(part: unknown): string {
  if (typeof part === 'string') {
    return part
  }
  try {
    return JSON.stringify(part) ?? String(part)
  } catch {
    return String(part)
  }
}

function eventName(event: { type: string; action?: { type: string } }): string | null {
  if (event.type === 'added' || event.type === 'removed') {
    return event.type
  }
  if (event.type === 'updated') {
    return `updated: ${event.action?.type ?? 'unknown'}`
  }
  return null // observer events: who watches, not what the cache holds
}

/** The log line of a query cache event, or `null` when it is not about an oai-runs entry. */
export function queryLogEntry(event: QueryCacheNotifyEvent, id: number, at: number): LogEntry | null {
  const query = event.query as Query | undefined
  const key = query?.queryKey
  if (!query || !isOurKey(key)) {
    return null
  }
  const name = eventName(event as { type: string; action?: { type: string } })
  if (!name) {
    return null
  }
  const { status, fetchStatus, data } = query.state
  const runStatus = isRun(data) ? ` · run ${data.status}` : ''
  return {
    id,
    at,
    target: 'query',
    event: name,
    scope: key[1],
    path: key.slice(2).map(keyPart).join('/'),
    status: `${status}${fetchStatus === 'idle' ? '' : ` · ${fetchStatus}`}${runStatus}`,
  }
}

/** The log line of a mutation cache event, or `null` when it is not one of our mutations. */
export function mutationLogEntry(event: MutationCacheNotifyEvent, id: number, at: number): LogEntry | null {
  const mutation = event.mutation as Mutation | undefined
  const key = mutation?.options.mutationKey
  if (!mutation || !isOurKey(key)) {
    return null
  }
  const name = eventName(event as { type: string; action?: { type: string } })
  if (!name) {
    return null
  }
  return {
    id,
    at,
    target: 'mutation',
    event: name,
    scope: key[1],
    path: key.slice(2).map(keyPart).join('/'),
    status: mutation.state.status,
  }
}
