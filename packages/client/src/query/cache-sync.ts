// Owns cache sync: writing a session's snapshot into the QueryClient (at most once per frame, at once on final
// events) together with the view notification, holds, the optimistic messages of a create, the final list writes
// when a session ends (finish, fail) and the cancel request. The entry writes themselves are cache.ts's.
import { MutationObserver, notifyManager, type QueryClient, type QueryKey } from '@tanstack/query-core'
import type { Run } from '../core/index.ts'
import { isTerminalRunStatus, listEntities } from '../core/index.ts'
import {
  removeFromLists,
  upsertLists,
  writeFinalLists,
  writeMessages,
  writeRun,
  writeSteps,
} from './cache.ts'
import type { RunStreamCreateBody } from './follow-up-queue.ts'
import { createFrameScheduler } from './frame-scheduler.ts'
import { holdQueries } from './holds.ts'
import { runKeys } from './keys.ts'
import { cancelRunMutation } from './mutations.ts'
import { changed, optimisticMessage, type Session, viewOf } from './run-stream-state.ts'
import { type RunStreamRuntime, syncSnapshot } from './stream-session.ts'

/** The cache sync's part of the runtime, plus the frame scheduler and `start` for the controller. */
export function createCacheSync(
  rt: RunStreamRuntime,
  queryClient: QueryClient,
  listeners: Set<() => void>,
  coalesce: boolean,
) {
  const { client, config } = rt
  const scheduler = createFrameScheduler(flush, coalesce)

  function writeCache(s: Session): void {
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

  // One flush: the cache writes and the view change notify together, so each frame renders once.
  function flush(): void {
    notifyManager.batch(() => {
      const s = rt.session
      if (s) {
        syncSnapshot(s)
        writeCache(s)
      }
      rt.state = viewOf(s, rt.queue)
      notifyManager.schedule(() => {
        for (const listener of listeners) {
          listener()
        }
      })
    })
  }

  function publish(): void {
    scheduler.cancel()
    flush()
  }

  function invalidateThread(threadId: string | null, except?: Run | null): void {
    if (!threadId) {
      return
    }
    const exact = except ? runKeys.run(client, { threadId: except.thread_id, runId: except.id }) : null
    void queryClient.invalidateQueries({
      queryKey: runKeys.thread(client, { threadId }),
      predicate: (query) =>
        !exact ||
        query.queryKey.length !== exact.length ||
        query.queryKey.some((part, i) => part !== exact[i]),
      refetchType: 'active',
    })
  }

  // Cancels in-flight refreshes (their data goes back to what it was).
  function cancelRefreshes(queryKeys: QueryKey[]): Promise<unknown> {
    return Promise.all(queryKeys.map((queryKey) => queryClient.cancelQueries({ queryKey })))
  }

  // Cancels in-flight refreshes of a thread's run and message lists.
  function cancelThreadLists(threadId: string): Promise<unknown> {
    return cancelRefreshes([
      runKeys.runLists(client, { threadId }),
      runKeys.messageLists(client, { threadId }),
    ])
  }

  function hold(s: Session, threadId: string): void {
    if (!s.release) {
      s.release = holdQueries(runKeys.thread(client, { threadId }))
    }
  }

  // `reading`: called on the terminal event of a stream still being read; the `done` frame closes it.
  function finish(s: Session, run: Run, reading = false): void {
    if (reading) {
      rt.unhold(s)
    } else {
      rt.stop(s)
    }
    s.snapshot = s.snapshot.run === run ? s.snapshot : { ...s.snapshot, run }
    rt.settle(s, 'done')
    rt.forget(s.threadId)
    publish()
    // Whatever the run's end (completed, failed, cancelled…), the thread is free: the next follow-up goes.
    void refreshLists(s, run).then(rt.next)
    if (isTerminalRunStatus(run.status)) {
      config().onFinish?.({ run, reason: run.status })
    }
  }

  // C5 and the fast-run race: a first list fetch still in flight would answer with what the server had before
  // the run ended, so cancel it, write the whole snapshot into every list entry (whatever its query), and then
  // invalidate once (active queries refetch; the run itself is already final).
  async function refreshLists(s: Session, run: Run): Promise<void> {
    const threadId = s.threadId ?? run.thread_id
    const ids = { threadId: run.thread_id, runId: run.id }
    await cancelRefreshes([
      runKeys.stepLists(client, ids),
      runKeys.messageLists(client, { threadId }),
      runKeys.runLists(client, { threadId }),
    ])
    writeFinalLists(queryClient, client, ids, s.snapshot, s.ownsRun)
    invalidateThread(threadId, run)
  }

  function fail(s: Session, error: Error): void {
    rt.stop(s)
    rt.settle(s, 'error')
    s.error = error
    publish()
    if (s.snapshot.run) {
      invalidateThread(s.threadId)
    }
    config().onError?.(error)
    rt.next() // if the run still goes on, the server says so (ActiveRunError) and the follow-up waits for it
  }

  /** Cancels the run on the server, showing `cancelling` at once; rolls back if the request fails (F11). */
  function cancel(): Promise<void> {
    const s = rt.session
    const ids = s && rt.idsOf(s)
    if (!s || !ids) {
      return Promise.resolve()
    }
    s.cancelling = true
    publish()
    const observer = new MutationObserver(queryClient, cancelRunMutation(client))
    return observer.mutate(ids).then(
      (run) => {
        // An open stream reports the cancellation itself; a run that ended meanwhile is already finished.
        if (s !== rt.session || s.connection === 'stream' || s.status === 'done') {
          return
        }
        if (isTerminalRunStatus(run.status)) {
          finish(s, run)
        } else if (s.connection === 'none') {
          rt.watch(s, ids)
        }
      },
      (error: Error) => {
        if (s === rt.session) {
          s.cancelling = false
          s.error = error
          publish()
          config().onError?.(error)
        }
      },
    )
  }

  // Starts a streamed run on a thread; `additional_messages` show at once in loaded message lists (C1).
  function start(
    threadId: string,
    body: RunStreamCreateBody,
    refused?: (error: Error) => boolean,
  ): Promise<void> {
    const s = rt.replace({ threadId, ownsRun: true })
    hold(s, threadId)
    const temporary = (body.additional_messages ?? []).map((message) => optimisticMessage(threadId, message))
    const messageLists = runKeys.messageLists(client, { threadId })
    // C2: an older refresh of the thread's lists must not land after the optimistic write and drop it.
    const before = cancelThreadLists(threadId).then(() => upsertLists(queryClient, messageLists, temporary))
    return rt.consume(
      s,
      (signal) => client.runs.create({ threadId }, { ...body, stream: true }, rt.streamOptions(signal)),
      {
        before,
        rollback:
          temporary.length > 0 ? () => removeFromLists(queryClient, messageLists, temporary) : undefined,
        refused,
      },
    )
  }

  return {
    scheduler,
    start,
    publish,
    schedule: scheduler.schedule,
    hold,
    invalidateThread,
    cancelThreadLists,
    finish,
    fail,
    cancel,
  }
}
