// Owns the mutation option factories (`runMutations`), with their optimistic writes and rollbacks.
// One object serves a MutationObserver or any adapter's mutation hook. Each writes the run it gets back into
// `useRun`'s cache entry; modify and cancel are optimistic with rollback (checklist C2, F11). `context.client` is
// the QueryClient. Typed as query-core's `MutationOptions` with a required key (as react-query's `mutationOptions`).
import { hashKey, type MutationOptions, type QueryClient } from '@tanstack/query-core'
import type {
  CreateRunParams,
  CreateThreadAndRunParams,
  Metadata,
  NonStreaming,
  OaiRunsError,
  Run,
  RunIds,
  SubmitToolOutputsParams,
  ThreadIds,
} from '../core/index.ts'
import { CannotCancelRunError, isTerminalRunStatus } from '../core/index.ts'
import { writeRun } from './cache.ts'
import { holdQueries } from './holds.ts'
import { runKeys, runMutationKeys } from './keys.ts'
import type { RunsClient } from './runs-client.ts'

/** Variables of a run create: the thread and the request body (never streamed; see `useRunStream`). */
export type CreateRunVariables = ThreadIds & { body: Omit<CreateRunParams, 'stream'> }

/** Variables of a thread-and-run create. */
export type CreateThreadAndRunVariables = { body: Omit<CreateThreadAndRunParams, 'stream'> }

/** Variables of a tool-output submit: the run and every output in one body (checklist F1). */
export type SubmitToolOutputsVariables = RunIds & { body: Omit<SubmitToolOutputsParams, 'stream'> }

/** Variables of a run modify: the run and its new metadata. */
export type ModifyRunVariables = RunIds & { body: { metadata: Metadata } }

/** What an optimistic mutation remembers to roll back. */
export type OptimisticContext = { previous: Run | undefined; release: () => void }

/**
 * What every `runMutations` factory returns: query-core's mutation options resolving to the `Run`, failing with the
 * client's errors, with its `mutationKey` always set (for `isMutating` and mutation defaults).
 */
export type RunMutationOptions<TVariables, TOnMutateResult = unknown> = MutationOptions<
  Run,
  OaiRunsError,
  TVariables,
  TOnMutateResult
> & { mutationKey: ReturnType<typeof runMutationKeys.kind> }

// C2: stop in-flight reads of the run and hold its polling, then apply the optimistic change.
async function applyOptimistic(
  queryClient: QueryClient,
  client: RunsClient,
  ids: RunIds,
  change: (run: Run) => Run,
): Promise<OptimisticContext> {
  const queryKey = runKeys.run(client, ids)
  const release = holdQueries(queryKey)
  await queryClient.cancelQueries({ queryKey, exact: true })
  const previous = queryClient.getQueryData<Run>(queryKey)
  if (previous) {
    queryClient.setQueryData<Run>(queryKey, change(previous))
  }
  return { previous, release }
}

// C2 for created runs: cancel in-flight refreshes of the thread's run lists (they would answer without the new
// run and land after it), then write the run into `useRun`'s entry and every loaded run list.
async function writeCreatedRun(queryClient: QueryClient, client: RunsClient, run: Run): Promise<void> {
  await queryClient.cancelQueries({ queryKey: runKeys.runLists(client, { threadId: run.thread_id }) })
  writeRun(queryClient, client, run)
}

function rollback(
  queryClient: QueryClient,
  client: RunsClient,
  ids: RunIds,
  context: OptimisticContext | undefined,
) {
  context?.release()
  if (context?.previous) {
    queryClient.setQueryData(runKeys.run(client, ids), context.previous)
  }
}

