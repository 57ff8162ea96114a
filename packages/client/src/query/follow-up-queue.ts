// Owns the follow-up queue: creates made while a run is active, kept in order until the controller sends them.
// The follow-ups of `useRunStream`: creates made with `ifBusy: 'queue' | 'cancel'`, kept in order (FIFO) while a
// run is active and sent one after another as each run ends. Every promise settles: once sent it settles as a
// direct create does, else it rejects with the API error (the body kept in `unsent`) or with a
// `QueuedRunDroppedError` (the body on the error), never left pending. The controller decides when to send.
import type { CreateRunParams } from '../core/index.ts'
import { OaiRunsError } from '../core/index.ts'

/** The body of `useRunStream().create` (the hook sets `stream` itself). */
export type RunStreamCreateBody = Omit<CreateRunParams, 'stream'>

/**
 * What `create` does while a run is active: throw `StreamBusyError` (`'throw'`), wait until the run is over
 * (`'queue'`), or cancel the run and then send (`'cancel'`).
 */
export type IfBusy = 'throw' | 'queue' | 'cancel'

/** A follow-up waiting for its turn: what `create` was called with. */
export type QueuedRun = { readonly id: string; readonly threadId: string; readonly body: RunStreamCreateBody }

/** A follow-up whose create failed, with the error; its body is kept here so a UI can restore the text. */
export type UnsentRun = QueuedRun & { readonly error: Error }

/** Why a follow-up was dropped before its run was created. */
export type QueuedRunDropReason = 'dequeued' | 'thread_switched' | 'unmounted' | 'aborted'

/** Rejects a follow-up dropped before its run was created; `queued.body` is what it would have sent. */
export class QueuedRunDroppedError extends OaiRunsError {
  override name = 'QueuedRunDroppedError'
  /** Why it was dropped. */
  declare readonly reason: QueuedRunDropReason
  /** The dropped follow-up (id, thread and body). */
  declare readonly queued: QueuedRun

  constructor(queued: QueuedRun, reason: QueuedRunDropReason) {
    super(`The queued run ${queued.id} was not sent: ${reason.replace('_', ' ')}.`)
    this.queued = queued
    this.reason = reason
  }
}

/** One follow-up and its promise (internal). */
export type FollowUp = {
  run: QueuedRun
  mode: IfBusy
  /** The run the server last named (`ActiveRunError`) and it waited for: named again, it gives up. */
  waited: string | null
  /** Resolves (no error) or rejects its promise; true the first time only. */
  settle: (error?: Error) => boolean
}

/** The queue of one `useRunStream` (internal); `queued` and `unsent` are new arrays only when they change. */
export type FollowUpQueue = ReturnType<typeof createFollowUpQueue>

/** Creates an empty queue. */
export function createFollowUpQueue() {
  let items: FollowUp[] = []
  let count = 0
  const queue = {
    queued: [] as readonly QueuedRun[],
    unsent: [] as readonly UnsentRun[],

    /** Adds a follow-up at the end; the promise settles once (see the module comment). */
    add(threadId: string, body: RunStreamCreateBody, mode: IfBusy): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let settled = false
        const run = { id: `followup_${++count}`, threadId, body }
        set([
          ...items,
          {
            run,
            mode,
            waited: null,
            settle: (error) => {
              if (settled) {
                return false
              }
              settled = true
              error ? reject(error) : resolve()
              return true
            },
          },
        ])
      })
    },

    /** Takes the oldest follow-up out of the queue. */
    shift(): FollowUp | undefined {
      const [first, ...rest] = items
      set(rest)
      return first
    },

    /** Puts a follow-up back at the head (the server named another active run). */
    unshift(item: FollowUp): void {
      set([item, ...items])
    },

    /** Rejects `item` with the error of its create and keeps its body in `unsent` (unless it was dropped). */
    fail(item: FollowUp, error: Error): void {
      if (item.settle(error)) {
        queue.unsent = [...queue.unsent, { ...item.run, error }]
      }
    },

    /**
     * Drops the follow-ups that `keep` refuses (all by default), and `inFlight` (a follow-up sent whose run does
     * not exist yet) if refused too, rejecting each with `QueuedRunDroppedError`; refused `unsent` entries go too.
     * A follow-up already settled stays as it is (`settle` acts once). True when `queued` or `unsent` changed.
     */
    drop(
      reason: QueuedRunDropReason,
      keep = (_run: QueuedRun) => false,
      inFlight: FollowUp | null = null,
    ): boolean {
      const dropped = items.filter((item) => !keep(item.run))
      if (dropped.length > 0) {
        set(items.filter((item) => keep(item.run)))
      }
      const forgotten = !queue.unsent.every(keep)
      if (forgotten) {
        queue.unsent = queue.unsent.filter(keep)
      }
      const changed = dropped.length > 0 || forgotten
      if (inFlight && !keep(inFlight.run)) {
        dropped.push(inFlight)
      }
      for (const item of dropped) {
        item.settle(new QueuedRunDroppedError(item.run, reason))
      }
      return changed
    },

    /** Drops one queued follow-up (rejecting it), or forgets one unsent; a follow-up in flight stays. */
    dequeue(id: string): boolean {
      return queue.drop('dequeued', (run) => run.id !== id)
    },
  }
  function set(next: FollowUp[]): void {
    items = next
    queue.queued = next.map((item) => item.run)
  }
  return queue
}
