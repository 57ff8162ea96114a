// Owns cache sync: writing a session's snapshot into the QueryClient (only what changed since the last write),
// holds, the optimistic messages of a create, invalidation and the final list writes when a run ends. The entry
// writes themselves are cache.ts's; the controller decides when (at most once per frame, at once on final events).
// Plain functions over a QueryClient and a client: they call nothing back.
import type { QueryClient, QueryKey } from '@tanstack/query-core'
import type { Run } from '../core/index.ts'
import { listEntities } from '../core/index.ts'
import {
  removeFromLists,
  upsertLists,
  writeFinalLists,
  writeMessages,
  writeRun,
  writeSteps,
} from './cache.ts'
import type { RunStreamCreateBody } from './follow-up-queue.ts'
import { holdQueries } from './holds.ts'
import { runKeys } from './keys.ts'
import { changed, optimisticMessage, type Session } from './run-stream-state.ts'
import type { RunsClient } from './runs-client.ts'

// Cancels in-flight refreshes (their data goes back to what it was).
function cancelRefreshes(queryClient: QueryClient, queryKeys: QueryKey[]): Promise<unknown> {
  return Promise.all(queryKeys.map((queryKey) => queryClient.cancelQueries({ queryKey })))
}

/** Cancels in-flight refreshes of a thread's run and message lists. */
export function cancelThreadLists(
  queryClient: QueryClient,
  client: RunsClient,
  threadId: string,
): Promise<unknown> {
  return cancelRefreshes(queryClient, [
    runKeys.runLists(client, { threadId }),
    runKeys.messageLists(client, { threadId }),
  ])
}

/** Marks a thread's queries stale and refetches the active ones, except the query of run `except`. */
export function invalidateThread(
  queryClient: QueryClient,
  client: RunsClient,
  threadId: string | null,
  except?: Run | null,
): void {
  if (!threadId) {
    return
  }
  const exact = except ? runKeys.run(client, { threadId: except.thread_id, runId: except.id }) : null
  void queryClient.invalidateQueries({
    queryKey: runKeys.thread(client, { threadId }),
    predicate: (query) =>
      !exact || query.queryKey.length !== exact.length || query.queryKey.some((part, i) => part !== exact[i]),
    refetchType: 'active',
  })
}

/** Writes what changed in the session's snapshot since its last write into the entries the queries read. */
export function writeCache(queryClient: QueryClient, client: RunsClient, s: Session): void {
  const { snapshot, written } = s
  if (snapshot === written) {
    return
  }
  const run = snapshot.run
  if (run && run !== written.run) {
    writeRun(queryClient, client, run)
  }
  if (run && (snapshot.steps !== written.steps || written.run === null)) {
    const ids = { threadId: run.thread_id, runId: run.id }
    writeSteps(
      queryClient,
      client,
      ids,
      changed(snapshot.steps, written.steps),
      listEntities(snapshot.steps),
      s.ownsRun,
    )
  }
  const threadId = run?.thread_id ?? snapshot.thread?.id ?? s.threadId
  if (threadId && snapshot.messages !== written.messages) {
    writeMessages(queryClient, client, threadId, changed(snapshot.messages, written.messages))
  }
  s.written = snapshot
}

/** Keeps the thread's queries from refetching on their own while the session owns them (C2). */
export function hold(client: RunsClient, s: Session, threadId: string): void {
  if (!s.release) {
    s.release = holdQueries(runKeys.thread(client, { threadId }))
  }
}

/**
 * C5 and the fast-run race: a first list fetch still in flight would answer with what the server had before the
 * run ended, so cancel it, write the whole snapshot into every list entry (whatever its query), and then
 * invalidate once (active queries refetch; the run itself is already final).
 */
export async function refreshLists(
  queryClient: QueryClient,
  client: RunsClient,
  s: Session,
  run: Run,
): Promise<void> {
  const threadId = s.threadId ?? run.thread_id
  const ids = { threadId: run.thread_id, runId: run.id }
  await cancelRefreshes(queryClient, [
    runKeys.stepLists(client, ids),
    runKeys.messageLists(client, { threadId }),
    runKeys.runLists(client, { threadId }),
  ])
  writeFinalLists(queryClient, client, ids, s.snapshot, s.ownsRun)
  invalidateThread(queryClient, client, threadId, run)
}

/**
 * Shows a create's `additional_messages` at once in loaded message lists (C1), once older refreshes of the
 * thread's lists are cancelled (C2: they must not land after it and drop them); `rollback` takes them out.
 */
export function writeOptimistic(
  queryClient: QueryClient,
  client: RunsClient,
  threadId: string,
  body: RunStreamCreateBody,
) {
  const temporary = (body.additional_messages ?? []).map((message) => optimisticMessage(threadId, message))
  const messageLists = runKeys.messageLists(client, { threadId })
  return {
    before: cancelThreadLists(queryClient, client, threadId).then(() =>
      upsertLists(queryClient, messageLists, temporary),
    ),
    rollback: temporary.length > 0 ? () => removeFromLists(queryClient, messageLists, temporary) : undefined,
  }
}
