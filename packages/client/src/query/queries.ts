// Owns the query option factories (`runQueries`, `fileQueries`) and run polling (the server's poll hint, clamped).
// One object serves any adapter's query hook, prefetchQuery, getQueryData and invalidation.
// Typed as query-core's observer options with a `DataTag`ged key (what react-query's `queryOptions` returns), so
// data and error types flow into useQuery, getQueryData and prefetchQuery. Errors are the client's error family.
import {
  type DataTag,
  hashKey,
  type InfiniteData,
  type InfiniteQueryObserverOptions,
  type QueryFunction,
  type QueryKey,
  type QueryObserverOptions,
} from '@tanstack/query-core'
import type {
  ListMessagesQuery,
  ListParams,
  ListResponse,
  ListStepsQuery,
  Message,
  OaiRunsError,
  OpenAIFile,
  Page,
  RetrieveStepQuery,
  Run,
  RunIds,
  RunStep,
  StepIds,
  ThreadIds,
} from '../core/index.ts'
import { isActiveRunStatus, isTerminalRunStatus, pollDelayMs } from '../core/index.ts'
import { heldStaleTime, isHeld } from './holds.ts'
import { fileKeys, runKeys } from './keys.ts'
import type { RunsClient } from './runs-client.ts'

/** One page of a list as cached: the wire fields only (no methods), so it dehydrates for SSR. */
export type ListPage<T> = ListResponse<T>

/** The cached data of an infinite list: pages fetched so far, each keyed by its `after` cursor. */
export type ListData<T> = InfiniteData<ListPage<T>, string | undefined>

/**
 * What `runQueries.run` and `runQueries.step` return: query-core's observer options, the key tagged with the data
 * and error types (as react-query's `queryOptions` does), so `getQueryData(options.queryKey)` is typed.
 */
export type RunQueryOptions<TData, TQueryKey extends QueryKey> = Omit<
  QueryObserverOptions<TData, OaiRunsError, TData, TData, TQueryKey>,
  'queryFn'
> & {
  queryKey: DataTag<TQueryKey, TData, OaiRunsError>
  // Never `skipToken`, so the suspense hooks accept the options too.
  queryFn: QueryFunction<TData, TQueryKey>
}

/**
 * What the list factories (`runQueries.runs`, `.steps`, `.messages`) return: infinite observer options paged by the
 * `after` cursor, the key tagged with the cached data and error types (as react-query's `infiniteQueryOptions`).
 */
export type RunListQueryOptions<T, TQueryKey extends QueryKey> = Omit<
  InfiniteQueryObserverOptions<ListPage<T>, OaiRunsError, ListData<T>, TQueryKey, string | undefined>,
  'queryFn'
> & {
  queryKey: DataTag<TQueryKey, InfiniteData<ListPage<T>>, OaiRunsError>
  queryFn: QueryFunction<ListPage<T>, TQueryKey, string | undefined>
}

// The typed identity react-query's option helpers apply: the key carries its data and error types.
const tagged = <TData, TQueryKey extends QueryKey>(queryKey: TQueryKey) =>
  queryKey as DataTag<TQueryKey, TData, OaiRunsError>

// RUN POLLING (the server's openai-poll-after-ms hint, clamped; checklist C7)

const DEFAULT_POLL_MS = 1000
const MAX_POLL_MS = 30_000

// Per run query (by key hash): the wait the last response asked for and how many polls saw an unknown status.
const pollState = new Map<string, { delayMs: number; unknownPolls: number }>()

function recordPoll(hash: string, response: Response, status: string): void {
  if (isTerminalRunStatus(status)) {
    pollState.delete(hash)
    return
  }
  pollState.set(hash, {
    delayMs: pollDelayMs(response, undefined),
    unknownPolls: isActiveRunStatus(status) ? 0 : (pollState.get(hash)?.unknownPolls ?? 0) + 1,
  })
}

/** How long `useRun` waits before the next poll, or `false` when the run stopped (or a stream owns it). */
export function runPollInterval(query: {
  readonly queryKey: readonly unknown[]
  readonly queryHash: string
  readonly state: { readonly data: Run | undefined }
}): number | false {
  const status: string | undefined = query.state.data?.status
  if (status === undefined || status === 'requires_action' || isTerminalRunStatus(status) || isHeld(query)) {
    return false
  }
  const state = pollState.get(query.queryHash)
  if (!isActiveRunStatus(status)) {
    // C7: a status from the future is not terminal; back off instead of busy-looping.
    return Math.min(DEFAULT_POLL_MS * 2 ** Math.max(0, (state?.unknownPolls ?? 1) - 1), MAX_POLL_MS)
  }
  return state?.delayMs ?? DEFAULT_POLL_MS
}

/** Retry a failed query once, and only when the error says trying again may help (checklist T9). */
export function retryOnce(failureCount: number, error: OaiRunsError): boolean {
  return failureCount < 1 && error.retryable === true
}

function toListPage<T>(page: Page<T>): ListPage<T> {
  return {
    object: 'list',
    data: page.data,
    first_id: page.first_id,
    last_id: page.last_id,
    has_more: page.has_more,
  }
}

function nextCursor<T extends { id: string }>(page: ListPage<T>): string | undefined {
  const last = page.data[page.data.length - 1]
  return page.has_more && last ? last.id : undefined
}

type CursorQuery = Omit<ListParams, 'before'>

