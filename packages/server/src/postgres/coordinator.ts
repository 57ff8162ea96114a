// Owns one server instance's runs on a shared Postgres: the run service the routes use (load, lease, flush around
// the synchronous engine), the heartbeat and claim loops, and cancels that reach the instance driving a run.
import { badRequest } from '../http.ts'
import { isActive, type RunService, type RunServiceParts } from '../run-service.ts'
import { endsRunStream } from '../sse.ts'
import type { RunObject } from '../types.ts'
import type { PostgresInstance } from './index.ts'
import { LeaseLostError } from './leases.ts'
import { createWorkingSet } from './write-behind.ts'

/** The channel on which an instance asks the instance driving a run to cancel it (`cancel:<run id>:<0|1>`). */
export const controlChannel = 'oai_runs_control'

/** How an instance coordinates its runs with the others (see {@link createPostgresStore}). */
export interface CoordinatorOptions {
  /** Clock (ms) of leases. @defaultValue Date.now */
  now?: () => number
  /** Pause between claims of runs whose instance died (ms). @defaultValue half the lease TTL */
  claimIntervalMs?: number
  /** Longest wait of a streamed delta before it is written (ms). @defaultValue 15 */
  flushIntervalMs?: number
  /** Deltas that are written together at most. @defaultValue 64 */
  maxBatchEvents?: number
  /** Where failures of background work go (a flush, a heartbeat, a claim). @defaultValue console.error */
  onError?: (error: unknown) => void
}

/** A run this instance has loaded, with what the sweep needs to know about it. */
interface Loaded {
  threadId: string
}

