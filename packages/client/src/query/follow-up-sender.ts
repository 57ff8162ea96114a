// Owns sending follow-ups: when the queued creates of follow-up-queue.ts go (one whenever no run is active), a
// follow-up that meets a run active elsewhere, and which follow-ups an abort, a thread switch or an unmount drops.
import { ActiveRunError, OaiRunsError } from '../core/index.ts'
import type {
  FollowUp,
  IfBusy,
  QueuedRun,
  QueuedRunDropReason,
  RunStreamCreateBody,
} from './follow-up-queue.ts'
import type { RunStreamRuntime } from './stream-session.ts'

/** The follow-ups' part of the runtime (`next`), `queue` for `create`, and `dropFollowUps` for the controller. */
export function createFollowUpSender(
  rt: RunStreamRuntime,
  start: (threadId: string, body: RunStreamCreateBody, refused?: (error: Error) => boolean) => Promise<void>,
) {
  const { queue } = rt

  // Sends the oldest follow-up when nothing is active.
  function next(): void {
    if (!rt.busy()) {
      const item = queue.shift()
      if (item) {
        send(item)
      }
    }
  }

  // A follow-up that meets a run the server says is active (started elsewhere) follows it and waits again; its
  // promise settles when its own stream is over, or rejects when its run was never created (body in `unsent`).
  function send(item: FollowUp): void {
    let waitingAgain = false
    const done = start(item.run.threadId, item.run.body, (error) => {
      if (!(error instanceof ActiveRunError) || item.waited === error.runId) {
        return false
      }
      item.waited = error.runId
      waitingAgain = true
      queue.unshift(item)
      const ids = { threadId: error.threadId, runId: error.runId }
      rt.watch(rt.replace(ids), ids)
      if (item.mode === 'cancel') {
        void rt.cancel()
      }
      return true
    })
    const s = rt.session!
    s.followUp = item
    void done.then(() => {
      if (waitingAgain) {
        return // queued again (and maybe sent again): that send settles it
      }
      if (s.runId) {
        item.settle()
      } else {
        queue.fail(item, s.error ?? new OaiRunsError('The run was not created.'))
        rt.publish()
      }
    })
  }

  return {
    next,
    // Queues a create made while a run may be active (`ifBusy: 'queue' | 'cancel'`).
    queue(threadId: string, body: RunStreamCreateBody, ifBusy: Exclude<IfBusy, 'throw'>): Promise<void> {
      const queued = queue.add(threadId, body, ifBusy)
      if (ifBusy === 'cancel' && rt.busy()) {
        rt.session!.cancelling = true // if its create is still in flight, its run is cancelled once it exists
        void rt.cancel()
      }
      next()
      rt.publish()
      return queued
    },
    // Drops follow-ups (see `queue.drop`), and the one whose create is in flight without a run yet.
    dropFollowUps(reason: QueuedRunDropReason, keep?: (run: QueuedRun) => boolean): boolean {
      const s = rt.session
      return queue.drop(reason, keep, s && !s.runId ? s.followUp : null)
    },
  }
}
