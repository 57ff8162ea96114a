'use client'
import { useMutation } from '@tanstack/react-query'
import { runMutations } from '../query/mutations.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Cancels a run, showing `cancelling` at once; a run that already ended is refetched and shown as it is, other failures roll back. */
export function useCancelRun() {
  const client = useRunsClient()
  return useMutation(runMutations.cancel(client))
}
