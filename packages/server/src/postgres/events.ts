// Owns a run's event stream between instances: events appended to `run_events` in the writer's transaction (per-run
// seq, bumped under the run's row lock so a run's events commit in seq order), a NOTIFY wake-up that carries only
// `run_id:seq` (NOTIFY payloads stop at 8,000 bytes, and events are bigger), readers that re-read by cursor (so a
// coalesced or missed NOTIFY never loses an event), and retention of ended runs' events.
import type { PostgresSql, Queryable } from './driver.ts'

/** The channel the wake-ups are sent on. */
export const eventsChannel = 'oai_runs_events'

/** An event to append: an SSE event name and its data (the JSON text the stream sends). */
export interface NewRunEvent {
  event: string
  data: string
}

/** A stored event of a run, with its place in the run's stream (1, 2, 3 … without gaps). */
export interface RunEvent extends NewRunEvent {
  seq: number
}

/** Thrown by {@link appendEvents} for a run that is not in the database (its events need the run's row). */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError'
  /** The run. */
  readonly runId: string

  constructor(runId: string) {
    super(
      `No run ${runId} in the database: put the run before appending its events (in the same transaction).`,
    )
    this.runId = runId
  }
}

/**
 * Appends `events` to a run's stream and sends the wake-up, in `sql`'s transaction (one of its own when `sql` is the
 * pool), in one statement: readers see the events and get the NOTIFY only when the writer's state change commits
 * with them.
 * @returns the seq of the last event (the run's current seq when `events` is empty).
 * @throws RunNotFoundError when the run is not in the database.
 */
export async function appendEvents(
  sql: Queryable,
  runId: string,
  events: readonly NewRunEvent[],
  now: number = Date.now(),
): Promise<number> {
  // One statement (one round trip; on the pool its own transaction): bump the run's seq (locking its row until the
  // commit), insert the events numbered from it, queue the wake-up. No row back: the run is not there.
  const count = events.length
  const [row] = await sql<{ last: string }[]>`
    WITH bumped AS (
      UPDATE runs SET event_seq = event_seq + ${count} WHERE id = ${runId} RETURNING event_seq
    ), inserted AS (
      INSERT INTO run_events (run_id, seq, event, data, created_at)
      SELECT ${runId}, bumped.event_seq - ${count} + e.ord, e.event, e.data, ${now}
      FROM bumped, unnest(${sql.array(events.map((event) => event.event))}::text[],
                          ${sql.array(events.map((event) => event.data))}::text[]) WITH ORDINALITY AS e(event, data, ord)
    )
    SELECT event_seq AS last, CASE WHEN ${count} > 0
      THEN pg_notify(${eventsChannel}, ${`${runId}:`} || event_seq) END AS notified
    FROM bumped`
  if (!row) {
    throw new RunNotFoundError(runId)
  }
  return Number(row.last)
}

/**
 * A run's events after `afterSeq`, oldest first, at most `limit`.
 */
export async function readEvents(
  sql: Queryable,
  runId: string,
  afterSeq: number,
  limit = 500,
): Promise<RunEvent[]> {
  const rows = await sql<{ seq: string; event: string; data: string }[]>`
    SELECT seq, event, data FROM run_events WHERE run_id = ${runId} AND seq > ${afterSeq} ORDER BY seq LIMIT ${limit}`
  return rows.map((row) => ({ seq: Number(row.seq), event: row.event, data: row.data }))
}

/** Options of {@link EventFeed.subscribe}. */
export interface SubscribeOptions {
  /** Ends the iterator after the event this answers true for. @defaultValue the `done` event */
  until?: (event: RunEvent) => boolean
  /** Ends the iterator (also while it waits for events). */
  signal?: AbortSignal
}

/** Options of {@link createEventFeed}. */
export interface EventFeedOptions {
  /**
   * A re-read of idle subscriptions this often (ms), a safety net beside the NOTIFY wake-ups; 0 turns it off.
   * @defaultValue 1000
   */
  pollIntervalMs?: number
  /** Events read per query. @defaultValue 500 */
  batchSize?: number
}

/** Live reading of runs' events on one pool: one LISTEN connection shared by every subscription. */
export interface EventFeed {
  /**
   * A run's events after `fromSeq`, in order, without gaps or duplicates: the backlog first, then live ones as they
   * commit. Ends after the `until` event, when the signal aborts, or when the run has ended (or is gone) and every
   * event has been read.
   */
  subscribe(
    runId: string,
    fromSeq?: number,
    options?: SubscribeOptions,
  ): AsyncGenerator<RunEvent, void, undefined>
  /** Stops listening; open subscriptions end. */
  close(): Promise<void>
}

interface Waiter {
  runId: string
  cursor: number
  /** Set by a wake-up that arrived since the last read began. */
  dirty: boolean
  wake: (() => void) | undefined
}

/**
 * Starts reading runs' events on `sql` (LISTEN on {@link eventsChannel} once, on the driver's dedicated listen
 * connection, re-listened by the driver after a reconnect; every subscription re-reads then).
 */
