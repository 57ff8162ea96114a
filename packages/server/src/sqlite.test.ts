// The SQLite store: the RunsStore semantics of the memory store, state that survives a restart, transactions,
// and recovery of runs a dead process left running; on each driver this Node can load (node:sqlite on Node
// 22.13+, better-sqlite3 where it is installed and built for this Node), and the driver choice itself.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import type { RunModel } from './model.ts'
import {
  createSqliteStore,
  DatabaseInUseError,
  interruptedRunError,
  type SqliteDriver,
  SqliteDriverUnavailableError,
  type SqliteRunsStore,
} from './sqlite.ts'
import { type Connection, lockExclusively, openConnection } from './sqlite-driver.ts'
import { createMemoryStore, type RunsStore } from './store.ts'
import type { MessageObject } from './types.ts'

// Where Node has node:sqlite without a flag, from the version alone (not from the code under test).
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
const nodeHasSqlite = major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13)

/** The drivers this process can open a file with, each tried for real; the others with the reason. */
const drivers: SqliteDriver[] = []
const unavailable = new Map<SqliteDriver, unknown>()
for (const driver of ['node:sqlite', 'better-sqlite3'] as const) {
  try {
    openConnection(':memory:', driver).close()
    drivers.push(driver)
  } catch (error) {
    unavailable.set(driver, error)
  }
}

let dir: string
const open: SqliteRunsStore[] = []
const harnesses: ReturnType<typeof createTestServer>[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oai-runs-sqlite-'))
})
afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    harness.server.close()
    expectNoViolations(harness.fetch)
  }
  for (const store of open.splice(0)) {
    store.close()
  }
  rmSync(dir, { recursive: true, force: true })
})

let driver: SqliteDriver

function openStore(name = 'runs.db', options?: Parameters<typeof createSqliteStore>[1]) {
  const store = createSqliteStore(join(dir, name), { driver, ...options })
  open.push(store)
  return store
}

function serve(store: RunsStore, options: Parameters<typeof createTestServer>[0] = {}) {
  const harness = createTestServer({ store, ...options })
  harnesses.push(harness)
  return harness
}

function message(id: string, text: string, runId: string | null = null): MessageObject {
  return {
    id,
    object: 'thread.message',
    created_at: 1,
    thread_id: 'thread_1',
    status: 'completed',
    incomplete_details: null,
    completed_at: 1,
    incomplete_at: null,
    role: 'user',
    content: [{ type: 'text', text: { value: text, annotations: [] } }],
    assistant_id: null,
    run_id: runId,
    attachments: [],
    metadata: {},
  }
}

