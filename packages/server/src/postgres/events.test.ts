// Event fan-out between instances on a real throwaway cluster: a writer on one pool, readers on another, events in
// order without gaps or duplicates (live, late joiners, coalesced and missed wake-ups), ends, and retention. The
// feeds here never poll (pollIntervalMs: 0): every live event reaches a reader through a NOTIFY wake-up.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import type { RunObject } from '../types.ts'
import { connectPostgres, type PostgresSql } from './driver.ts'
import {
  appendEvents,
  createEventFeed,
  type EventFeed,
  eventsChannel,
  type NewRunEvent,
  pruneEvents,
  type RunEvent,
  RunNotFoundError,
  startEventRetention,
} from './events.ts'
import { migrate } from './migrate.ts'
import { createPostgresData, type PostgresData } from './store.ts'

let db: TestDatabase
let writer: PostgresSql
let reader: PostgresSql
let data: PostgresData
let feed: EventFeed
let counter = 0

const delta = (i: number): NewRunEvent => ({ event: 'thread.message.delta', data: JSON.stringify({ i }) })
const done: NewRunEvent = { event: 'done', data: '[DONE]' }

async function newRun(status: RunObject['status'] = 'in_progress'): Promise<RunObject> {
  counter++
  const run = {
    id: `run_ev${counter}`,
    object: 'thread.run',
    created_at: 1,
    thread_id: `thread_ev${counter}`,
    status,
  }
  await data.runs.put(run.thread_id, run as RunObject)
  return run as RunObject
}

/** Reads `count` events of a subscription, leaving it open (or all until it ends, when count is undefined). */
async function take(events: AsyncGenerator<RunEvent>, count = Number.POSITIVE_INFINITY): Promise<RunEvent[]> {
  const got: RunEvent[] = []
  while (got.length < count) {
    const next = await events.next()
    if (next.done) {
      break
    }
    got.push(next.value)
  }
  return got
}

