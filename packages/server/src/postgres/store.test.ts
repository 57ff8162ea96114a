// The Postgres data access on a real throwaway cluster: migrations (concurrent starts, a newer schema), the
// collections with the SQLite store's list order and `paginate`'s page semantics, transactions (all or nothing),
// and one active run per thread enforced by the database across connections.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import { paginate } from '../pagination.ts'
import type { MessageObject, RunObject, RunStepObject, ThreadObject } from '../types.ts'
import { connectPostgres, PostgresDriverUnavailableError, type PostgresSql } from './driver.ts'
import { migrate, SchemaTooNewError } from './migrate.ts'
import { latestSchemaVersion, migrations } from './schema.ts'
import { ActiveRunConflictError, createPostgresData, type PostgresData } from './store.ts'

let db: TestDatabase
let sql: PostgresSql
let other: PostgresSql
let data: PostgresData
let counter = 0

const id = (prefix: string) => `${prefix}_${(++counter).toString().padStart(6, '0')}`
const thread = (): ThreadObject =>
  ({ id: id('thread'), object: 'thread', created_at: 1, metadata: {}, tool_resources: {} }) as ThreadObject
const run = (threadId: string, status: RunObject['status'] = 'queued'): RunObject =>
  ({ id: id('run'), object: 'thread.run', created_at: 2, thread_id: threadId, status }) as RunObject
const message = (threadId: string, text = 'hi'): MessageObject =>
  ({
    id: id('msg'),
    object: 'thread.message',
    created_at: 3,
    thread_id: threadId,
    run_id: null,
    text,
  }) as unknown as MessageObject
const step = (runId: string, threadId: string): RunStepObject =>
  ({
    id: id('step'),
    object: 'thread.run.step',
    created_at: 4,
    run_id: runId,
    thread_id: threadId,
    status: 'in_progress',
  }) as RunStepObject

beforeAll(async () => {
  db = await createTestDatabase()
  sql = await connectPostgres(db.url)
  other = await connectPostgres(db.url)
  data = createPostgresData(sql)
}, clusterStart)
afterAll(async () => {
  await sql?.end()
  await other?.end()
  await db?.drop()
})

describe('migrations', () => {
  test('two instances starting together apply each migration once', async () => {
    const results = await Promise.all([migrate(sql), migrate(other), migrate(sql)])
    expect(results.flatMap((result) => result.applied)).toEqual(
      migrations.map((migration) => migration.version),
    )
    expect(results.map((result) => result.version)).toEqual([
      latestSchemaVersion,
      latestSchemaVersion,
      latestSchemaVersion,
    ])
    const rows = await sql`SELECT version FROM schema_migrations`
    expect(rows.map((row) => row.version)).toEqual([1])
    expect(await migrate(other)).toEqual({ applied: [], version: latestSchemaVersion })
  })

  test('a database migrated by a newer package is refused with a typed error', async () => {
    const scratch = await createTestDatabase()
    const conn = await connectPostgres(scratch.url)
    try {
      await migrate(conn, [
        ...migrations,
        { version: 99, name: 'future', statements: ['CREATE TABLE future (x int)'] },
      ])
      const error = await migrate(conn).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(SchemaTooNewError)
      expect(error).toMatchObject({ databaseVersion: 99, knownVersion: latestSchemaVersion })
      expect((error as Error).message).toMatch(/Upgrade @oai-runs\/server/)
    } finally {
      await conn.end()
      await scratch.drop()
    }
  })
})

describe('collections', { timeout: 60_000 }, () => {
  test('get, put (replace in place), delete, list in insertion order, deleteScope', async () => {
    const t = thread()
    await data.threads.put(t)
    expect(await data.threads.get(t.id)).toEqual(t)
    const messages = [message(t.id, 'a'), message(t.id, 'b'), message(t.id, 'c')]
    for (const m of messages) {
      await data.messages.put(t.id, m)
    }
    const edited = { ...messages[0]!, text: 'edited' } as MessageObject
    await data.messages.put(t.id, edited)
    expect(await data.messages.list(t.id)).toEqual([edited, messages[1], messages[2]])
    expect(await data.messages.get('thread_other', messages[1]!.id)).toBeUndefined()
    expect(await data.messages.delete(t.id, messages[1]!.id)).toBe(true)
    expect(await data.messages.delete(t.id, messages[1]!.id)).toBe(false)
    await data.messages.deleteScope(t.id)
    expect(await data.messages.list(t.id)).toEqual([])
    expect(await data.threads.delete(t.id)).toBe(true)
    expect(await data.threads.get(t.id)).toBeUndefined()
  })

  test('a NUL in a string (which jsonb refuses) is stored as U+FFFD; a typed backslash-u0000 stays as typed', async () => {
    const t = thread()
    await data.threads.put(t)
    const m = {
      ...message(t.id, 'nul'),
      text: 'a\u0000b \\u0000',
      metadata: { key: '\u0000' },
    } as MessageObject
    await data.messages.put(t.id, m)
    expect(await data.messages.get(t.id, m.id)).toEqual({
      ...m,
      text: 'a\ufffdb \\u0000',
      metadata: { key: '\ufffd' },
    })
  })

  test('pages answer exactly what paginate answers over the whole list, for every cursor and order', async () => {
    const t = thread()
    const items: MessageObject[] = []
    for (let i = 0; i < 9; i++) {
      items.push(message(t.id, `m${i}`))
    }
    await data.transaction(async (tx) => {
      for (const item of items) {
        await tx.messages.put(t.id, item)
      }
    })
    const cursors = [undefined, 'msg_unknown', ...items.map((item) => item.id)]
    let pages = 0
    for (const order of ['asc', 'desc'] as const) {
      for (const limit of [1, 3, 20]) {
        for (const after of cursors) {
          for (const before of cursors) {
            const query = { limit, order, after, before }
            expect(await data.messages.page(t.id, query), JSON.stringify(query)).toEqual(
              paginate(items, query),
            )
            pages++
          }
        }
      }
    }
    expect(pages).toBe(2 * 3 * 11 * 11)
    const threads = [thread(), thread(), thread()]
    for (const item of threads) {
      await data.threads.put(item)
    }
    const all = await data.threads.list()
    expect(await data.threads.page({ limit: 2, order: 'desc', before: threads[2]!.id })).toEqual(
      paginate(all, { limit: 2, order: 'desc', before: threads[2]!.id, after: undefined }),
    )
  })
})

