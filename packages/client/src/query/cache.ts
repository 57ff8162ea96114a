// Owns the cache writes: runs, steps and messages into the entries the queries read (detail and list pages).
// Writes into the cache entries the queries read: the run detail, and every loaded page of run, step and
// message lists (checklist C5, C8). Unchanged entities keep their identity; nothing is ever duplicated.
import type { QueryClient, QueryKey } from '@tanstack/query-core'
import type { Message, Run, RunSnapshot, RunStep } from '../core/index.ts'
import { isTerminalRunStatus, listEntities } from '../core/index.ts'
import { runKeys } from './keys.ts'
import type { ListData, ListPage } from './queries.ts'
import type { RunsClient } from './runs-client.ts'

/** Writes a run into `useRun`'s entry; a run never goes back from a terminal status to a working one. */
export function writeRun(queryClient: QueryClient, client: RunsClient, run: Run): void {
  const ids = { threadId: run.thread_id, runId: run.id }
  queryClient.setQueryData<Run>(runKeys.run(client, ids), (previous) =>
    previous && isTerminalRunStatus(previous.status) && !isTerminalRunStatus(run.status) ? previous : run,
  )
  upsertLists(queryClient, runKeys.runLists(client, { threadId: run.thread_id }), [run])
}

type Entity = { id: string; run_id?: string | null }

/**
 * Replaces each entity by id in every loaded page of the lists under `prefix`, or inserts it where a newest-first
 * list starts (an oldest-first list gets it only when its last page is loaded). Lists filtered by `run_id` only
 * take that run's entities.
 */
export function upsertLists<T extends Entity>(
  queryClient: QueryClient,
  prefix: QueryKey,
  entities: readonly T[],
): void {
  if (entities.length === 0) {
    return
  }
  for (const query of queryClient.getQueryCache().findAll({ queryKey: prefix })) {
    const params = (query.queryKey[prefix.length] ?? {}) as { order?: string; run_id?: string }
    if (query.queryKey.length !== prefix.length + 1 || query.state.data === undefined) {
      continue
    }
    const wanted =
      params.run_id === undefined ? entities : entities.filter((item) => item.run_id === params.run_id)
    queryClient.setQueryData<ListData<T>>(query.queryKey, (data) =>
      data ? upsertPages(data, wanted, params.order === 'asc' ? 'asc' : 'desc') : data,
    )
  }
}

/** Removes the entities from every loaded page of the lists under `prefix` (rolls back `upsertLists`). */
export function removeFromLists(
  queryClient: QueryClient,
  prefix: QueryKey,
  entities: readonly Entity[],
): void {
  const ids = new Set(entities.map((entity) => entity.id))
  for (const query of queryClient.getQueryCache().findAll({ queryKey: prefix })) {
    queryClient.setQueryData<ListData<Entity>>(query.queryKey, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              data: page.data.filter((item) => !ids.has(item.id)),
            })),
          }
        : data,
    )
  }
}

/** The pure part of `upsertLists`: a new ListData with the entities replaced or inserted (or `data` itself). */
export function upsertPages<T extends Entity>(
  data: ListData<T>,
  entities: readonly T[],
  order: 'asc' | 'desc',
): ListData<T> {
  const where = new Map<string, [number, number]>()
  data.pages.forEach((page, pageIndex) => {
    page.data.forEach((item, index) => {
      where.set(item.id, [pageIndex, index])
    })
  })
  const pages = data.pages.slice()
  const copied = new Set<number>()
  const pageFor = (pageIndex: number): ListPage<T> => {
    if (!copied.has(pageIndex)) {
      copied.add(pageIndex)
      pages[pageIndex] = { ...pages[pageIndex]!, data: pages[pageIndex]!.data.slice() }
    }
    return pages[pageIndex]!
  }
  for (const entity of entities) {
    const found = where.get(entity.id)
    if (found) {
      const page = pages[found[0]]!
      if (page.data[found[1]] !== entity) {
        pageFor(found[0]).data[found[1]] = entity
      }
      continue
    }
    if (pages.length === 0) {
      continue
    }
    if (order === 'desc') {
      // Newest first: the new entity goes on top; shift the positions recorded for page 0.
      pageFor(0).data.unshift(entity)
      for (const [id, position] of where) {
        if (position[0] === 0) {
          where.set(id, [0, position[1] + 1])
        }
      }
      where.set(entity.id, [0, 0])
    } else {
      const lastIndex = pages.length - 1
      if (pages[lastIndex]!.has_more) {
        continue // it will arrive with a later page
      }
      const page = pageFor(lastIndex)
      page.data.push(entity)
      where.set(entity.id, [lastIndex, page.data.length - 1])
    }
  }
  return copied.size === 0 ? data : { ...data, pages }
}

/** A one-page list holding `items` (given oldest first) in the list's order, for seeding a complete list. */
export function singlePage<T extends { id: string }>(
  items: readonly T[],
  order: 'asc' | 'desc' = 'desc',
): ListData<T> {
  const data = order === 'asc' ? items.slice() : items.slice().reverse()
  return {
    pages: [
      {
        object: 'list',
        data,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
        has_more: false,
      },
    ],
    pageParams: [undefined],
  }
}

/**
 * Writes steps into every loaded step list of their run; with `seed` (the caller saw the run from its creation, so
 * `all` is complete) it also fills every step list that has no data yet, whatever its query (`{}` when there is
 * none), so a later `useRunSteps` fetches nothing.
 */
export function writeSteps(
  queryClient: QueryClient,
  client: RunsClient,
  ids: { threadId: string; runId: string },
  changed: readonly RunStep[],
  all: readonly RunStep[],
  seed: boolean,
): void {
  const prefix = runKeys.stepLists(client, ids)
  const existing = queryClient
    .getQueryCache()
    .findAll({ queryKey: prefix })
    .filter((query) => query.queryKey.length === prefix.length + 1)
  if (seed) {
    if (existing.length === 0) {
      queryClient.setQueryData(runKeys.stepList(client, ids, {}), singlePage(all))
    }
    for (const query of existing) {
      const params = (query.queryKey[prefix.length] ?? {}) as { order?: string; limit?: number }
      const fits = params.limit === undefined || all.length <= params.limit
      if (query.state.data === undefined && fits) {
        queryClient.setQueryData(query.queryKey, singlePage(all, params.order === 'asc' ? 'asc' : 'desc'))
      }
    }
  }
  upsertLists(queryClient, prefix, changed)
}

/**
 * The final write of a run (after its in-flight list fetches were cancelled): every step and message the stream
 * knows goes into every list entry of the run and its thread, whatever the entry's query.
 */
export function writeFinalLists(
  queryClient: QueryClient,
  client: RunsClient,
  ids: { threadId: string; runId: string },
  snapshot: RunSnapshot,
  seed: boolean,
): void {
  const steps = listEntities(snapshot.steps)
  writeSteps(queryClient, client, ids, steps, steps, seed && steps.length > 0)
  writeMessages(queryClient, client, ids.threadId, listEntities(snapshot.messages))
}

/** Writes messages into every loaded message list of their thread (never seeds: the thread has older ones). */
export function writeMessages(
  queryClient: QueryClient,
  client: RunsClient,
  threadId: string,
  changed: readonly Message[],
): void {
  upsertLists(queryClient, runKeys.messageLists(client, { threadId }), changed)
}
