'use client'
import { useMutation } from '@tanstack/react-query'
import { runMutations } from './mutations'
import { useRunsClient } from './RunsClientProvider'

/** Starts a run on a thread (no stream; use `useRunStream` to stream it) and writes it into `useRun`'s cache. */
export function useCreateRun() {
  const client = useRunsClient()
  return useMutation(runMutations.create(client))
}