/** Builds one instance's run service on `db` (called by the Postgres store's `attach`). */
export function createCoordinator(
  db: PostgresInstance,
  parts: RunServiceParts,
  options: CoordinatorOptions = {},
): RunService {
  const now = options.now ?? Date.now
  const report = options.onError ?? ((error: unknown) => console.error('oai-runs (postgres):', error))
  const me = db.instanceId
  const loaded = new Map<string, Loaded>()
  /** Runs this instance holds a lease on (taken at start, or by the flush of a resume). */
  const owned = new Set<string>()
  let closed = false

  const set = createWorkingSet({
    db,
    hub: parts.hub,
    now,
    ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    ...(options.maxBatchEvents !== undefined ? { maxBatchEvents: options.maxBatchEvents } : {}),
    onLeaseLost: (runId) => {
      owned.delete(runId)
      engine.abandon(runId)
    },
    onError: (error) => report(error),
  })
  const engine = parts.createEngine(set.store, set.hub)

  async function load(threadId: string, runId: string, reload = true) {
    // A run the engine drives here is newest in the working set: reading it again would go back in time.
    await set.load(threadId, runId, { reload: reload && !engine.driving().includes(runId) })
    loaded.set(runId, { threadId })
  }

  /** The run as the working set has it after `work`, flushed; a lost lease gives the database's run. */
  async function writeThen<T>(runId: string, work: () => T): Promise<T> {
    const result = work()
    await set.flush(runId)
    return result
  }

  async function leaseOf(
    runId: string,
  ): Promise<{ owner: string | null; live: boolean; status: string } | null> {
    const rows = await db.sql<{ owner: string | null; lease_expires_at: string | null; status: string }[]>`
      SELECT owner, lease_expires_at, status FROM runs WHERE id = ${runId}`
    const row = rows[0]
    if (!row) {
      return null
    }
    return {
      owner: row.owner,
      live: row.lease_expires_at !== null && Number(row.lease_expires_at) > now(),
      status: row.status,
    }
  }

  /** Whether another live instance drives the run (then it, not this one, writes the run). */
  async function drivenElsewhere(runId: string): Promise<boolean> {
    const lease = await leaseOf(runId)
    return lease !== null && lease.owner !== null && lease.owner !== me && lease.live
  }

  async function refresh(run: RunObject): Promise<RunObject> {
    const overdue = isActive(run) && run.expires_at !== null && Math.floor(now() / 1000) >= run.expires_at
    if (!overdue || (await drivenElsewhere(run.id))) {
      return run // the instance driving it expires it at its next token
    }
    try {
      await load(run.thread_id, run.id, !engine.driving().includes(run.id))
      const latest = set.store.runs.get(run.thread_id, run.id) ?? run
      return await writeThen(run.id, () => engine.refresh(latest))
    } catch (error) {
      if (error instanceof LeaseLostError) {
        return (await db.data.runs.get(run.thread_id, run.id)) ?? run
      }
      throw error
    }
  }

  /** A submit's flush found the run taken by another instance first: the API's 400 for the run as it now is. */
  async function lostSubmit(threadId: string, runId: string, check: () => void): Promise<never> {
    engine.abandon(runId)
    await load(threadId, runId)
    check() // throws the 400 for the run's current status
    throw badRequest(`Run ${runId} was resumed by another request first.`)
  }

  async function submit(threadId: string, runId: string, accept: () => RunObject, check: () => void) {
    await load(threadId, runId)
    const queued = accept()
    try {
      await set.flush(runId)
    } catch (error) {
      if (error instanceof LeaseLostError) {
        return lostSubmit(threadId, runId, check)
      }
      throw error
    }
    owned.add(runId)
    return queued
  }

  async function cancel(threadId: string, runId: string, losesRace: boolean): Promise<RunObject> {
    if (!engine.driving().includes(runId) && (await drivenElsewhere(runId))) {
      // Another instance drives it: mark it cancelling (its flushes keep that) and tell that instance.
      const rows = await db.sql<{ body: RunObject }[]>`
        UPDATE runs SET status = 'cancelling', body = jsonb_set(body, '{status}', '"cancelling"')
        WHERE id = ${runId} AND status IN ('queued', 'in_progress') RETURNING body`
      const cancelling = rows[0]?.body
      if (cancelling) {
        await db.sql`SELECT pg_notify(${controlChannel}, ${`cancel:${runId}:${losesRace ? 1 : 0}`})`
        return cancelling
      }
    }
    if (!engine.driving().includes(runId)) {
      await load(threadId, runId)
    }
    return writeThen(runId, () => engine.cancel(threadId, runId, losesRace))
  }

  // Cancels asked for by other instances.
  const listening = db.sql
    .listen(controlChannel, (payload) => {
      const [verb, runId, race] = payload.split(':')
      const run = runId ? loaded.get(runId) : undefined
      if (verb !== 'cancel' || !runId || !run || !engine.driving().includes(runId)) {
        return
      }
      cancelHere(run.threadId, runId, race === '1')
    })
    .catch(report)

  function cancelHere(threadId: string, runId: string, losesRace: boolean) {
    const local = set.store.runs.get(threadId, runId)
    if (local && ['queued', 'in_progress', 'requires_action'].includes(local.status)) {
      void writeThen(runId, () => engine.cancel(threadId, runId, losesRace)).catch(report)
    }
  }

  const ttl = db.leases.ttlMs
  // Heartbeats keep this instance's leases; a run missing from the answer was ended or claimed elsewhere. A cancel
  // whose notification was lost is found here too.
  const heartbeat = setInterval(
    () => {
      const runIds = engine.driving().filter((runId) => owned.has(runId))
      if (runIds.length === 0 || closed) {
        return
      }
      void (async () => {
        const kept = new Set(await db.leases.heartbeat(me, runIds, now()))
        for (const runId of runIds) {
          if (!kept.has(runId) && owned.has(runId)) {
            owned.delete(runId)
            engine.abandon(runId)
          }
        }
        const cancelled = await db.sql<{ id: string }[]>`
        SELECT id FROM runs WHERE id IN ${db.sql([...kept])} AND status = 'cancelling'`
        for (const { id } of cancelled) {
          const run = loaded.get(id)
          if (run) {
            cancelHere(run.threadId, id, false)
          }
        }
      })().catch(report)
    },
    Math.max(10, Math.floor(ttl / 3)),
  )
  heartbeat.unref?.()

  // Runs whose instance died are failed (not taken over: see docs/postgres.md), here as anywhere.
  const claim = () => {
    if (!closed) {
      db.leases.claimExpired(me, now()).catch(report)
    }
  }
  const claiming = setInterval(claim, options.claimIntervalMs ?? Math.max(10, Math.floor(ttl / 2)))
  claiming.unref?.()
  claim()

  // Runs that no longer run here leave the working set (a later request loads them afresh).
  const sweeping = setInterval(() => {
    const driving = new Set(engine.driving())
    for (const [runId, { threadId }] of loaded) {
      const run = set.store.runs.get(threadId, runId)
      if (!driving.has(runId) && (!run || !isActive(run) || run.status === 'requires_action')) {
        owned.delete(runId)
        void set
          .flush(runId)
          .then(() => {
            if (!engine.driving().includes(runId)) {
              loaded.delete(runId)
              set.evict(runId)
            }
          })
          .catch(report)
      }
    }
  }, 1000)
  sweeping.unref?.()

  return {
    data: db.data,
    hub: parts.hub,
    refresh,
    async activeRun(threadId) {
      for (const run of await db.data.runs.list(threadId)) {
        if (isActive(run)) {
          const current = await refresh(run)
          if (isActive(current)) {
            return current
          }
        }
      }
      return undefined
    },
    async start(run) {
      await load(run.thread_id, run.id, false)
      if (!(await db.leases.acquire(me, run.id, now()))) {
        throw badRequest(`Run ${run.id} is already being run by another server instance.`)
      }
      owned.add(run.id)
      engine.start(run)
    },
    async checkToolOutputs(threadId, runId, outputs) {
      await load(threadId, runId)
      engine.checkToolOutputs(threadId, runId, outputs)
    },
    submitToolOutputs: (threadId, runId, outputs) =>
      submit(
        threadId,
        runId,
        () => engine.submitToolOutputs(threadId, runId, outputs),
        () => engine.checkToolOutputs(threadId, runId, outputs),
      ),
    async checkToolApprovals(threadId, runId, approvals) {
      await load(threadId, runId)
      engine.checkToolApprovals(threadId, runId, approvals)
    },
    submitToolApprovals: (threadId, runId, approvals) =>
      submit(
        threadId,
        runId,
        () => engine.submitToolApprovals(threadId, runId, approvals),
        () => engine.checkToolApprovals(threadId, runId, approvals),
      ),
    cancel,
    follow: (runId, afterSeq, signal) =>
      db.events.subscribe(runId, afterSeq, { signal, until: (event) => endsRunStream(event.event) }),
    activeRunError: engine.activeRunError,
    messageDuringRunError: engine.messageDuringRunError,
    async close() {
      closed = true
      clearInterval(heartbeat)
      clearInterval(claiming)
      clearInterval(sweeping)
      engine.close()
      await set.close()
      const listener = await listening
      await listener?.unlisten().catch(() => {})
    },
  }
}