const seqs = (events: RunEvent[]) => events.map((event) => event.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

beforeAll(async () => {
  db = await createTestDatabase()
  writer = await connectPostgres(db.url)
  reader = await connectPostgres(db.url)
  await migrate(writer)
  data = createPostgresData(writer)
  feed = createEventFeed(reader, { pollIntervalMs: 0 })
}, clusterStart)
afterAll(async () => {
  await feed?.close()
  await writer?.end()
  await reader?.end()
  await db?.drop()
})

describe('a writer on one pool, a reader on another', { timeout: 60_000 }, () => {
  test('1,000 live events arrive in order, each once, and the stream ends at done', async () => {
    const run = await newRun()
    const reading = take(feed.subscribe(run.id))
    for (let i = 1; i <= 1000; i++) {
      // Mostly one event per transaction (as a token delta is), sometimes a batch.
      const batch = i % 100 === 0 ? [delta(i), delta(i + 0.5)] : [delta(i)]
      await appendEvents(writer, run.id, batch)
    }
    await appendEvents(writer, run.id, [done])
    const got = await reading
    expect(got).toHaveLength(1000 + 10 + 1)
    expect(seqs(got)).toEqual(range(1, 1011))
    expect(got.at(-1)).toEqual({ seq: 1011, event: 'done', data: '[DONE]' })
    expect(
      got.filter((event) => event.event === 'thread.message.delta').map((e) => JSON.parse(e.data).i),
    ).toEqual(range(1, 1000).flatMap((i) => (i % 100 === 0 ? [i, i + 0.5] : [i])))
  })

  test('a reader that joins late gets the backlog first, then the live events', async () => {
    const run = await newRun()
    for (let i = 1; i <= 500; i++) {
      await appendEvents(writer, run.id, [delta(i)])
    }
    const events = feed.subscribe(run.id)
    const backlog = await take(events, 500)
    expect(seqs(backlog)).toEqual(range(1, 500))
    const live = take(events)
    for (let i = 501; i <= 1000; i++) {
      await appendEvents(writer, run.id, [delta(i)])
    }
    await appendEvents(writer, run.id, [done])
    expect(seqs(await live)).toEqual(range(501, 1001))
  })

  test('from a seq: only what follows it', async () => {
    const run = await newRun()
    await appendEvents(writer, run.id, range(1, 20).map(delta))
    const events = feed.subscribe(run.id, 15)
    expect(seqs(await take(events, 5))).toEqual(range(16, 20))
    await events.return()
  })

  test('one transaction of 300 events (one NOTIFY) and events whose NOTIFY was lost: none is skipped', async () => {
    const run = await newRun()
    const reading = take(feed.subscribe(run.id))
    await appendEvents(writer, run.id, range(1, 300).map(delta))
    // Events committed without a wake-up (a lost NOTIFY): the next wake-up re-reads from the cursor.
    await writer.begin(async (tx) => {
      await tx`UPDATE runs SET event_seq = event_seq + 2 WHERE id = ${run.id}`
      await tx`INSERT INTO run_events (run_id, seq, event, data, created_at)
        VALUES (${run.id}, 301, 'silent', '{}', 0), (${run.id}, 302, 'silent', '{}', 0)`
    })
    await appendEvents(writer, run.id, [delta(303), done])
    const got = await reading
    expect(seqs(got)).toEqual(range(1, 304))
    expect(got.slice(300, 302).map((event) => event.event)).toEqual(['silent', 'silent'])
  })

  test('the listen connection dies (its wake-ups are lost): after the reconnect, the reader catches up', async () => {
    const run = await newRun()
    const events = feed.subscribe(run.id)
    await appendEvents(writer, run.id, [delta(1)])
    expect(seqs(await take(events, 1))).toEqual([1])
    const killed = await writer`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
      WHERE datname = current_database() AND query ILIKE 'listen%' AND pid <> pg_backend_pid()`
    expect(killed.map((row) => row.ok)).toEqual([true])
    // Written while the reader may have no listen connection: their NOTIFYs can reach nobody.
    await appendEvents(writer, run.id, range(2, 50).map(delta))
    await appendEvents(writer, run.id, [done])
    expect(seqs(await take(events))).toEqual(range(2, 51))
  })

  test('two readers on two pools both get every event', async () => {
    const third = await connectPostgres(db.url)
    const otherFeed = createEventFeed(third, { pollIntervalMs: 0 })
    try {
      const run = await newRun()
      const readings = [take(feed.subscribe(run.id)), take(otherFeed.subscribe(run.id))]
      for (let i = 1; i <= 100; i++) {
        await appendEvents(writer, run.id, [delta(i)])
      }
      await appendEvents(writer, run.id, [done])
      for (const got of await Promise.all(readings)) {
        expect(seqs(got)).toEqual(range(1, 101))
      }
    } finally {
      await otherFeed.close()
      await third.end()
    }
  })

  test('an event bigger than a NOTIFY payload can carry (8,000 bytes) travels whole', async () => {
    const run = await newRun()
    const big = { event: 'thread.message.completed', data: JSON.stringify({ text: 'x'.repeat(100_000) }) }
    const reading = take(feed.subscribe(run.id))
    await appendEvents(writer, run.id, [big, done])
    const [first] = await reading
    expect(first?.data).toBe(big.data)
    // What a NOTIFY carries is only `run_id:seq`.
    const payloads: string[] = []
    const listening = await reader.listen(eventsChannel, (payload) => payloads.push(payload))
    await appendEvents(writer, run.id, [delta(1)])
    // The wake-up arrives after the commit; a read on the listen side makes sure it has been processed. The wake-up
    // of the append before (`:2`) may come late on the same listening connection: the subscription can have read
    // those rows before it arrived. So wait for this append's, and check what came besides it.
    while (!payloads.includes(`${run.id}:3`)) {
      await reader`SELECT 1`
    }
    await listening.unlisten()
    expect(payloads.filter((payload) => payload !== `${run.id}:2`)).toEqual([`${run.id}:3`])
  })
})

describe('ends', () => {
  test('a run that ended: the stream ends after its last event, also without a done event', async () => {
    const run = await newRun()
    const reading = take(feed.subscribe(run.id, 0, { until: () => false }))
    await appendEvents(writer, run.id, [delta(1), delta(2)])
    await data.transaction(async (tx) => {
      await tx.runs.put(run.thread_id, { ...run, status: 'completed' })
      await appendEvents(tx.sql, run.id, [{ event: 'thread.run.completed', data: '{}' }])
    })
    expect(seqs(await reading)).toEqual([1, 2, 3])
    expect(await take(feed.subscribe(run.id, 3))).toEqual([])
  })

  test('an abort signal ends a waiting subscription; an unknown run ends at once', async () => {
    const run = await newRun()
    const controller = new AbortController()
    const events = feed.subscribe(run.id, 0, { signal: controller.signal })
    await appendEvents(writer, run.id, [delta(1)])
    expect(seqs(await take(events, 1))).toEqual([1])
    const waiting = events.next() // nothing more has been written: it waits for a wake-up
    controller.abort()
    expect(await waiting).toEqual({ done: true, value: undefined })
    expect(await take(feed.subscribe('run_unknown'))).toEqual([])
  })

  test('appending to a run that is not stored is a typed error; appending nothing answers the current seq', async () => {
    await expect(appendEvents(writer, 'run_missing', [delta(1)])).rejects.toBeInstanceOf(RunNotFoundError)
    const run = await newRun()
    await appendEvents(writer, run.id, [delta(1), delta(2)])
    expect(await appendEvents(writer, run.id, [])).toBe(2)
    expect(await appendEvents(writer, run.id, [delta(3)])).toBe(3)
  })
})

describe('retention', () => {
  test("an ended run's events are deleted once older than the retention; running runs keep theirs", async () => {
    const clock = { now: 1_000_000 }
    const timed = createPostgresData(writer, { now: () => clock.now })
    const ended = await newRun()
    const running = await newRun()
    await appendEvents(writer, ended.id, [delta(1), done])
    await appendEvents(writer, running.id, [delta(1)])
    await timed.runs.put(ended.thread_id, { ...ended, status: 'completed' })
    const count = async (runId: string) =>
      Number((await writer`SELECT count(*) AS n FROM run_events WHERE run_id = ${runId}`)[0]?.n)
    expect(await pruneEvents(writer, { retentionMs: 60_000, now: clock.now + 59_999 })).toBe(0)
    expect(await pruneEvents(writer, { retentionMs: 60_000, now: clock.now + 60_000 })).toBe(2)
    expect(await count(ended.id)).toBe(0)
    expect(await count(running.id)).toBe(1)
    // A late reader of the pruned run is not left waiting.
    expect(await take(feed.subscribe(ended.id))).toEqual([])
    // A deleted run's events go with it.
    await data.runs.delete(running.thread_id, running.id)
    expect(await count(running.id)).toBe(0)
  })

  test('the retention timer prunes on its own and reports what it deleted', async () => {
    const clock = { now: 5_000_000 }
    const run = await newRun()
    await appendEvents(writer, run.id, [delta(1), delta(2), done])
    await createPostgresData(writer, { now: () => clock.now }).runs.put(run.thread_id, {
      ...run,
      status: 'failed',
    })
    clock.now += 60_000
    const results: unknown[] = []
    const pruned = new Promise<void>((resolve) => {
      const stop = startEventRetention(writer, {
        retentionMs: 60_000,
        intervalMs: 1,
        now: () => clock.now,
        onPrune: (result) => {
          results.push(result)
          if ('deleted' in result && result.deleted > 0) {
            stop()
            resolve()
          }
        },
      })
    })
    await pruned
    expect(results.at(-1)).toEqual({ deleted: 3 })
  })
})
