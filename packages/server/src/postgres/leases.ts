// Owns run leases across instances: the instance running a run's model call owns it (`owner`) until
// `lease_expires_at`, extends that with heartbeats, and releases it when the run waits (requires_action) or ends.
// A run whose lease lapsed is claimed by another instance (FOR UPDATE SKIP LOCKED, so claimers never block each
// other nor take the same run) and ended honestly: failed with a clear `last_error` (cancelled when it was being
// cancelled). It is not taken over: continuing needs the dead instance's in-memory state (the model's stream, the
// half-written message, the tool calls in flight), which the database does not have; failing is honest and bounded.

import type { MessageObject, RunObject, RunStepObject } from '../types.ts'
import { inTransaction, type Queryable } from './driver.ts'
import { appendEvents, type NewRunEvent } from './events.ts'
import { createPostgresData } from './store.ts'

/** The `last_error` of a run failed because the instance running it stopped heartbeating. */
export const lapsedLeaseError = {
  code: 'server_error' as const,
  message:
    'The server instance running this run stopped (its lease expired without a heartbeat: it exited, was killed ' +
    'or lost the database), so the model call was lost. Another instance marked the run failed; start a new run ' +
    'to continue.',
}

/** The statuses in which a run has a model call (or its cancellation) in flight, so an owner. */
export const leasedRunStatuses = ['queued', 'in_progress', 'cancelling'] as const

/** Thrown by {@link Leases.fence} when this instance no longer owns the run: stop its model call, write nothing. */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError'
  /** The run. */
  readonly runId: string
  /** The instance that lost it. */
  readonly instanceId: string

  constructor(instanceId: string, runId: string) {
    super(
      `Instance ${instanceId} no longer owns run ${runId} (its lease lapsed and another instance ended the run, or ` +
        'the run ended): stop its model call and write nothing more for it.',
    )
    this.runId = runId
    this.instanceId = instanceId
  }
}

/** A run another instance's lapsed lease left, as {@link Leases.claimExpired} ended it. */
export interface ClaimedRun {
  /** The run after the claim: failed (cancelled when it was cancelling). */
  run: RunObject
  /** The instance whose lease lapsed. */
  previousOwner: string
  /** The status it had. */
  previousStatus: RunObject['status']
}

/** Options of {@link createLeases}. */
export interface LeaseOptions {
  /** How long a lease lasts from its last heartbeat (ms). Heartbeat at a third of it. @defaultValue 30_000 */
  ttlMs?: number
}

/** Run leases on one pool or transaction; every call takes the time (`now`, ms) so tests control it. */
export interface Leases {
  /** The lease length (ms). */
  readonly ttlMs: number
  /**
   * Takes a run for `instanceId` until `now + ttlMs`: only a queued, in-progress or cancelling run that nobody
   * owns (or that this instance owns). A lapsed lease of another instance is never taken: see claimExpired.
   * @returns whether this instance owns the run now.
   */
  acquire(instanceId: string, runId: string, now: number): Promise<boolean>
  /**
   * Extends this instance's leases on `runIds` to `now + ttlMs`.
   * @returns the runs it still owns; one missing was claimed (or ended) elsewhere: stop its model call.
   */
  heartbeat(instanceId: string, runIds: readonly string[], now: number): Promise<string[]>
  /**
   * Fencing, for the start of each write transaction of an owner: locks the run's row (until that transaction
   * ends) and checks this instance still owns it, so a run another instance has claimed is never written to by
   * its old owner (alive after all, but too late with its heartbeat).
   * @throws LeaseLostError when the run is not (or no longer) this instance's.
   */
  fence(instanceId: string, runId: string): Promise<void>
  /** Gives a run up (it waits for tool outputs, or ended). @returns whether this instance owned it. */
  release(instanceId: string, runId: string): Promise<boolean>
  /**
   * Ends up to `limit` runs whose lease lapsed before `now` (their owner stopped heartbeating): each failed with
   * {@link lapsedLeaseError} (cancelled when it was cancelling), its open steps and messages closed, and its stream
   * given the end events, all in one transaction per call. Concurrent claimers skip each other's rows.
   */
  claimExpired(instanceId: string, now: number, limit?: number): Promise<ClaimedRun[]>
}

const zeroUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }

/** Closes a run whose owner is gone: its open steps and messages, then the run; answers the events to append. */
async function endLapsed(
  tx: Queryable,
  run: RunObject,
  now: number,
): Promise<{ run: RunObject; events: NewRunEvent[] }> {
  const data = createPostgresData(tx, { now: () => now })
  const at = Math.floor(now / 1000)
  const cancelled = run.status === 'cancelling'
  const events: NewRunEvent[] = []
  for (const step of await data.steps.list(run.id)) {
    if (step.status === 'in_progress') {
      const closed: RunStepObject = cancelled
        ? { ...step, status: 'cancelled', cancelled_at: at }
        : { ...step, status: 'failed', failed_at: at, last_error: lapsedLeaseError }
      closed.usage = step.usage ?? zeroUsage
      await data.steps.put(run.id, closed)
      events.push({ event: `thread.run.step.${closed.status}`, data: JSON.stringify(closed) })
    }
  }
  for (const message of await data.messages.list(run.thread_id)) {
    if (message.run_id === run.id && message.status === 'in_progress') {
      const closed: MessageObject = {
        ...message,
        status: 'incomplete',
        incomplete_at: at,
        incomplete_details: { reason: cancelled ? 'run_cancelled' : 'run_failed' },
      }
      await data.messages.put(run.thread_id, closed)
      events.push({ event: 'thread.message.incomplete', data: JSON.stringify(closed) })
    }
  }
  const ended: RunObject = cancelled
    ? { ...run, status: 'cancelled', cancelled_at: at, required_action: null, usage: run.usage ?? zeroUsage }
    : {
        ...run,
        status: 'failed',
        failed_at: at,
        required_action: null,
        last_error: lapsedLeaseError,
        usage: run.usage ?? zeroUsage,
      }
  await data.runs.put(run.thread_id, ended)
  events.push(
    { event: `thread.run.${ended.status}`, data: JSON.stringify(ended) },
    { event: 'done', data: '[DONE]' },
  )
  return { run: ended, events }
}

/** Creates the lease operations on `sql` (a pool, or a transaction to take a lease with the write that needs it). */
export function createLeases(sql: Queryable, options: LeaseOptions = {}): Leases {
  const ttlMs = options.ttlMs ?? 30_000
  return {
    ttlMs,
    acquire: async (instanceId, runId, now) => {
      const rows = await sql`UPDATE runs SET owner = ${instanceId}, lease_expires_at = ${now + ttlMs}
        WHERE id = ${runId} AND status IN ${sql(leasedRunStatuses)} AND (owner IS NULL OR owner = ${instanceId})
        RETURNING id`
      return rows.length === 1
    },
    heartbeat: async (instanceId, runIds, now) => {
      if (runIds.length === 0) {
        return []
      }
      const rows = await sql<{ id: string }[]>`UPDATE runs SET lease_expires_at = ${now + ttlMs}
        WHERE id IN ${sql(runIds)} AND owner = ${instanceId} AND status IN ${sql(leasedRunStatuses)}
        RETURNING id`
      return rows.map((row) => row.id)
    },
    fence: async (instanceId, runId) => {
      const rows = await sql`SELECT 1 FROM runs WHERE id = ${runId} AND owner = ${instanceId} FOR UPDATE`
      if (rows.length === 0) {
        throw new LeaseLostError(instanceId, runId)
      }
    },
    release: async (instanceId, runId) => {
      const rows = await sql`UPDATE runs SET owner = NULL, lease_expires_at = NULL
        WHERE id = ${runId} AND owner = ${instanceId} RETURNING id`
      return rows.length === 1
    },
    claimExpired: (instanceId, now, limit = 100) =>
      inTransaction(sql, async (tx) => {
        const lapsed = await tx<{ owner: string; body: RunObject }[]>`
          SELECT owner, body FROM runs
          WHERE owner IS NOT NULL AND lease_expires_at <= ${now} AND status IN ${tx(leasedRunStatuses)}
            AND owner <> ${instanceId}
          ORDER BY lease_expires_at LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`
        const claimed: ClaimedRun[] = []
        for (const row of lapsed) {
          const { run, events } = await endLapsed(tx, row.body, now)
          await tx`UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE id = ${run.id}`
          await appendEvents(tx, run.id, events, now)
          claimed.push({ run, previousOwner: row.owner, previousStatus: row.body.status })
        }
        return claimed
      }),
  }
}
