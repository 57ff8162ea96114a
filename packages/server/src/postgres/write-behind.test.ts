// The working set's writes on a real throwaway cluster, driven as the engine drives it (puts and emits on its
// synchronous store and hub): many runs' batches committed in one transaction, a run's events in order, streaming
// bodies held back until due or flushed, a NUL in model text (which jsonb refuses), and one run whose data the
// database refuses while the others' writes go on. Counts and orders only, no timings.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import { createEventHub } from '../events.ts'
import type { MessageObject, RunObject, StreamEvent, ThreadObject } from '../types.ts'
import { readEvents } from './events.ts'
import { openPostgres, type PostgresInstance } from './index.ts'
import { createWorkingSet, type WorkingSet } from './write-behind.ts'

let database: TestDatabase
let db: PostgresInstance
let counter = 0
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  db = await openPostgres(database.url)
}, clusterStart)
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup()
  }
})
afterAll(async () => {
  await db?.close()
  await database?.drop()
})

function workingSet(options: Partial<Parameters<typeof createWorkingSet>[0]> = {}) {
  const hub = createEventHub()
  const set = createWorkingSet({ db, hub, ...options })
  cleanups.push(() => set.close())
  return { set, hub }
}

/** A thread with a queued run, in the database, loaded into `set`. */
async function seedRun(set: WorkingSet) {
  counter++
  const thread = { id: `thread_wb${counter}`, object: 'thread', created_at: 1, metadata: {} } as ThreadObject
  const run = {
    id: `run_wb${counter}`,
    object: 'thread.run',
    created_at: 1,
    thread_id: thread.id,
    assistant_id: 'asst_none',
    status: 'queued',
    metadata: {},
    usage: null,
    last_error: null,
  } as unknown as RunObject
  await db.data.threads.put(thread)
  await db.data.runs.put(thread.id, run)
  await set.load(thread.id, run.id)
  return { thread, run }
}

function message(threadId: string, runId: string, text: string, status = 'in_progress'): MessageObject {
  return {
    id: `msg_${runId}`,
    object: 'thread.message',
    created_at: 2,
    thread_id: threadId,
    run_id: runId,
    assistant_id: 'asst_none',
    role: 'assistant',
    status,
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    attachments: [],
    metadata: {},
  } as unknown as MessageObject
}

const delta = (id: string, value: string): StreamEvent =>
  ({
    event: 'thread.message.delta',
    data: {
      id,
      object: 'thread.message.delta',
      delta: { content: [{ index: 0, type: 'text', text: { value } }] },
    },
  }) as unknown as StreamEvent

/** What the engine does for one token: the message rewritten with the text so far, and its delta. */
function token(set: WorkingSet, threadId: string, runId: string, text: string, value: string) {
  set.store.messages.put(threadId, message(threadId, runId, text))
  set.hub.emit(runId, delta(`msg_${runId}`, value))
}

const storedText = async (threadId: string, runId: string) => {
  const stored = await db.data.messages.get(threadId, `msg_${runId}`)
  const part = stored?.content[0]
  return part?.type === 'text' ? part.text.value : undefined
}

const deltaValues = async (runId: string) =>
  (await readEvents(db.sql, runId, 0, 10_000))
    .filter((event) => event.event === 'thread.message.delta')
    .map((event) => JSON.parse(event.data).delta.content[0].text.value as string)

