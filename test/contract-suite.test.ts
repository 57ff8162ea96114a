// Checklist E9: one contract suite for our server and for any compatible backend.
// By default it starts @oai-runs/server; point it elsewhere with
//   OAI_RUNS_CONTRACT_URL=https://host/v1 OAI_RUNS_CONTRACT_KEY=... pnpm vitest run test/contract-suite
// Only model-independent behaviour is asserted (shapes, statuses, pagination, errors), so a real model may answer.
// Every body and SSE frame is validated against the spec by the contract harness.
import { createRunsServer } from '@oai-runs/server'
import { type Listener, listen } from '@oai-runs/server/node'
import OpenAI from 'openai'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { expectNoViolations, wrapNodeFetch } from './support/contract'

const external = process.env.OAI_RUNS_CONTRACT_URL
const contractFetch = wrapNodeFetch()
let listener: Listener | undefined
let openai: OpenAI
let assistantId: string
const created: string[] = []

beforeAll(async () => {
  let baseURL = external
  if (!baseURL) {
    listener = await listen(createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5 }), { port: 0 })
    baseURL = listener.url
  }
  openai = new OpenAI({
    baseURL,
    apiKey: process.env.OAI_RUNS_CONTRACT_KEY ?? 'contract-suite',
    fetch: contractFetch,
    maxRetries: 0,
  })
  const assistant = await openai.beta.assistants.create({
    model: process.env.OAI_RUNS_CONTRACT_MODEL ?? 'gpt-4o-mini',
    name: 'oai-runs contract suite',
    instructions: 'Answer in one short sentence.',
  })
  assistantId = assistant.id
})

afterAll(async () => {
  for (const threadId of created) {
    await openai.beta.threads.delete(threadId).catch(() => {})
  }
  await openai.beta.assistants.delete(assistantId).catch(() => {})
  await listener?.close()
})

afterEach(() => expectNoViolations(contractFetch))

async function thread(content = 'Say hello.') {
  const made = await openai.beta.threads.create({
    messages: [{ role: 'user', content }],
    metadata: { suite: 'e9' },
  })
  created.push(made.id)
  return made
}

test('assistants, threads and messages: create, retrieve, modify, list with cursors', async () => {
  expect((await openai.beta.assistants.retrieve(assistantId)).id).toBe(assistantId)
  const made = await thread()
  expect(made).toMatchObject({ object: 'thread', metadata: { suite: 'e9' } })
  expect((await openai.beta.threads.update(made.id, { metadata: { suite: 'changed' } })).metadata).toEqual({
    suite: 'changed',
  })
  for (let index = 0; index < 4; index++) {
    await openai.beta.threads.messages.create(made.id, { role: 'user', content: `message ${index}` })
  }
  const first = await openai.beta.threads.messages.list(made.id, { limit: 2, order: 'asc' })
  expect(first.data).toHaveLength(2)
  expect(first.has_more).toBe(true)
  const all = []
  for await (const message of openai.beta.threads.messages.list(made.id, { limit: 2, order: 'asc' })) {
    all.push(message.id)
  }
  expect(all).toHaveLength(5)
  expect(new Set(all).size).toBe(5)
  const before = await openai.beta.threads.messages.list(made.id, { order: 'asc', before: all[3] })
  expect(before.data.map((message) => message.id)).toEqual(all.slice(0, 3))
})

test('a run reaches a stopping status; runs and steps list; a terminal run cannot be cancelled', async () => {
  const made = await thread()
  const run = await openai.beta.threads.runs.createAndPoll(
    made.id,
    { assistant_id: assistantId },
    { pollIntervalMs: 20 },
  )
  expect(['completed', 'requires_action', 'failed', 'incomplete']).toContain(run.status)
  expect(run.expires_at === null || run.expires_at > run.created_at).toBe(true)
  const runs = await openai.beta.threads.runs.list(made.id)
  expect(runs.data[0]?.id).toBe(run.id)
  const steps = await openai.beta.threads.runs.steps.list(run.id, { thread_id: made.id })
  for (const step of steps.data) {
    expect(step.run_id).toBe(run.id)
  }
  if (run.status !== 'requires_action') {
    await expect(openai.beta.threads.runs.cancel(run.id, { thread_id: made.id })).rejects.toMatchObject({
      status: 400,
    })
  }
})

test('a streamed run delivers spec-valid events and ends with done', async () => {
  const made = await thread()
  const stream = openai.beta.threads.runs.stream(made.id, { assistant_id: assistantId })
  const events: string[] = []
  for await (const event of stream) {
    events.push(event.event)
  }
  expect(events[0]).toBe('thread.run.created')
  expect(events.some((event) => event.startsWith('thread.run.') && event !== 'thread.run.created')).toBe(true)
})

test('errors: 404 for unknown ids, 400 with param for bad input, one active run per thread', async () => {
  await expect(openai.beta.threads.retrieve('thread_doesnotexist')).rejects.toMatchObject({ status: 404 })
  await expect(
    openai.beta.threads.runs.retrieve('run_doesnotexist', { thread_id: (await thread()).id }),
  ).rejects.toMatchObject({ status: 404 })
  await expect(
    openai.beta.threads.runs.create((await thread()).id, { assistant_id: assistantId, temperature: 3 }),
  ).rejects.toMatchObject({ status: 400, param: 'temperature' })
})
