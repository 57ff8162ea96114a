// The SQLite store: the RunsStore semantics of the memory store, state that survives a restart, transactions,
// and recovery of runs a dead process left running.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { expectNoViolations } from '../../../test/support/contract.ts'
import { createTestServer } from '../../../test/support/server-harness.ts'
import type { RunModel } from './model.ts'
import { createSqliteStore, DatabaseInUseError, interruptedRunError, type SqliteRunsStore } from './sqlite.ts'
import { createMemoryStore, type RunsStore } from './store.ts'
import type { MessageObject } from './types.ts'

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

function openStore(name = 'runs.db', options?: Parameters<typeof createSqliteStore>[1]) {
  const store = createSqliteStore(join(dir, name), options)
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

test('collections behave like the memory store: insertion order kept on update, delete, scopes', () => {
  const stores = [createMemoryStore(), openStore()]
  const results = stores.map((store) => {
    store.messages.put('thread_1', message('msg_b', 'b'))
    store.messages.put('thread_1', message('msg_a', 'a'))
    store.messages.put('thread_2', message('msg_c', 'c'))
    store.messages.put('thread_1', message('msg_b', 'b, edited')) // keeps its place
    const deleted = [store.messages.delete('thread_1', 'msg_a'), store.messages.delete('thread_1', 'missing')]
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
  const started = performance.now()
  const second = (() => {
    try {
      return createSqliteStore(join(dir, 'runs.db'))
    } catch (error) {
      return error
    }
  })()
  expect(second).toBeInstanceOf(DatabaseInUseError)
  expect((second as DatabaseInUseError).message).toMatch(/in use by another server.*another database file/)
  expect((second as DatabaseInUseError).path).toBe(join(dir, 'runs.db'))
  expect(performance.now() - started).toBeLessThan(1000) // no busy wait: the answer is immediate
  // The first store is untouched by the failed open, and the file opens once it is closed.
  expect(first.threads.get('thread_1')).toMatchObject({ id: 'thread_1' })
  first.close()
  open.pop()
  expect(openStore().threads.get('thread_1')).toMatchObject({ id: 'thread_1' })
})
