// Owns the query and mutation keys (`runKeys`, `fileKeys`, `runMutationKeys`), scoped by the client's cache scope.
// Query keys: generic to specific (backend → thread → run → steps), so invalidating a prefix reaches
// everything under it; only serializable ids, as TanStack Query hashes keys as JSON.
// Every key starts with the client's cache scope (its base URL unless set) so two backends never share an entry.
import type {
  ListMessagesQuery,
  ListParams,
  ListStepsQuery,
  RetrieveStepQuery,
  RunIds,
  StepIds,
  ThreadIds,
} from '../core/index.ts'

/** What scopes a key: a base URL, or a `RunsClient` (its `cacheScope`, which defaults to its base URL). */
export type KeyScope = string | { readonly baseURL: string; readonly cacheScope?: string }

const baseOf = (scope: KeyScope) => (typeof scope === 'string' ? scope : (scope.cacheScope ?? scope.baseURL))

/**
 * Key factory of every query this package caches; use the shorter keys as prefixes for invalidation.
 * @example
 * queryClient.invalidateQueries({ queryKey: runKeys.thread(client, { threadId }) })
 */
export const runKeys = {
  /** Everything cached for one backend. */
  all: (scope: KeyScope) => ['oai-runs', baseOf(scope)] as const,
  /** Everything cached for one thread: its runs, steps and messages. */
  thread: (scope: KeyScope, ids: ThreadIds) => [...runKeys.all(scope), 'thread', ids.threadId] as const,
  /** Every run list of a thread (any query). */
  runLists: (scope: KeyScope, ids: ThreadIds) => [...runKeys.thread(scope, ids), 'runs'] as const,
  /** One run list of a thread. */
  runList: (scope: KeyScope, ids: ThreadIds, query: ListParams = {}) =>
    [...runKeys.runLists(scope, ids), listQuery(query)] as const,
  /** One run (also the prefix of its steps). */
  run: (scope: KeyScope, ids: RunIds) => [...runKeys.thread(scope, ids), 'run', ids.runId] as const,
  /** Every step list of a run (any query). */
  stepLists: (scope: KeyScope, ids: RunIds) => [...runKeys.run(scope, ids), 'steps'] as const,
  /** One step list of a run. */
  stepList: (scope: KeyScope, ids: RunIds, query: ListStepsQuery = {}) =>
    [...runKeys.stepLists(scope, ids), listQuery(query)] as const,
  /** One step of a run, per `include[]`. */
  step: (scope: KeyScope, ids: StepIds, query: RetrieveStepQuery = {}) =>
    [...runKeys.run(scope, ids), 'step', ids.stepId, { include: query.include ?? [] }] as const,
  /** Every message list of a thread (any query). */
  messageLists: (scope: KeyScope, ids: ThreadIds) => [...runKeys.thread(scope, ids), 'messages'] as const,
  /** One message list of a thread. */
  messageList: (scope: KeyScope, ids: ThreadIds, query: ListMessagesQuery = {}) =>
    [...runKeys.messageLists(scope, ids), listQuery(query)] as const,
}

/**
 * Key factory of cached files: outside any thread (a file is cited from many), under the backend's scope.
 * @example
 * queryClient.getQueryData(fileKeys.file(client, 'file-abc'))
 */
export const fileKeys = {
  /** Every file cached for one backend. */
  all: (scope: KeyScope) => [...runKeys.all(scope), 'file'] as const,
  /** One file object. */
  file: (scope: KeyScope, fileId: string) => [...fileKeys.all(scope), fileId] as const,
}

/** Mutation keys: every run mutation of a backend, and the tool-output submit of one run (checklist F3). */
export const runMutationKeys = {
  /** Every run mutation of one backend. */
  all: (scope: KeyScope) => [...runKeys.all(scope), 'mutation'] as const,
  /** Mutations of one kind, e.g. `cancel`. */
  kind: (
    scope: KeyScope,
    kind: 'create' | 'createThreadAndRun' | 'submitToolOutputs' | 'modify' | 'cancel',
  ) => [...runMutationKeys.all(scope), kind] as const,
}

// A list key holds the query without its cursor (the infinite query owns `after`), in a stable shape.
function listQuery<
  Q extends ListParams & { include?: readonly string[] | undefined; run_id?: string | undefined },
>(query: Q) {
  const { after: _after, before: _before, ...rest } = query
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(rest)) {
    if (value !== undefined) {
      out[key] = value
    }
  }
  return out as Omit<Q, 'after' | 'before'>
}
