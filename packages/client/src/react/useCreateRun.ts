'use client'
import { useMutation } from '@tanstack/react-query'
import type { ThreadIds } from '../core/index.ts'
import { runMutations } from '../query/mutations.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/**
 * Starts a run on a thread (no stream; use `useRunStream` to stream it) and writes it into `useRun`'s cache; with
 * `ids`, two sends on that thread run one after another (checklist C4).
 */
export function useCreateRun(ids?: ThreadIds) {
  const client = useRunsClient()
  return useMutation(runMutations.create(client, ids))
}
