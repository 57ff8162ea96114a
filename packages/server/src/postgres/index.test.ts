// openPostgres: two instances opening one database together (one migrates, both work on the same rows), and a
// database migrated by a newer package refused.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import type { RunObject } from '../types.ts'
import {
  ActiveRunConflictError,
  appendEvents,
  connectPostgres,
  migrate,
  migrations,
  openPostgres,
  SchemaTooNewError,
} from './index.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
}, clusterStart)
afterAll(() => db?.drop())

test('two instances open one database at once: one migration, shared rows, leases and events between them', async () => {
  const [a, b] = await Promise.all([openPostgres(db.url), openPostgres(db.url)])
  try {
    expect([...a.migration.applied, ...b.migration.applied]).toEqual([1])
    expect(a.instanceId).not.toBe(b.instanceId)
    const run = {
      id: 'run_open',
      object: 'thread.run',
      created_at: 1,
      thread_id: 'thread_open',
      status: 'queued',
    } as RunObject
    await a.data.runs.put(run.thread_id, run)
    await expect(b.data.runs.put(run.thread_id, { ...run, id: 'run_second' })).rejects.toBeInstanceOf(
      ActiveRunConflictError,
    )
    expect(await a.leases.acquire(a.instanceId, run.id, 0)).toBe(true)
    expect(await b.leases.acquire(b.instanceId, run.id, 0)).toBe(false)
    const reading = (async () => {
      const got: string[] = []
      for await (const event of b.events.subscribe(run.id)) {
        got.push(event.event)
      }
      return got
    })()
    await appendEvents(a.sql, run.id, [
      { event: 'thread.run.created', data: '{}' },
      { event: 'done', data: '[DONE]' },
    ])
    expect(await reading).toEqual(['thread.run.created', 'done'])
  } finally {
    await Promise.all([a.close(), b.close(), a.close()])
  }
})

test('a database a newer package migrated: openPostgres refuses it with SchemaTooNewError', async () => {
  const scratch = await createTestDatabase()
  const sql = await connectPostgres(scratch.url)
  await migrate(sql, [
    ...migrations,
    { version: 2, name: 'newer', statements: ['CREATE TABLE newer (x int)'] },
  ])
  await sql.end()
  await expect(openPostgres(scratch.url)).rejects.toBeInstanceOf(SchemaTooNewError)
  await scratch.drop()
})
