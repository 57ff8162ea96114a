// Owns the polling fallback's mechanics: following a run by polling its query when the stream drops or after a
// reload (S7, S8; the controller's `watch` decides what each poll means), and the expiry check of a run left in
// `requires_action`. Plain functions over a QueryClient: they call back only through their arguments.
import { type QueryClient, QueryObserver, type QueryObserverResult } from '@tanstack/query-core'
import type { Run, RunIds } from '../core/index.ts'
import { isTerminalRunStatus } from '../core/index.ts'
import { runKeys } from './keys.ts'
import { runQuery } from './queries.ts'
import type { Session } from './run-stream-state.ts'
import type { RunsClient } from './runs-client.ts'

// Expiry of a run waiting for tool outputs (see watchExpiry).
const EXPIRY_SLACK_MS = 1000
const EXPIRY_RECHECK_MS = 5000
const MAX_EXPIRY_CHECKS = 6
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * Polls run `ids` for session `s` (its `stopWatch` unsubscribes): `working` gets each result and says whether the
 * run is still working; then each new poll refreshes the run's message and step lists (A5: nothing streams the
 * text while polling) and `schedule` runs. Fresh data (another hook follows the same run) fetches nothing, so what
 * is there now is looked at at once.
 */
export function pollRun(
  queryClient: QueryClient,
  client: RunsClient,
  s: Session,
  ids: RunIds,
  working: (result: QueryObserverResult<Run, Error>) => boolean,
  schedule: () => void,
): void {
  const observer = new QueryObserver(queryClient, runQuery(client, ids))
  let polledAt = observer.getCurrentResult().dataUpdatedAt
  const onResult = (result: QueryObserverResult<Run, Error>) => {
    if (working(result)) {
      if (result.dataUpdatedAt !== polledAt) {
        polledAt = result.dataUpdatedAt
        for (const queryKey of [runKeys.messageLists(client, ids), runKeys.stepLists(client, ids)]) {
          void queryClient.invalidateQueries({ queryKey, refetchType: 'active' })
        }
      }
      schedule()
    }
  }
  s.stopWatch = observer.subscribe(onResult)
  const current = observer.getCurrentResult()
  if (current.data && !current.isFetching && !current.isStale) {
    onResult(current)
  }
}

/**
 * A run waiting for tool outputs expires on the server at `expires_at` with no event to say so: look once it is
 * due, so the state (and any follow-up queued behind the run) moves on without the user acting. A server whose
 * clock runs behind is asked again every 5 s, a few times. Looks only while `waiting()`; `expired` gets the run
 * once it is terminal; the session's `stopWatch` clears the timer.
 */
export function watchExpiry(
  queryClient: QueryClient,
  client: RunsClient,
  s: Session,
  ids: RunIds,
  run: Run,
  waiting: () => boolean,
  expired: (run: Run) => void,
  attempt = 0,
): void {
  if (typeof run.expires_at !== 'number' || attempt > MAX_EXPIRY_CHECKS) {
    return
  }
  const again = (latest: Run) =>
    watchExpiry(queryClient, client, s, ids, latest, waiting, expired, attempt + 1)
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
            expired(latest)
          } else {
            again(latest)
          }
        },
        () => waiting() && again(run),
      )
    },
    Math.min(Math.max(dueMs, 0), MAX_TIMER_MS),
  )
  s.stopWatch = () => clearTimeout(timer)
}