describe('transactions', () => {
  test('a step and its message commit together, or neither does', async () => {
    const t = thread()
    const r = run(t.id, 'in_progress')
    await data.threads.put(t)
    await data.runs.put(t.id, r)
    const s = step(r.id, t.id)
    const m = message(t.id)
    const failure = new Error('model call failed between the two writes')
    await expect(
      data.transaction(async (tx) => {
        await tx.steps.put(r.id, s)
        await tx.messages.put(t.id, m)
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(await data.steps.list(r.id)).toEqual([])
    expect(await data.messages.list(t.id)).toEqual([])
    const answer = await data.transaction(async (tx) => {
      await tx.steps.put(r.id, s)
      await tx.messages.put(t.id, m)
      // Not visible outside until the commit.
      expect(await createPostgresData(other).steps.get(r.id, s.id)).toBeUndefined()
      return 'done'
    })
    expect(answer).toBe('done')
    expect(await createPostgresData(other).steps.list(r.id)).toEqual([s])
    expect(await data.messages.list(t.id)).toEqual([m])
  })

  test('a nested transaction is a savepoint: its failure rolls back only its own writes', async () => {
    const t = thread()
    const kept = message(t.id, 'kept')
    const dropped = message(t.id, 'dropped')
    await data.transaction(async (tx) => {
      await tx.messages.put(t.id, kept)
      await tx
        .transaction(async (inner) => {
          await inner.messages.put(t.id, dropped)
          throw new Error('inner')
        })
        .catch(() => {})
    })
    expect(await data.messages.list(t.id)).toEqual([kept])
  })
})

describe('one active run per thread', { timeout: 60_000 }, () => {
  test('two instances creating a run on one thread at once: exactly one succeeds, the other gets the holder', async () => {
    for (let round = 0; round < 10; round++) {
      const t = thread()
      const first = run(t.id)
      const second = run(t.id)
      const outcomes = await Promise.allSettled([
        createPostgresData(sql).transaction((tx) => tx.runs.put(t.id, first)),
        createPostgresData(other).transaction((tx) => tx.runs.put(t.id, second)),
      ])
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []))
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      const winner = outcomes[0]!.status === 'fulfilled' ? first : second
      const loser = winner === first ? second : first
      expect(lost[0]).toBeInstanceOf(ActiveRunConflictError)
      expect(lost[0]).toMatchObject({ threadId: t.id, runId: loser.id, activeRunId: winner.id })
      expect((lost[0] as Error).message).toContain(`Thread ${t.id} already has an active run ${winner.id}.`)
      expect((await data.runs.list(t.id)).map((item) => item.id)).toEqual([winner.id])
    }
  })

  test('every active status holds the thread; an ended run frees it; updating the holder is fine', async () => {
    const t = thread()
    const holder = run(t.id, 'queued')
    await data.runs.put(t.id, holder)
    for (const status of ['in_progress', 'requires_action', 'cancelling'] as const) {
      await data.runs.put(t.id, { ...holder, status })
      await expect(data.runs.put(t.id, run(t.id))).rejects.toBeInstanceOf(ActiveRunConflictError)
    }
    await data.runs.put(t.id, { ...holder, status: 'completed' })
    const next = run(t.id)
    await data.runs.put(t.id, next)
    await data.runs.put(t.id, { ...run(t.id), status: 'failed' }) // an ended run never conflicts
    expect((await data.runs.list(t.id)).map((item) => item.status)).toEqual(['completed', 'queued', 'failed'])
    const [row] = await sql`SELECT ended_at FROM runs WHERE id = ${holder.id}`
    expect(Number(row?.ended_at)).toBeGreaterThan(0)
  })
})

test('data made on a transaction: the conflict is still typed (the holder unknown: the transaction is aborted)', async () => {
  const t = thread()
  const holder = run(t.id)
  await data.runs.put(t.id, holder)
  const second = run(t.id)
  const error = await sql
    .begin((tx) => createPostgresData(tx).runs.put(t.id, second))
    .catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(ActiveRunConflictError)
  expect(error).toMatchObject({ threadId: t.id, runId: second.id, activeRunId: null })
})

test('without the driver installed: a typed error that says to install it', async () => {
  const missing = Object.assign(new Error("Cannot find package 'postgres'"), { code: 'ERR_MODULE_NOT_FOUND' })
  const error = await connectPostgres(db.url, {}, () => Promise.reject(missing)).catch(
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PostgresDriverUnavailableError)
  expect((error as Error).message).toContain('npm i postgres')
})
