// The test cluster harness: a throwaway cluster starts, each file's database is its own, and a dropped database is gone.
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.drop())

test('a fresh database on a real PostgreSQL, dropped afterwards', async () => {
  const sql = postgres(db.url, { max: 1 })
  const [row] = await sql`SELECT current_database() AS name, current_setting('fsync') AS fsync`
  expect(row).toEqual({ name: db.name, fsync: 'off' })
  await sql.end()
  const other = await createTestDatabase()
  expect(other.name).not.toBe(db.name)
  await other.drop()
  const admin = postgres(db.url, { max: 1 })
  const left = await admin`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${other.name}`
  expect(left[0]?.n).toBe(0)
  await admin.end()
})
