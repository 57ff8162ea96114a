'use client'
import { useInfiniteQuery } from '@tanstack/react-query'
import type { ListStepsQuery, RunIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Pages through the steps of a run (with `include[]`); a live `useRunStream` fills the same cache entry. */
export function useRunSteps(ids: RunIds, query?: Omit<ListStepsQuery, 'before'>) {
  const client = useRunsClient()
  return useInfiniteQuery(runQueries.steps(client, ids, query))
}
