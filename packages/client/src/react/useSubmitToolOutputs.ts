'use client'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { OaiRunsError } from '../core/index.ts'
import { runMutations, type SubmitToolOutputsVariables } from '../query/mutations.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Thrown by `mutateAsync` (and ignored by `mutate`) when the same run's outputs are already being submitted. */
export class SubmitInFlightError extends OaiRunsError {
  override name = 'SubmitInFlightError'
}

/**
 * Submits every tool output of a run in one request (no stream); a second submit for the same run while one is in
 * flight is refused without a request (checklist F3), so double clicks and Enter spam send exactly one.
 */
export function useSubmitToolOutputs() {
  const client = useRunsClient()
  const queryClient = useQueryClient()
  const options = runMutations.submitToolOutputs(client)
  const mutation = useMutation(options)
  const { mutate: baseMutate, mutateAsync: baseMutateAsync } = mutation
  // A mutation is `pending` in the cache synchronously on mutate(), so this also catches same-tick repeats.
  const inFlight = useCallback(
    (variables: SubmitToolOutputsVariables) =>
      queryClient.isMutating({
        mutationKey: options.mutationKey,
        predicate: (item) => {
          const pending = item.state.variables as SubmitToolOutputsVariables | undefined
          return pending?.runId === variables.runId && pending.threadId === variables.threadId
        },
      }) > 0,
    [queryClient, options.mutationKey],
  )
  const mutate = useCallback<typeof baseMutate>(
    (variables, callbacks) => {
      if (!inFlight(variables)) {
        baseMutate(variables, callbacks)
      }
    },
    [baseMutate, inFlight],
  )
  const mutateAsync = useCallback<typeof baseMutateAsync>(
    (variables, callbacks) =>
      inFlight(variables)
        ? Promise.reject(
            new SubmitInFlightError(`Tool outputs for run ${variables.runId} are already being submitted.`),
          )
        : baseMutateAsync(variables, callbacks),
    [baseMutateAsync, inFlight],
  )
  return { ...mutation, mutate, mutateAsync }
}
