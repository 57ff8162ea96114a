// Run leases between two instances (two pools) on a real throwaway cluster, with a fake clock passed as `now`:
// acquiring, heartbeats, a lapsed lease claimed and failed honestly (steps, messages, stream, thread freed),
// fencing of the old owner, and claimers that never block each other nor take the same run.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import type { MessageObject, RunObject, RunStepObject } from '../types.ts'
import { connectPostgres, type PostgresSql } from './driver.ts'
import { appendEvents, createEventFeed, readEvents } from './events.ts'
import { createLeases, LeaseLostError, lapsedLeaseError } from './leases.ts'
import { migrate } from './migrate.ts'
import { createPostgresData, type PostgresData } from './store.ts'

let db: TestDatabase
let poolA: PostgresSql
let poolB: PostgresSql
let data: PostgresData
let counter = 0
const ttlMs = 30_000
const t0 = Date.UTC(2026, 0, 1)

async function newRun(status: RunObject['status'] = 'in_progress'): Promise<RunObject> {
  counter++
  const run = {
    id: `run_l${counter}`,
    object: 'thread.run',
    created_at: 1,
    thread_id: `thread_l${counter}`,
    status,
    usage: null,
    last_error: null,
  } as unknown as RunObject
  await data.runs.put(run.thread_id, run)
  return run
}

beforeAll(async () => {
  db = await createTestDatabase()
  poolA = await connectPostgres(db.url)
  poolB = await connectPostgres(db.url)
  await migrate(poolA)
  data = createPostgresData(poolA)
}, clusterStart)
// Each test's leases end with it: a later test's claims (at a later fake time) would take them too.
afterEach(async () => {
  await poolA`UPDATE runs SET owner = NULL, lease_expires_at = NULL`
})
afterAll(async () => {
  await poolA?.end()
  await poolB?.end()
  await db?.drop()
})

