'use client'
import { useMutation } from '@tanstack/react-query'
import { runMutations } from '../query/mutations.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Replaces a run's metadata optimistically, rolling back if the request fails. */
export function useModifyRun() {
  const client = useRunsClient()
  return useMutation(runMutations.modify(client))
}