describe.each(drivers)('on %s', (name) => {
  beforeEach(() => {
    driver = name
  })

  test('collections behave like the memory store: insertion order kept on update, delete, scopes', () => {
    const stores = [createMemoryStore(), openStore()]
    const results = stores.map((store) => {
      store.messages.put('thread_1', message('msg_b', 'b'))
      store.messages.put('thread_1', message('msg_a', 'a'))
      store.messages.put('thread_2', message('msg_c', 'c'))
      store.messages.put('thread_1', message('msg_b', 'b, edited')) // keeps its place
      const deleted = [
        store.messages.delete('thread_1', 'msg_a'),
        store.messages.delete('thread_1', 'missing'),
      ]
      store.messages.put('thread_1', message('msg_a', 'a again')) // re-added: goes last
      const first = store.messages.list('thread_1').map((item) => item.content[0])
      store.messages.deleteScope('thread_1')
      return {
        first,
        deleted,
        afterScopeDelete: store.messages.list('thread_1'),
        other: store.messages.get('thread_2', 'msg_c')?.id,
        missing: store.messages.get('thread_1', 'msg_b'),
      }
    })
    expect(results[1]).toEqual(results[0])
    expect(results[0]!.first).toEqual([
      { type: 'text', text: { value: 'b, edited', annotations: [] } },
      { type: 'text', text: { value: 'a again', annotations: [] } },
    ])
  })

  test('a transaction that throws leaves nothing behind', () => {
    const store = openStore()
    expect(() =>
      store.transaction!(() => {
        store.messages.put('thread_1', message('msg_1', 'one'))
        store.messages.put('thread_1', message('msg_2', 'two'))
        throw new Error('crash between two writes')
      }),
    ).toThrow('crash between two writes')
    expect(store.messages.list('thread_1')).toEqual([])
  })

  test('threads, messages, runs, steps and assistants survive a restart; a waiting run can still be answered', async () => {
    const first = serve(openStore())
    const { body: mine } = await first.call('POST', '/assistants', {
      model: 'gpt-4o',
      name: 'Kept',
      metadata: { a: '1' },
    })
    const { body: thread } = await first.call('POST', '/threads', {
      messages: [{ role: 'user', content: 'Hello' }],
      metadata: { kept: 'yes' },
    })
    const { body: done } = await first.call('POST', `/threads/${thread.id}/runs`, {
      assistant_id: first.assistant.id,
    })
    await first.settle(thread.id, done.id)
    await first.call('POST', `/threads/${thread.id}/messages`, {
      role: 'user',
      content: '/tool get_weather {"city":"Paris"}',
    })
    const { body: waiting } = await first.call('POST', `/threads/${thread.id}/runs`, {
      assistant_id: first.assistant.id,
    })
    expect((await first.settle(thread.id, waiting.id)).status).toBe('requires_action')
    const before = {
      thread: (await first.call('GET', `/threads/${thread.id}`)).body,
      messages: (await first.call('GET', `/threads/${thread.id}/messages`)).body,
      runs: (await first.call('GET', `/threads/${thread.id}/runs`)).body,
      steps: (await first.call('GET', `/threads/${thread.id}/runs/${done.id}/steps`)).body,
      assistant: (await first.call('GET', `/assistants/${mine.id}`)).body,
    }
    first.server.close()
    open.pop()!.close()

    const reopened = openStore()
    expect(reopened.recovered).toEqual([])
    const second = serve(reopened)
    const after = {
      thread: (await second.call('GET', `/threads/${thread.id}`)).body,
      messages: (await second.call('GET', `/threads/${thread.id}/messages`)).body,
      runs: (await second.call('GET', `/threads/${thread.id}/runs`)).body,
      steps: (await second.call('GET', `/threads/${thread.id}/runs/${done.id}/steps`)).body,
      assistant: (await second.call('GET', `/assistants/${mine.id}`)).body,
    }
    expect(after).toEqual(before)
    expect(before.messages.data).toHaveLength(3)

    const call = before.runs.data[0].required_action.submit_tool_outputs.tool_calls[0]
    await second.call('POST', `/threads/${thread.id}/runs/${waiting.id}/submit_tool_outputs`, {
      tool_outputs: [{ tool_call_id: call.id, output: '18°C' }],
    })
    expect((await second.settle(thread.id, waiting.id)).status).toBe('completed')
    const last = (await second.call('GET', `/threads/${thread.id}/messages?limit=1`)).body.data[0]
    expect(last.content[0].text.value).toBe('Tool results: get_weather returned "18°C".')
  })

  test('runs left queued, in progress or cancelling are failed on open, with their open steps and messages', async () => {
    // A model that writes a little and then never finishes: the "process" is abandoned mid-run.
    let hanging = false
    const stuck: RunModel = async function* () {
      yield { type: 'text', text: 'half' }
      hanging = true // the engine handled the text and asked for more
      await new Promise(() => {})
    }
    const first = serve(openStore(), { model: stuck })
    const { body: thread } = await first.call('POST', '/threads', {
      messages: [{ role: 'user', content: 'go' }],
    })
    const { body: run } = await first.call('POST', `/threads/${thread.id}/runs`, {
      assistant_id: first.assistant.id,
    })
    for (let attempt = 0; attempt < 200 && !hanging; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    expect((await first.call('GET', `/threads/${thread.id}/runs/${run.id}`)).body.status).toBe('in_progress')
    // No server.close(): the process "dies" with the run in progress.
    open.pop()!.close()

    const reopened = openStore('runs.db', { now: () => Date.UTC(2026, 5, 1) })
    expect(reopened.recovered.map((item) => item.id)).toEqual([run.id])
    const second = serve(reopened)
    const failed = (await second.call('GET', `/threads/${thread.id}/runs/${run.id}`)).body
    expect(failed).toMatchObject({
      status: 'failed',
      last_error: interruptedRunError,
      failed_at: Date.UTC(2026, 5, 1) / 1000,
    })
    const [step] = (await second.call('GET', `/threads/${thread.id}/runs/${run.id}/steps`)).body.data
    expect(step).toMatchObject({ status: 'failed', last_error: interruptedRunError })
    const written = (
      await second.call(
        'GET',
        `/threads/${thread.id}/messages/${step.step_details.message_creation.message_id}`,
      )
    ).body
    expect(written).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'run_failed' } })
    expect(written.content[0].text.value).toBe('half')
    // The thread is free again.
    const { status } = await second.call('POST', `/threads/${thread.id}/runs`, {
      assistant_id: second.assistant.id,
    })
    expect(status).toBe(200)
  })

  test('recovery can be turned off', async () => {
    const store = openStore()
    store.runs.put('thread_1', { id: 'run_1', thread_id: 'thread_1', status: 'in_progress' } as never)
    store.close()
    open.pop()
    const reopened = openStore('runs.db', { recoverInterruptedRuns: false })
    expect(reopened.recovered).toEqual([])
    expect(reopened.runs.get('thread_1', 'run_1')?.status).toBe('in_progress')
  })

  test('one store per file: a second open fails with DatabaseInUseError at once, and works after close', () => {
    const first = openStore()
    first.threads.put({ id: 'thread_1' } as never)
    const second = (() => {
      try {
        return createSqliteStore(join(dir, 'runs.db'), { driver })
      } catch (error) {
        return error
      }
    })()
    expect(second).toBeInstanceOf(DatabaseInUseError)
    expect((second as DatabaseInUseError).message).toMatch(/in use by another server.*another database file/)
    expect((second as DatabaseInUseError).path).toBe(join(dir, 'runs.db'))
    expect(String((second as DatabaseInUseError).cause)).toMatch(/database is locked/) // SQLITE_BUSY
    // The first store is untouched by the failed open, and the file opens once it is closed.
    expect(first.threads.get('thread_1')).toMatchObject({ id: 'thread_1' })
    first.close()
    open.pop()
    expect(openStore().threads.get('thread_1')).toMatchObject({ id: 'thread_1' })
  })

  test('the lock is tried once with no busy wait: busy_timeout is 0 when BEGIN EXCLUSIVE meets the held lock', () => {
    openStore()
    const raw = openConnection(join(dir, 'runs.db'), driver)
    // Before each statement the lock sends, read the connection's busy timeout: SQLite calls no busy handler (no
    // sleeping, no retries) when it is 0, so a held lock is an immediate SQLITE_BUSY.
    const sent: { sql: string; busyTimeout: unknown }[] = []
    const observed: Connection = {
      ...raw,
      exec: (sql) => {
        sent.push({ sql, busyTimeout: raw.prepare('PRAGMA busy_timeout').get()?.timeout })
        raw.exec(sql)
      },
    }
    expect(() => lockExclusively(observed, 'runs.db')).toThrow(DatabaseInUseError)
    const attempts = sent.filter((statement) => /BEGIN EXCLUSIVE/.test(statement.sql))
    expect(attempts).toEqual([{ sql: 'BEGIN EXCLUSIVE; COMMIT', busyTimeout: 0 }])
    expect(() => raw.prepare('SELECT 1')).toThrow() // the failed open closed its connection
  })

  test('nested transactions are savepoints: an inner failure undoes only the inner writes', () => {
    const store = openStore()
    store.transaction!(() => {
      store.messages.put('thread_1', message('msg_1', 'outer'))
      expect(() =>
        store.transaction!(() => {
          store.messages.put('thread_1', message('msg_2', 'inner'))
          throw new Error('inner failure')
        }),
      ).toThrow('inner failure')
      store.transaction!(() => store.messages.put('thread_1', message('msg_3', 'inner, kept')))
    })
    expect(store.messages.list('thread_1').map((item) => item.id)).toEqual(['msg_1', 'msg_3'])
    // The store is out of any transaction again: a new one starts and commits.
    store.transaction!(() => store.messages.put('thread_1', message('msg_4', 'after')))
    expect(store.messages.list('thread_1')).toHaveLength(3)
  })

  test('a transaction whose work returns a promise is refused and rolled back', () => {
    const store = openStore()
    expect(() =>
      store.transaction!(() => {
        store.messages.put('thread_1', message('msg_1', 'one'))
        return Promise.resolve()
      }),
    ).toThrow(/must be synchronous/)
    expect(store.messages.list('thread_1')).toEqual([])
  })

  test('the pragmas: WAL in exclusive locking mode (a -wal file, no -shm shared memory), schema version 1', () => {
    const store = openStore()
    store.threads.put({ id: 'thread_1' } as never)
    expect(existsSync(join(dir, 'runs.db-wal'))).toBe(true)
    expect(existsSync(join(dir, 'runs.db-shm'))).toBe(false)
    store.close()
    open.pop()
    const raw = openConnection(join(dir, 'runs.db'), driver)
    try {
      expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' }) // kept in the file
      expect(raw.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 })
    } finally {
      raw.close()
    }
  })
})

