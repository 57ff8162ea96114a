// Two server instances in one process on one Postgres database, each with its own store (pool, leases, working
// set): a run's stream followed from the other instance and resumed after a dropped connection, a cancel through
// the instance that does not drive the run, the one-active-run race across instances, metadata written elsewhere
// while a run streams, and a tool call answered on the other instance. Counts and orders only, no timings.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { expectNoViolations } from '../../../../test/support/contract.ts'
import { clusterStart, createTestDatabase, type TestDatabase } from '../../../../test/support/postgres.ts'
import { createTestServer, type Frame, parseFrames } from '../../../../test/support/server-harness.ts'
import { createPostgresStore, type PostgresStore } from '../postgres.ts'

let database: TestDatabase
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  database = await createTestDatabase()
}, clusterStart)
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup()
  }
})
afterAll(async () => {
  await database?.drop()
})

async function instance(tokenDelayMs = 2) {
  const store: PostgresStore = await createPostgresStore(database.url, { leaseTtlMs: 5000 })
  const harness = createTestServer({ store, tokenDelayMs })
  await harness.server.ready()
  cleanups.push(async () => {
    await harness.server.close()
    await store.close()
    expectNoViolations(harness.fetch)
  })
  return harness
}

/** Reads a run's stored events from an instance (our extension: not in the spec, so outside the contract checks). */
async function follow(
  harness: Awaited<ReturnType<typeof instance>>,
  threadId: string,
  runId: string,
  from = 0,
) {
  const response = await harness.server.fetch(
    new Request(`http://runs.test/v1/threads/${threadId}/runs/${runId}/events`, {
      headers: from ? { 'last-event-id': String(from) } : {},
    }),
  )
  const raw = await response.text()
  const ids = raw
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => /^id: (\d+)$/m.exec(block)?.[1])
  return { status: response.status, frames: parseFrames(raw), ids }
}

const deltaText = (frames: Frame[]) =>
  frames
    .filter((frame) => frame.event === 'thread.message.delta')
    .map((frame) => JSON.parse(frame.data).delta.content[0].text.value)
    .join('')

const longText = Array.from({ length: 120 }, (_, index) => `word${index}`).join(' ')

test('a run driven on A is followed from B in order, without gaps, and resumed from Last-Event-ID', async () => {
  const a = await instance()
  const b = await instance()
  const created = await a.call('POST', '/threads/runs', {
    assistant_id: a.assistant.id,
    thread: { messages: [{ role: 'user', content: longText }] },
  })
  expect(created.status).toBe(200)
  const { thread_id: threadId, id: runId } = created.body
  const followed = await follow(b, threadId, runId)
  expect(followed.status).toBe(200)
  const events = followed.frames.map((frame) => frame.event)
  expect(events[0]).toBe('thread.run.created')
  expect(events.slice(-2)).toEqual(['thread.run.completed', 'done'])
  // ids 1, 2, 3 … on every event but the closing done: nothing lost, nothing twice, in order.
  const ids = followed.ids.slice(0, -1).map(Number)
  expect(ids).toEqual(ids.map((_, index) => index + 1))
  const message = (await b.call('GET', `/threads/${threadId}/messages?run_id=${runId}`)).body.data[0]
  expect(deltaText(followed.frames)).toBe(message.content[0].text.value)
  expect(message.content[0].text.value).toContain('word119')

  // A client that lost its connection after event k gets k+1 … from either instance.
  const k = Math.floor(ids.length / 2)
  for (const harness of [a, b]) {
    const resumed = await follow(harness, threadId, runId, k)
    expect(resumed.ids.slice(0, -1).map(Number)).toEqual(ids.slice(k))
    expect(resumed.frames).toEqual(followed.frames.slice(k))
  }
})

test('following needs a numeric position; a memory server says it keeps no stored events', async () => {
  const a = await instance()
  const { body } = await a.call('POST', '/threads/runs', {
    assistant_id: a.assistant.id,
    thread: { messages: [{ role: 'user', content: 'hi' }] },
  })
  const bad = await a.server.fetch(
    new Request(`http://runs.test/v1/threads/${body.thread_id}/runs/${body.id}/events?after=abc`),
  )
  expect(bad.status).toBe(400)
  expect((await bad.json()).error.param).toBe('after')
  const memory = createTestServer()
  const { body: run } = await memory.call('POST', '/threads/runs', {
    assistant_id: memory.assistant.id,
    thread: { messages: [{ role: 'user', content: 'hi' }] },
  })
  const response = await memory.server.fetch(
    new Request(`http://runs.test/v1/threads/${run.thread_id}/runs/${run.id}/events`),
  )
  expect(response.status).toBe(404)
  expect((await response.json()).error.message).toContain('Postgres')
  await memory.server.close()
})

/** The run a stream created (its `thread.run.created`). */
const runOf = (frames: Frame[]) =>
  JSON.parse(frames.find((frame) => frame.event === 'thread.run.created')!.data)

