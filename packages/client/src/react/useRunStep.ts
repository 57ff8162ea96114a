'use client'
import { useQuery } from '@tanstack/react-query'
import type { RetrieveStepQuery, StepIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Reads one step of a run; `include` asks for file search result content. */
export function useRunStep(ids: StepIds, query?: RetrieveStepQuery) {
  const client = useRunsClient()
  return useQuery(runQueries.step(client, ids, query))
}