describe('owning a run', () => {
  test('only an unowned queued, in-progress or cancelling run can be acquired; the owner can again', async () => {
    const a = createLeases(poolA, { ttlMs })
    const b = createLeases(poolB, { ttlMs })
    const run = await newRun()
    expect(await a.acquire('a', run.id, t0)).toBe(true)
    expect(await b.acquire('b', run.id, t0)).toBe(false)
    expect(await a.acquire('a', run.id, t0 + 1)).toBe(true)
    // Even once the lease lapsed, b does not take it over (only claimExpired ends it).
    expect(await b.acquire('b', run.id, t0 + 10 * ttlMs)).toBe(false)
    const waiting = await newRun('requires_action')
    expect(await a.acquire('a', waiting.id, t0)).toBe(false)
    expect(await a.release('a', run.id)).toBe(true)
    expect(await a.release('a', run.id)).toBe(false)
    expect(await b.acquire('b', run.id, t0)).toBe(true)
  })

  test('heartbeats keep a lease alive; a claim fails the run once they stop; the old owner is fenced off', async () => {
    const a = createLeases(poolA, { ttlMs })
    const b = createLeases(poolB, { ttlMs })
    const run = await newRun()
    const other = await newRun()
    expect(await a.acquire('a', run.id, t0)).toBe(true)
    expect(await a.acquire('a', other.id, t0)).toBe(true)
    const step = {
      id: `step_l${counter}`,
      object: 'thread.run.step',
      run_id: run.id,
      thread_id: run.thread_id,
      created_at: 1,
      status: 'in_progress',
      usage: null,
    } as unknown as RunStepObject
    const message = {
      id: `msg_l${counter}`,
      object: 'thread.message',
      thread_id: run.thread_id,
      run_id: run.id,
      created_at: 1,
      status: 'in_progress',
    } as unknown as MessageObject
    await data.transaction(async (tx) => {
      await tx.steps.put(run.id, step)
      await tx.messages.put(run.thread_id, message)
      await appendEvents(tx.sql, run.id, [{ event: 'thread.run.step.created', data: '{}' }])
    })
    // a heartbeats at +20s (its leases now run to +50s); b claims at +40s: nothing has lapsed.
    expect((await a.heartbeat('a', [run.id, other.id, 'run_unknown'], t0 + 20_000)).sort()).toEqual(
      [run.id, other.id].sort(),
    )
    expect(await b.claimExpired('b', t0 + 40_000)).toEqual([])
    // a keeps heartbeating only `other`; at +50s the lease of `run` has lapsed.
    expect(await a.heartbeat('a', [other.id], t0 + 45_000)).toEqual([other.id])
    const claimed = await b.claimExpired('b', t0 + 50_000)
    expect(claimed.map((c) => [c.run.id, c.previousOwner, c.previousStatus])).toEqual([
      [run.id, 'a', 'in_progress'],
    ])
    const failed = await data.runs.get(run.thread_id, run.id)
    expect(failed).toMatchObject({
      status: 'failed',
      failed_at: Math.floor((t0 + 50_000) / 1000),
      last_error: lapsedLeaseError,
    })
    expect(claimed[0]?.run).toEqual(failed)
    expect(await data.steps.get(run.id, step.id)).toMatchObject({
      status: 'failed',
      last_error: lapsedLeaseError,
    })
    expect(await data.messages.get(run.thread_id, message.id)).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'run_failed' },
    })
    // Its stream got the end, so readers on any instance stop.
    const events = await readEvents(poolB, run.id, 0)
    expect(events.map((event) => event.event)).toEqual([
      'thread.run.step.created',
      'thread.run.step.failed',
      'thread.message.incomplete',
      'thread.run.failed',
      'done',
    ])
    const feed = createEventFeed(poolB, { pollIntervalMs: 0 })
    const replay = []
    for await (const event of feed.subscribe(run.id, 1)) {
      replay.push(event.event)
    }
    await feed.close()
    expect(replay.at(-1)).toBe('done')
    // The old owner learns it lost the run, and cannot write to it.
    expect(await a.heartbeat('a', [run.id, other.id], t0 + 55_000)).toEqual([other.id])
    await expect(data.transaction((tx) => createLeases(tx.sql).fence('a', run.id))).rejects.toBeInstanceOf(
      LeaseLostError,
    )
    await data.transaction((tx) => createLeases(tx.sql).fence('a', other.id))
    // The thread is free for a new run.
    await data.runs.put(run.thread_id, { ...run, id: `${run.id}_next`, status: 'queued' })
  })

  test('a cancelling run whose owner is gone ends cancelled; a released (waiting) run is never claimed', async () => {
    const a = createLeases(poolA, { ttlMs })
    const b = createLeases(poolB, { ttlMs })
    const cancelling = await newRun('cancelling')
    const waiting = await newRun('in_progress')
    expect(await a.acquire('a', cancelling.id, t0)).toBe(true)
    expect(await a.acquire('a', waiting.id, t0)).toBe(true)
    await data.runs.put(waiting.thread_id, { ...waiting, status: 'requires_action' })
    expect(await a.release('a', waiting.id)).toBe(true)
    const claimed = await b.claimExpired('b', t0 + 10 * ttlMs)
    expect(claimed.map((c) => [c.run.id, c.run.status])).toEqual([[cancelling.id, 'cancelled']])
    expect(await data.runs.get(waiting.thread_id, waiting.id)).toMatchObject({ status: 'requires_action' })
    // An instance never claims its own runs (it would still be running them).
    const own = await newRun()
    expect(await a.acquire('a', own.id, t0)).toBe(true)
    expect(await a.claimExpired('a', t0 + 10 * ttlMs)).toEqual([])
    expect((await b.claimExpired('b', t0 + 10 * ttlMs)).map((c) => c.run.id)).toEqual([own.id])
  })
})

describe('claimers', () => {
  test('a run locked by another transaction is skipped, not waited for; it is claimed once free', async () => {
    const dead = createLeases(poolA, { ttlMs })
    const runs = [await newRun(), await newRun(), await newRun()]
    for (const run of runs) {
      expect(await dead.acquire('dead', run.id, t0)).toBe(true)
    }
    const locked = runs[1]!
    const later = t0 + 2 * ttlMs
    const first = await poolA.begin(async (tx) => {
      await tx`SELECT 1 FROM runs WHERE id = ${locked.id} FOR UPDATE`
      // Inside the lock: b's claim answers at once, without the locked run.
      return createLeases(poolB, { ttlMs }).claimExpired('b', later)
    })
    expect(first.map((c) => c.run.id).sort()).toEqual([runs[0]!.id, runs[2]!.id].sort())
    expect((await createLeases(poolB, { ttlMs }).claimExpired('b', later)).map((c) => c.run.id)).toEqual([
      locked.id,
    ])
  })

  test('two instances claiming at once take disjoint runs that together are all the lapsed ones', async () => {
    const dead = createLeases(poolA, { ttlMs })
    const runs: RunObject[] = []
    for (let i = 0; i < 30; i++) {
      const run = await newRun()
      runs.push(run)
      expect(await dead.acquire('dead', run.id, t0)).toBe(true)
    }
    const later = t0 + 2 * ttlMs
    const b = createLeases(poolB, { ttlMs })
    const c = createLeases(poolA, { ttlMs })
    const rounds = await Promise.all([
      b.claimExpired('b', later, 5),
      c.claimExpired('c', later, 5),
      b.claimExpired('b', later),
      c.claimExpired('c', later),
    ])
    const ids = rounds.flat().map((claim) => claim.run.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.sort()).toEqual(runs.map((run) => run.id).sort())
  })
})