/** Opens a streamed call and reads its frames as they come. */
async function openStream(harness: Awaited<ReturnType<typeof instance>>, path: string, body: object) {
  const response = await harness.fetch(`http://runs.test/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  })
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let raw = ''
  let ended = false
  const frames = () => parseFrames(raw.slice(0, raw.lastIndexOf('\n\n') + 2))
  /** Reads until a frame named `event` arrived (or the stream ended); answers it. */
  async function waitFor(event: string): Promise<Frame | undefined> {
    for (;;) {
      const found = frames().find((frame) => frame.event === event)
      if (found || ended) {
        return found
      }
      const chunk = await reader.read()
      if (chunk.done) {
        ended = true
      } else {
        raw += chunk.value
      }
    }
  }
  const rest = async () => {
    await waitFor('(the end)')
    return frames()
  }
  return { waitFor, frames, rest }
}

test('a cancel through B reaches the run streaming on A: its stream ends cancelled, on both instances', async () => {
  const a = await instance(10)
  const b = await instance()
  const stream = await openStream(a, '/threads/runs', {
    assistant_id: a.assistant.id,
    thread: { messages: [{ role: 'user', content: longText }] },
  })
  await stream.waitFor('thread.message.delta')
  const run = runOf(stream.frames())
  expect(run.object).toBe('thread.run')
  const cancelled = await b.call('POST', `/threads/${run.thread_id}/runs/${run.id}/cancel`)
  expect(cancelled.status).toBe(200)
  expect(cancelled.body.status).toBe('cancelling')
  const events = (await stream.rest()).map((frame) => frame.event)
  expect(events).toContain('thread.run.cancelling')
  expect(events.slice(-2)).toEqual(['thread.run.cancelled', 'done'])
  for (const harness of [a, b]) {
    const { body } = await harness.call('GET', `/threads/${run.thread_id}/runs/${run.id}`)
    expect(body.status).toBe('cancelled')
    const messages = await harness.call('GET', `/threads/${run.thread_id}/messages?run_id=${run.id}`)
    expect(messages.body.data[0].status).toBe('incomplete')
  }
})

test('two instances racing to start a run on one thread: one run, and the real error for the other', async () => {
  const a = await instance()
  const b = await instance()
  for (let round = 0; round < 8; round++) {
    const { body: thread } = await a.call('POST', '/threads', {
      messages: [{ role: 'user', content: 'race' }],
    })
    const answers = await Promise.all(
      [a, b].map((harness) =>
        harness.call('POST', `/threads/${thread.id}/runs`, { assistant_id: harness.assistant.id }),
      ),
    )
    const won = answers.filter((answer) => answer.status === 200)
    const lost = answers.filter((answer) => answer.status === 400)
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect(lost[0]!.body.error.message).toMatch(/^Thread thread_\w+ already has an active run run_\w+\.$/)
    expect(lost[0]!.body.error.message).toContain(won[0]!.body.id)
    await a.settle(thread.id, won[0]!.body.id)
    const listed = await b.call('GET', `/threads/${thread.id}/runs`)
    expect(listed.body.data.map((run: { id: string }) => run.id)).toEqual([won[0]!.body.id])
  }
})

test('metadata written through B while the run streams on A is kept when A saves the run', async () => {
  const a = await instance(5)
  const b = await instance()
  const stream = await openStream(a, '/threads/runs', {
    assistant_id: a.assistant.id,
    thread: { messages: [{ role: 'user', content: longText }] },
  })
  await stream.waitFor('thread.message.delta')
  const run = runOf(stream.frames())
  const modified = await b.call('POST', `/threads/${run.thread_id}/runs/${run.id}`, { metadata: { by: 'B' } })
  expect(modified.status).toBe(200)
  expect((await stream.rest()).at(-2)?.event).toBe('thread.run.completed')
  for (const harness of [a, b]) {
    const { body } = await harness.call('GET', `/threads/${run.thread_id}/runs/${run.id}`)
    expect(body).toMatchObject({ status: 'completed', metadata: { by: 'B' } })
  }
})

test('a tool call created on A is answered through B, which drives the run to completion', async () => {
  const a = await instance()
  const b = await instance()
  const stream = await openStream(a, '/threads/runs', {
    assistant_id: a.assistant.id,
    thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
  })
  const waiting = JSON.parse((await stream.waitFor('thread.run.requires_action'))!.data)
  const call = waiting.required_action.submit_tool_outputs.tool_calls[0]
  const resumed = await openStream(
    b,
    `/threads/${waiting.thread_id}/runs/${waiting.id}/submit_tool_outputs`,
    {
      tool_outputs: [{ tool_call_id: call.id, output: '{"temperature":21}' }],
    },
  )
  const events = (await resumed.rest()).map((frame) => frame.event)
  expect(events[0]).toBe('thread.run.step.completed')
  expect(events.slice(-2)).toEqual(['thread.run.completed', 'done'])
  // Answering it again, through A, is the real error: the run no longer waits.
  const again = await a.call('POST', `/threads/${waiting.thread_id}/runs/${waiting.id}/submit_tool_outputs`, {
    tool_outputs: [{ tool_call_id: call.id, output: 'again' }],
  })
  expect(again.status).toBe(400)
  const steps = await Promise.all(
    [a, b].map((harness) =>
      harness.call('GET', `/threads/${waiting.thread_id}/runs/${waiting.id}/steps?order=asc`),
    ),
  )
  expect(steps[0]!.body).toEqual(steps[1]!.body)
  expect(steps[0]!.body.data.map((step: { status: string }) => step.status)).toEqual([
    'completed',
    'completed',
  ])
})