export function createEventFeed(sql: PostgresSql, options: EventFeedOptions = {}): EventFeed {
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const batchSize = options.batchSize ?? 500
  const waiters = new Set<Waiter>()
  let closed = false
  const poke = (waiter: Waiter) => {
    waiter.dirty = true
    const wake = waiter.wake
    waiter.wake = undefined
    wake?.()
  }
  const listening = sql.listen(
    eventsChannel,
    (payload) => {
      const split = payload.lastIndexOf(':')
      const runId = payload.slice(0, split)
      const seq = Number(payload.slice(split + 1))
      for (const waiter of waiters) {
        if (waiter.runId === runId && !(seq <= waiter.cursor)) {
          poke(waiter)
        }
      }
    },
    // On every (re)connect: wake-ups may have been missed while the connection was down.
    () => {
      for (const waiter of waiters) {
        poke(waiter)
      }
    },
  )
  // An unhandled rejection if nobody subscribes; each subscription awaits it too.
  listening.catch(() => {})

  /**
   * `drained` when the run has ended (or is gone) with no event after `cursor` (nothing more will come), `behind`
   * when it has ended with events after `cursor`, `running` otherwise.
   */
  async function runState(runId: string, cursor: number): Promise<'running' | 'drained' | 'behind'> {
    const [run] = await sql<{ ended_at: string | null; event_seq: string }[]>`
      SELECT ended_at, event_seq FROM runs WHERE id = ${runId}`
    if (!run) {
      return 'drained'
    }
    if (run.ended_at === null) {
      return 'running'
    }
    return Number(run.event_seq) <= cursor ? 'drained' : 'behind'
  }

  async function* subscribe(
    runId: string,
    fromSeq = 0,
    subscribeOptions: SubscribeOptions = {},
  ): AsyncGenerator<RunEvent, void, undefined> {
    const until = subscribeOptions.until ?? ((event: RunEvent) => event.event === 'done')
    const signal = subscribeOptions.signal
    const waiter: Waiter = { runId, cursor: fromSeq, dirty: true, wake: undefined }
    let behind = false
    const onAbort = () => poke(waiter)
    signal?.addEventListener('abort', onAbort)
    waiters.add(waiter)
    try {
      await listening
      while (!closed && !signal?.aborted) {
        waiter.dirty = false
        const events = await readEvents(sql, runId, waiter.cursor, batchSize)
        for (const event of events) {
          waiter.cursor = event.seq
          yield event
          if (until(event)) {
            return
          }
        }
        if (events.length === batchSize || waiter.dirty) {
          continue
        }
        // One snapshot of the run's row: its ended_at and event_seq commit together with its last events.
        const state = await runState(runId, waiter.cursor)
        if (state === 'drained') {
          return
        }
        if (state === 'behind') {
          // Ended with events after the cursor: the read raced the final commit (read again), or, when a read after
          // the end found none either, retention deleted them (nothing more will come).
          if (events.length === 0 && behind) {
            return
          }
          behind = true
          continue
        }
        if (!waiter.dirty && !closed && !signal?.aborted) {
          await new Promise<void>((resolve) => {
            const timer = pollIntervalMs > 0 ? setTimeout(resolve, pollIntervalMs) : undefined
            waiter.wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
        }
      }
    } finally {
      waiters.delete(waiter)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  return {
    subscribe,
    close: async () => {
      closed = true
      for (const waiter of waiters) {
        poke(waiter)
      }
      const meta = await listening.catch(() => undefined)
      await meta?.unlisten()
    },
  }
}

/** Options of {@link pruneEvents}. */
export interface RetentionOptions {
  /** How long an ended run's events are kept (ms). @defaultValue 10 minutes */
  retentionMs?: number
  /** The current time (ms). @defaultValue Date.now() */
  now?: number
}

/** The default time an ended run's events are kept: 10 minutes (a reconnecting client can still replay them). */
export const defaultEventRetentionMs = 10 * 60_000

/**
 * Deletes the events of runs that ended (reached a terminal status) more than `retentionMs` ago. A deleted run's
 * events go with it (ON DELETE CASCADE).
 * @returns how many events were deleted.
 */
export async function pruneEvents(sql: Queryable, options: RetentionOptions = {}): Promise<number> {
  const cutoff = (options.now ?? Date.now()) - (options.retentionMs ?? defaultEventRetentionMs)
  const result = await sql`DELETE FROM run_events e USING runs r
    WHERE e.run_id = r.id AND r.ended_at IS NOT NULL AND r.ended_at <= ${cutoff}`
  return result.count
}

/** Options of {@link startEventRetention}. */
export interface EventRetentionOptions {
  /** How long an ended run's events are kept (ms). @defaultValue {@link defaultEventRetentionMs} */
  retentionMs?: number
  /** How often to prune (ms). @defaultValue one minute */
  intervalMs?: number
  /** The clock (ms). @defaultValue Date.now */
  now?: () => number
  /** Told after each prune: how many events it deleted, or why it failed (it is tried again on the next tick). */
  onPrune?: (result: { deleted: number } | { error: unknown }) => void
}

/**
 * Runs {@link pruneEvents} every `intervalMs` until the returned function is called. The timer does not keep the
 * process alive; a prune still running when the next tick comes is not doubled.
 */
export function startEventRetention(sql: Queryable, options: EventRetentionOptions = {}): () => void {
  const now = options.now ?? Date.now
  let running = false
  const timer = setInterval(() => {
    if (running) {
      return
    }
    running = true
    pruneEvents(sql, { retentionMs: options.retentionMs ?? defaultEventRetentionMs, now: now() })
      .then(
        (deleted) => options.onPrune?.({ deleted }),
        (error: unknown) => options.onPrune?.({ error }),
      )
      .finally(() => {
        running = false
      })
  }, options.intervalMs ?? 60_000)
  timer.unref?.()
  return () => clearInterval(timer)
}