/** `runMutations.cancel`, standalone so that the stream controller bundles only this factory. */
export function cancelRunMutation(client: RunsClient): RunMutationOptions<RunIds, OptimisticContext> {
  return {
    mutationKey: runMutationKeys.kind(client, 'cancel'),
    mutationFn: async ({ threadId, runId }) => {
      try {
        return await client.runs.cancel({ threadId, runId })
      } catch (error) {
        if (error instanceof CannotCancelRunError) {
          return client.runs.retrieve({ threadId, runId })
        }
        throw error
      }
    },
    onMutate: (ids, context) =>
      applyOptimistic(context.client, client, { threadId: ids.threadId, runId: ids.runId }, (run) =>
        isTerminalRunStatus(run.status) ? run : { ...run, status: 'cancelling' },
      ),
    onError: (_error, { threadId, runId }, optimistic, context) => {
      rollback(context.client, client, { threadId, runId }, optimistic)
    },
    onSuccess: (run, _variables, optimistic, context) => {
      optimistic.release()
      writeRun(context.client, client, run)
    },
  }
}

/**
 * Mutation option factories for runs; hooks are one-liners over them and `useMutation` accepts them directly.
 * @example
 * const cancel = useMutation(runMutations.cancel(client))
 * cancel.mutate({ threadId, runId })
 */
export const runMutations = {
  /**
   * Starts a run on a thread (no stream) and caches it. With `ids`, creates on that thread run one after another
   * (mutation scope = the thread, checklist C4), so a second send waits and meets the server's active-run rule.
   */
  create: (
    client: RunsClient,
    ids?: ThreadIds,
  ): RunMutationOptions<CreateRunVariables, { release: () => void }> => ({
    mutationKey: runMutationKeys.kind(client, 'create'),
    ...(ids ? { scope: { id: hashKey(runKeys.thread(client, ids)) } } : {}),
    mutationFn: ({ threadId, body }) => client.runs.create({ threadId }, { ...body, stream: false }),
    // C2: no refresh of the thread's run lists may start (or stay in flight) while the create is out.
    onMutate: async ({ threadId }, context) => {
      const queryKey = runKeys.runLists(client, { threadId })
      const release = holdQueries(queryKey)
      await context.client.cancelQueries({ queryKey })
      return { release }
    },
    onSuccess: (run, _variables, _result, context) => writeCreatedRun(context.client, client, run),
    onSettled: (_run, _error, _variables, held) => {
      held?.release()
    },
  }),

  /** Creates a thread and starts a run on it (no stream), and caches the run. */
  createThreadAndRun: (client: RunsClient): RunMutationOptions<CreateThreadAndRunVariables> => ({
    mutationKey: runMutationKeys.kind(client, 'createThreadAndRun'),
    mutationFn: ({ body }) => client.runs.createThreadAndRun({ ...body, stream: false }),
    onSuccess: (run, _variables, _result, context) => writeCreatedRun(context.client, client, run),
  }),

  /** Submits every tool output of a run in one request (no stream) and caches the run. */
  submitToolOutputs: (client: RunsClient): RunMutationOptions<SubmitToolOutputsVariables> => ({
    mutationKey: runMutationKeys.kind(client, 'submitToolOutputs'),
    mutationFn: ({ threadId, runId, body }) =>
      client.runs.submitToolOutputs({ threadId, runId }, {
        ...body,
        stream: false,
      } as NonStreaming<SubmitToolOutputsParams>),
    onSuccess: (run, _variables, _result, context) => {
      writeRun(context.client, client, run)
    },
  }),

  /** Replaces a run's metadata, showing it at once and rolling back if the request fails. */
  modify: (client: RunsClient): RunMutationOptions<ModifyRunVariables, OptimisticContext> => ({
    mutationKey: runMutationKeys.kind(client, 'modify'),
    mutationFn: ({ threadId, runId, body }) => client.runs.update({ threadId, runId }, body),
    onMutate: ({ threadId, runId, body }, context) =>
      applyOptimistic(context.client, client, { threadId, runId }, (run) => ({
        ...run,
        metadata: body.metadata,
      })),
    onError: (_error, { threadId, runId }, optimistic, context) => {
      rollback(context.client, client, { threadId, runId }, optimistic)
    },
    onSuccess: (run, _variables, optimistic, context) => {
      optimistic.release()
      writeRun(context.client, client, run)
    },
  }),

  /**
   * Cancels a run, showing `cancelling` at once; a run that already ended ("Cannot cancel run with status X")
   * is no error: it is fetched and shown as it is (checklist F11). Other failures roll back.
   */
  cancel: cancelRunMutation,
}
