'use client'
import { useInfiniteQuery } from '@tanstack/react-query'
import type { ListParams, ThreadIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Pages through the runs of a thread (newest first by default; `fetchNextPage` follows the `after` cursor). */
export function useRuns(ids: ThreadIds, query?: Omit<ListParams, 'before'>) {
  const client = useRunsClient()
  return useInfiniteQuery(runQueries.runs(client, ids, query))
}
