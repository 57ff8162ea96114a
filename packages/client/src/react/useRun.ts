'use client'
import { useQuery } from '@tanstack/react-query'
import type { RunIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Reads one run and polls it while it works (stops at `requires_action` or a terminal status; C7 backs off). */
export function useRun(ids: RunIds) {
  const client = useRunsClient()
  return useQuery(runQueries.run(client, ids))
}