test("twenty runs streaming at once share transactions, and each run's events are stored in order", async () => {
  const { set } = workingSet()
  const seeded = await Promise.all(Array.from({ length: 20 }, () => seedRun(set)))
  const texts = new Map<string, string>()
  for (let index = 0; index < 30; index++) {
    for (const { thread, run } of seeded) {
      const text = `${texts.get(run.id) ?? ''} t${index}`
      texts.set(run.id, text)
      token(set, thread.id, run.id, text, ` t${index}`)
    }
    if (index % 10 === 9) {
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  await Promise.all(seeded.map(({ run }) => set.flush(run.id)))
  const stats = set.stats()
  expect(stats.events).toBe(20 * 30)
  // 600 events of 20 runs: every run's batch of a pump goes in one transaction, so there are far fewer
  // transactions than batches (one transaction per run's batch would make them equal).
  expect(stats.batches).toBeGreaterThanOrEqual(20)
  expect(stats.groups).toBeLessThanOrEqual(stats.batches / 4)
  for (const { thread, run } of seeded) {
    const values = await deltaValues(run.id)
    expect(values).toEqual(Array.from({ length: 30 }, (_, index) => ` t${index}`))
    expect(await storedText(thread.id, run.id)).toBe(texts.get(run.id))
  }
})

test('a streaming body waits for its interval, while its deltas are stored and published at once; a flush writes it', async () => {
  const { set, hub } = workingSet({ bodyIntervalMs: 600_000 })
  const { thread, run } = await seedRun(set)
  const received: string[] = []
  hub.subscribe(run.id, (event) => received.push(event.event))
  // The message's first write is a new object: written with its batch.
  set.store.messages.put(thread.id, message(thread.id, run.id, ''))
  set.hub.emit(run.id, {
    event: 'thread.message.created',
    data: message(thread.id, run.id, ''),
  } as StreamEvent)
  await set.flush(run.id)
  expect(await storedText(thread.id, run.id)).toBe('')
  const published = new Promise<void>((resolve) =>
    hub.subscribe(run.id, (event) => {
      if (received.length === 1 + 3 && event.event === 'thread.message.delta') {
        resolve()
      }
    }),
  )
  token(set, thread.id, run.id, 'a', 'a')
  token(set, thread.id, run.id, 'ab', 'b')
  token(set, thread.id, run.id, 'abc', 'c')
  await published
  // The deltas are committed (a client never sees an event that is not stored) …
  expect(await deltaValues(run.id)).toEqual(['a', 'b', 'c'])
  // … and the body, which changed without a status change, is not rewritten yet.
  expect(await storedText(thread.id, run.id)).toBe('')
  await set.flush(run.id)
  expect(await storedText(thread.id, run.id)).toBe('abc')
})

test("a NUL in model text: the run's events keep it, the stored body carries U+FFFD, and the run's writes go on", async () => {
  const { set } = workingSet()
  const { thread, run } = await seedRun(set)
  token(set, thread.id, run.id, 'a\u0000b \\u0000', 'a\u0000b \\u0000')
  set.store.messages.put(thread.id, message(thread.id, run.id, 'a\u0000b \\u0000 done', 'completed'))
  await set.flush(run.id)
  expect(await deltaValues(run.id)).toEqual(['a\u0000b \\u0000'])
  // A literal backslash followed by `u0000` is text, not a NUL: it is kept as typed.
  expect(await storedText(thread.id, run.id)).toBe('a\ufffdb \\u0000 done')
})

test('one run whose data the database refuses is retried alone, and the other runs commit meanwhile', async () => {
  const errors: string[][] = []
  const { set } = workingSet({ onError: (_error, runIds) => errors.push([...runIds]) })
  const good = await Promise.all([seedRun(set), seedRun(set), seedRun(set)])
  const bad = await seedRun(set)
  // created_at is a bigint column: 1.5 is refused, on every try.
  set.store.messages.put(bad.thread.id, { ...message(bad.thread.id, bad.run.id, 'x'), created_at: 1.5 })
  for (const { thread, run } of good) {
    token(set, thread.id, run.id, 'ok', 'ok')
  }
  await Promise.all(good.map(({ run }) => set.flush(run.id)))
  for (const { thread, run } of good) {
    expect(await storedText(thread.id, run.id)).toBe('ok')
  }
  // The group failed once (all four runs), then only the bad run's own transactions.
  expect(errors[0]).toHaveLength(4)
  const refusedAlone = errors.slice(1)
  expect(refusedAlone.length).toBeGreaterThanOrEqual(1)
  expect(refusedAlone.every((ids) => ids.length === 1 && ids[0] === bad.run.id)).toBe(true)
  // Later writes of the good runs are not held up by the bad run's pauses.
  for (const { thread, run } of good) {
    token(set, thread.id, run.id, 'ok again', ' again')
  }
  await Promise.all(good.map(({ run }) => set.flush(run.id)))
  expect(await storedText(good[0]!.thread.id, good[0]!.run.id)).toBe('ok again')
  // Closing gives the refused batch up after its third refusal, and says why.
  const flushed = set.flush(bad.run.id)
  await set.close()
  await expect(flushed).rejects.toThrow(/bigint/)
})
