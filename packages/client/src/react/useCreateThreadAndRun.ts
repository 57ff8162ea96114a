'use client'
import { useMutation } from '@tanstack/react-query'
import { runMutations } from '../query/mutations.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Creates a thread and starts a run on it (no stream) and writes the run into `useRun`'s cache. */
export function useCreateThreadAndRun() {
  const client = useRunsClient()
  return useMutation(runMutations.createThreadAndRun(client))
}