test('a file written on one driver opens on the other', () => {
  // Only where both drivers load (e.g. Node 22.13+ with better-sqlite3 built for it).
  if (drivers.length < 2) {
    expect(unavailable.size).toBe(1)
    return
  }
  const file = join(dir, 'moved.db')
  const first = createSqliteStore(file, { driver: 'node:sqlite' })
  first.threads.put({ id: 'thread_1' } as never)
  first.close()
  const second = createSqliteStore(file, { driver: 'better-sqlite3' })
  open.push(second)
  expect(second.threads.list()).toEqual([{ id: 'thread_1' }])
})

test("'auto' uses node:sqlite where Node has it (22.13+, 23.4+), better-sqlite3 otherwise", () => {
  expect(drivers.length).toBeGreaterThan(0)
  const store = createSqliteStore(join(dir, 'auto.db'))
  open.push(store)
  expect(store.driver).toBe(nodeHasSqlite ? 'node:sqlite' : 'better-sqlite3')
})

test("driver: 'node:sqlite' on a Node without it fails with SqliteDriverUnavailableError and what to do", () => {
  if (nodeHasSqlite) {
    expect(drivers).toContain('node:sqlite')
    return
  }
  const error = (() => {
    try {
      createSqliteStore(join(dir, 'runs.db'), { driver: 'node:sqlite' })
    } catch (caught) {
      return caught
    }
  })()
  expect(error).toBeInstanceOf(SqliteDriverUnavailableError)
  expect(error).toMatchObject({ driver: 'node:sqlite' })
  expect((error as Error).message).toMatch(/Node 22\.13\+.*driver: 'better-sqlite3'/)
  expect(existsSync(join(dir, 'runs.db'))).toBe(false)
})

