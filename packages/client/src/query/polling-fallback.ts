// Owns the polling fallback: following a run by polling its query when the stream drops (S7, S8) or to resume it
// after a reload (`watch`), and the expiry of a run left in `requires_action` (`watchExpiry`).
import { type QueryClient, QueryObserver } from '@tanstack/query-core'
import type { Run, RunIds } from '../core/index.ts'
import { isTerminalRunStatus } from '../core/index.ts'
import { runKeys } from './keys.ts'
import { runQuery } from './queries.ts'
import type { Session } from './run-stream-state.ts'
import type { RunStreamRuntime } from './stream-session.ts'

// Expiry of a run waiting for tool outputs (see watchExpiry).
const EXPIRY_SLACK_MS = 1000
const EXPIRY_RECHECK_MS = 5000
const MAX_EXPIRY_CHECKS = 6
const MAX_TIMER_MS = 2 ** 31 - 1

/** The polling fallback's part of the runtime. */
export function createPollingFallback(rt: RunStreamRuntime, queryClient: QueryClient) {
  const { client } = rt

  function watch(s: Session, ids: RunIds): void {
    rt.unwatch(s) // e.g. the expiry timer of a run in requires_action that is cancelled
    rt.unhold(s)
    s.connection = 'poll'
    s.status = 'streaming'
    s.ownsRun = false // the stream (if any) missed events: its step list is no longer complete
    s.threadId = ids.threadId
    s.runId = ids.runId
    rt.persist(s)
    rt.publish()
    rt.invalidateThread(ids.threadId) // backfill steps and messages the stream did not deliver
    const observer = new QueryObserver(queryClient, runQuery(client, ids))
    let polledAt = observer.getCurrentResult().dataUpdatedAt
    const onResult = (result: ReturnType<typeof observer.getCurrentResult>) => {
      if (s !== rt.session || s.connection !== 'poll') {
        return
      }
      const run = result.data
      if (result.isError && result.fetchStatus === 'idle') {
        rt.fail(s, result.error)
        return
      }
      if (!run || result.isFetching) {
        return
      }
      if (run !== s.snapshot.run) {
        s.snapshot = { ...s.snapshot, run }
      }
      if (run.status === 'requires_action') {
        rt.requireAction(s, run)
      } else if (isTerminalRunStatus(run.status)) {
        rt.finish(s, run)
      } else {
        // A5: nothing streams the text while polling, so each poll of a working run refreshes what is shown.
        if (result.dataUpdatedAt !== polledAt) {
          polledAt = result.dataUpdatedAt
          for (const queryKey of [runKeys.messageLists(client, ids), runKeys.stepLists(client, ids)]) {
            void queryClient.invalidateQueries({ queryKey, refetchType: 'active' })
          }
        }
        rt.schedule()
      }
    }
    s.stopWatch = observer.subscribe(onResult)
    // Fresh data (another hook follows the same run) fetches nothing, so look at what is there now.
    const current = observer.getCurrentResult()
    if (current.data && !current.isFetching && !current.isStale) {
      onResult(current)
    }
  }

  // A run waiting for tool outputs expires on the server at `expires_at` with no event to say so: look once it
  // is due, so the state (and any follow-up queued behind the run) moves on without the user acting. A server
  // whose clock runs behind is asked again every 5 s, a few times.
  function watchExpiry(s: Session, run: Run, attempt: number): void {
    const ids = rt.idsOf(s)
    if (!ids || typeof run.expires_at !== 'number' || attempt > MAX_EXPIRY_CHECKS) {
      return
    }
    const waiting = () => s === rt.session && s.status === 'requires_action' && s.connection === 'none'
    const dueMs = attempt === 0 ? run.expires_at * 1000 - Date.now() + EXPIRY_SLACK_MS : EXPIRY_RECHECK_MS
    const timer = setTimeout(
      () => {
        if (!waiting()) {
          return
        }
        queryClient.fetchQuery(runQuery(client, ids)).then(
          (latest) => {
            if (!waiting()) {
              return
            }
            if (isTerminalRunStatus(latest.status)) {
              rt.finish(s, latest)
            } else {
              watchExpiry(s, latest, attempt + 1)
            }
          },
          () => waiting() && watchExpiry(s, run, attempt + 1),
        )
      },
      Math.min(Math.max(dueMs, 0), MAX_TIMER_MS),
    )
    s.stopWatch = () => clearTimeout(timer)
  }

  return { watch, watchExpiry }
}