/** `runQueries.run`, standalone so that the stream controller bundles only this factory. */
export function runQuery(
  client: RunsClient,
  ids: RunIds,
): RunQueryOptions<Run, ReturnType<typeof runKeys.run>> {
  return {
    queryKey: tagged<Run, ReturnType<typeof runKeys.run>>(runKeys.run(client, ids)),
    queryFn: async ({ signal, queryKey, client: queryClient }) => {
      const previous = queryClient.getQueryData<Run>(queryKey)?.status
      const { data, response } = await client.runs.retrieve(ids, { signal }).withResponse()
      recordPoll(hashKey(queryKey), response, data.status)
      // C5 for polled runs: a run that stopped (finished, or now waits for tool outputs) changed its steps, the
      // thread's messages and its run lists on the server. A stream refreshes those itself and holds the keys.
      const stopped = data.status === 'requires_action' || isTerminalRunStatus(data.status)
      if (previous !== undefined && previous !== data.status && stopped && !isHeld({ queryKey })) {
        for (const prefix of [
          runKeys.stepLists(client, ids),
          runKeys.messageLists(client, ids),
          runKeys.runLists(client, ids),
        ]) {
          void queryClient.invalidateQueries({ queryKey: prefix })
        }
      }
      return data
    },
    staleTime: heldStaleTime,
    refetchInterval: runPollInterval,
    retry: retryOnce,
  }
}

/**
 * Query option factories for runs, steps and messages; spread and override them as needed.
 * @example
 * const run = await queryClient.fetchQuery(runQueries.run(client, { threadId, runId }))
 * useQuery({ ...runQueries.run(client, ids), select: (run) => run.status })
 */
export const runQueries = {
  /** One run; polls while it works (honouring `openai-poll-after-ms`) and stops at `requires_action` or a terminal status. */
  run: runQuery,

  /** The runs of a thread, newest first by default, paged with the `after` cursor. */
  runs: (
    client: RunsClient,
    ids: ThreadIds,
    query: CursorQuery = {},
  ): RunListQueryOptions<Run, ReturnType<typeof runKeys.runList>> => ({
    queryKey: tagged<InfiniteData<ListPage<Run>>, ReturnType<typeof runKeys.runList>>(
      runKeys.runList(client, ids, query),
    ),
    queryFn: async ({ pageParam, signal }) =>
      toListPage(await client.runs.list(ids, { ...query, after: pageParam }, { signal })),
    initialPageParam: query.after,
    getNextPageParam: nextCursor,
    staleTime: heldStaleTime,
    retry: retryOnce,
  }),

  /** The steps of a run (with `include[]`), newest first by default, paged with the `after` cursor. */
  steps: (
    client: RunsClient,
    ids: RunIds,
    query: Omit<ListStepsQuery, 'before'> = {},
  ): RunListQueryOptions<RunStep, ReturnType<typeof runKeys.stepList>> => ({
    queryKey: tagged<InfiniteData<ListPage<RunStep>>, ReturnType<typeof runKeys.stepList>>(
      runKeys.stepList(client, ids, query),
    ),
    queryFn: async ({ pageParam, signal }) =>
      toListPage(await client.steps.list(ids, { ...query, after: pageParam }, { signal })),
    initialPageParam: query.after,
    getNextPageParam: nextCursor,
    staleTime: heldStaleTime,
    retry: retryOnce,
  }),

  /** One step of a run; `include` asks for file search result content. */
  step: (
    client: RunsClient,
    ids: StepIds,
    query: RetrieveStepQuery = {},
  ): RunQueryOptions<RunStep, ReturnType<typeof runKeys.step>> => ({
    queryKey: tagged<RunStep, ReturnType<typeof runKeys.step>>(runKeys.step(client, ids, query)),
    queryFn: ({ signal }) => client.steps.retrieve(ids, query, { signal }),
    staleTime: heldStaleTime,
    retry: retryOnce,
  }),

  /** The messages of a thread (optionally of one run), newest first by default, paged with `after`. */
  messages: (
    client: RunsClient,
    ids: ThreadIds,
    query: Omit<ListMessagesQuery, 'before'> = {},
  ): RunListQueryOptions<Message, ReturnType<typeof runKeys.messageList>> => ({
    queryKey: tagged<InfiniteData<ListPage<Message>>, ReturnType<typeof runKeys.messageList>>(
      runKeys.messageList(client, ids, query),
    ),
    queryFn: async ({ pageParam, signal }) =>
      toListPage(await client.messages.list(ids, { ...query, after: pageParam }, { signal })),
    initialPageParam: query.after,
    getNextPageParam: nextCursor,
    staleTime: heldStaleTime,
    retry: retryOnce,
  }),
}

/**
 * Query option factories for files. A file never changes once created, so its entry never goes stale: each file is
 * fetched once per cache (until garbage-collected), however many citations show its name.
 * @example
 * useQuery({ ...fileQueries.file(client, fileId), select: (file) => file.filename })
 */
export const fileQueries = {
  /** One file object (`filename`, `bytes`, `purpose`, …), fresh forever (`staleTime: Infinity`). */
  file: (
    client: RunsClient,
    fileId: string,
  ): RunQueryOptions<OpenAIFile, ReturnType<typeof fileKeys.file>> => ({
    queryKey: tagged<OpenAIFile, ReturnType<typeof fileKeys.file>>(fileKeys.file(client, fileId)),
    queryFn: ({ signal }) => client.files.retrieve({ fileId }, { signal }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: retryOnce,
  }),
}