describe('better-sqlite3 that cannot be used: SqliteDriverUnavailableError says what to do', () => {
  const unusable = (
    load: (id: string) => unknown,
    requested: 'auto' | 'better-sqlite3' = 'better-sqlite3',
  ) => {
    try {
      openConnection(join(dir, 'runs.db'), requested, load)
    } catch (error) {
      return error as SqliteDriverUnavailableError
    }
    throw new Error('opened')
  }
  const notInstalled = () => {
    throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' })
  }
  // The advice fits this Node: where it has node:sqlite, use that; else upgrade Node or install the module.
  const advice = nodeHasSqlite
    ? /use `driver: 'auto'`.*npm install better-sqlite3@12/
    : /Node 22\.13 or later/

  test('not installed', () => {
    const error = unusable(notInstalled)
    expect(error).toBeInstanceOf(SqliteDriverUnavailableError)
    expect(error.driver).toBe('better-sqlite3')
    expect(error.message).toMatch(/^The SQLite driver better-sqlite3 is not available: .* is not installed\./)
    expect(error.message).toMatch(advice)
    expect(error.message).toMatch(/npm install better-sqlite3@12.*npm_config_nodedir/)
    expect((error.cause as { code: string }).code).toBe('MODULE_NOT_FOUND')
  })

  test("not installed, on a Node without node:sqlite, with 'auto': neither driver, said so", () => {
    if (nodeHasSqlite) {
      // 'auto' never reaches better-sqlite3 here.
      expect(openConnection(':memory:', 'auto', notInstalled).driver).toBe('node:sqlite')
      return
    }
    const error = unusable(notInstalled, 'auto')
    expect(error).toMatchObject({ name: 'SqliteDriverUnavailableError', driver: 'auto' })
    expect(error.message).toMatch(
      /^No SQLite driver: Node v\d+\.\S+ has no built-in node:sqlite .* better-sqlite3 \(an optional peer dependency\) is not installed.*Node 22\.13 or later/,
    )
  })

  test('built for another Node (its binary fails to load when the first database is opened)', () => {
    const error = unusable(
      () =>
        class {
          constructor() {
            throw Object.assign(
              new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'),
              { code: 'ERR_DLOPEN_FAILED' },
            )
          }
        },
    )
    expect(error).toBeInstanceOf(SqliteDriverUnavailableError)
    expect(error.message).toMatch(/native binary cannot be loaded by Node v.*npm rebuild better-sqlite3/)
    expect(error.message).toMatch(advice)
  })

  test('an error of SQLite itself is passed through as it is', () => {
    const cantOpen = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' })
    const error = unusable(
      () =>
        class {
          constructor() {
            throw cantOpen
          }
        },
    )
    expect(error).toBe(cantOpen)
  })

  test('on this Node, for real', () => {
    const real = unavailable.get('better-sqlite3')
    if (real === undefined) {
      expect(drivers).toContain('better-sqlite3')
      return
    }
    expect(real).toBeInstanceOf(SqliteDriverUnavailableError)
    expect((real as Error).message).toMatch(/npm (rebuild|install) better-sqlite3/)
  })
})
