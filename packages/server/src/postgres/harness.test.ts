// The test cluster harness (test/support/postgres.ts): a real PostgreSQL with fsync off, one fresh database per
// caller, and no cluster left behind, whether the process exits, fails with an uncaught error or is killed.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'

const root = resolve(import.meta.dirname, '../../../..')

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
}, clusterStart)
afterAll(() => db.drop())

test('a fresh database on a real PostgreSQL, dropped afterwards', async () => {
  const sql = postgres(db.url, { max: 1 })
  const [row] = await sql`SELECT current_database() AS name, current_setting('fsync') AS fsync`
  expect(row).toEqual({ name: db.name, fsync: 'off' })
  const other = await createTestDatabase()
  expect(other.name).not.toBe(db.name)
  await other.drop()
  const left = await sql`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${other.name}`
  expect(left[0]?.n).toBe(0)
  await sql.end()
})

/** Whether something accepts connections on the URL's port. */
function listening(url: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      done(true)
    })
    socket.once('error', () => done(false))
  })
}

describe('no cluster outlives its process', () => {
  const scripts = mkdtempSync(join(tmpdir(), 'oai-runs-harness-'))
  afterAll(() => rmSync(scripts, { recursive: true, force: true }))

  /** Starts a process that starts a cluster, then ends as `how` says; answers the cluster's URL and directory. */
  async function clusterIn(how: 'throw' | 'kill' | 'exit') {
    const script = join(scripts, `${how}.mts`)
    writeFileSync(
      script,
      `import { startTestCluster } from ${JSON.stringify(join(root, 'test/support/postgres.ts'))}
const cluster = await startTestCluster()
console.log(JSON.stringify({ url: cluster.url, dir: cluster.dir, pid: process.pid }))
if (process.argv[2] === 'throw') throw new Error('a test failed')
if (process.argv[2] === 'kill') setInterval(() => {}, 1000)
`,
    )
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [script, how], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const started = new Promise<{ url: string; dir: string; pid: number }>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk
        if (out.includes('\n')) {
          ready(JSON.parse(out.split('\n')[0] as string))
        }
      })
      child.once('exit', () => fail(new Error(`the child exited before starting a cluster: ${out}`)))
    })
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
    const cluster = await started
    expect(await listening(cluster.url)).toBe(true)
    if (how === 'kill') {
      // The process that started the cluster (tsx runs the script in a child node of its own).
      process.kill(cluster.pid, 'SIGKILL')
    }
    return { ...cluster, code: await exited }
  }

  // Each test starts a cluster in a new process: initdb alone takes seconds on a busy machine.
  const slow = 60_000

  test(
    'an uncaught error: the exit hook stops the cluster and deletes it',
    async () => {
      const cluster = await clusterIn('throw')
      expect(cluster.code).toBe(1)
      expect(existsSync(cluster.dir)).toBe(false)
      expect(await listening(cluster.url)).toBe(false)
    },
    slow,
  )

  test(
    'a normal exit: the same',
    async () => {
      const cluster = await clusterIn('exit')
      expect(cluster.code).toBe(0)
      expect(existsSync(cluster.dir)).toBe(false)
    },
    slow,
  )

  test(
    'SIGKILL (no exit hook runs): the reaper removes the cluster once the process is gone',
    async () => {
      const cluster = await clusterIn('kill')
      // The reaper checks once a second whether the process is gone: wait for it, however long it takes.
      while (existsSync(cluster.dir)) {
        await new Promise((done) => setTimeout(done, 100))
      }
      expect(await listening(cluster.url)).toBe(false)
    },
    slow,
  )
})
