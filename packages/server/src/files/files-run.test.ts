// A run with `file_search` over uploaded files: the scripted `/search` searches the vector stores the assistant and
// the thread name, so the file-search step's results and the reply's `file_citation` name the real file; without
// such vector stores it keeps its invented results. Through the official SDK on the memory and SQLite stores, every
// Runs response contract-checked.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI, { toFile } from 'openai'
import { afterEach, describe, expect, test } from 'vitest'
import { expectNoViolations } from '../../../../test/support/contract.ts'
import { createTestServer } from '../../../../test/support/server-harness.ts'
import { createSqliteStore, type SqliteRunsStore } from '../sqlite.ts'
import { createMemoryStore, type RunsStore } from '../store.ts'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    cleanup()
  }
})

function sqliteStore(): SqliteRunsStore {
  const dir = mkdtempSync(join(tmpdir(), 'oai-files-run-'))
  const store = createSqliteStore(join(dir, 'runs.db'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  cleanups.push(() => store.close())
  return store
}

function start(store: RunsStore) {
  const harness = createTestServer({ store })
  cleanups.push(() => {
    harness.server.close()
    expectNoViolations(harness.fetch)
  })
  const client = new OpenAI({
    apiKey: 'test',
    baseURL: 'http://runs.test/v1',
    fetch: harness.fetch,
    maxRetries: 0,
  })
  return { ...harness, client }
}

const include = ['step_details.tool_calls[*].file_search.results[*].content'] as const

/** The file-search results of a run's steps and the annotations of its reply. */
async function outcome(client: OpenAI, threadId: string, runId: string) {
  const steps = await client.beta.threads.runs.steps.list(runId, {
    thread_id: threadId,
    include: [...include],
  })
  const results = steps.data.flatMap((step) =>
    step.step_details.type === 'tool_calls'
      ? step.step_details.tool_calls.flatMap((call) =>
          call.type === 'file_search' ? (call.file_search.results ?? []) : [],
        )
      : [],
  )
  const messages = await client.beta.threads.messages.list(threadId, { order: 'desc', limit: 1 })
  const [part] = messages.data[0]!.content
  const text = part?.type === 'text' ? part.text : undefined
  return { results, text: text?.value, annotations: text?.annotations ?? [] }
}

describe.each([
  ['memory', createMemoryStore],
  ['sqlite', sqliteStore],
] as const)('on the %s store', (_kind, makeStore) => {
  test('/search on an assistant whose tool_resources name a vector store: results and citation name the uploaded file', async () => {
    const { client } = start(makeStore())
    const notes = await client.files.create({
      file: await toFile(
        Buffer.from('The launch checklist: fuel the rocket, then count down from ten.'),
        'launch.md',
      ),
      purpose: 'assistants',
    })
    const other = await client.files.create({
      file: await toFile(Buffer.from('Soup recipes: boil water, add the vegetables.'), 'soup.md'),
      purpose: 'assistants',
    })
    const vectorStore = await client.vectorStores.create({ name: 'manuals' })
    await client.vectorStores.fileBatches.createAndPoll(vectorStore.id, { file_ids: [notes.id, other.id] })
    const assistant = await client.beta.assistants.create({
      model: 'gpt-4o',
      tools: [{ type: 'file_search' }],
      tool_resources: { file_search: { vector_store_ids: [vectorStore.id] } },
    })
    const run = await client.beta.threads.createAndRunPoll(
      {
        assistant_id: assistant.id,
        thread: { messages: [{ role: 'user', content: '/search rocket launch checklist' }] },
      },
      { pollIntervalMs: 5 },
    )
    expect(run.status).toBe('completed')
    const { results, text, annotations } = await outcome(client, run.thread_id, run.id)
    expect(results).toEqual([
      {
        file_id: notes.id,
        file_name: 'launch.md',
        score: 1,
        content: [{ type: 'text', text: 'The launch checklist: fuel the rocket, then count down from ten.' }],
      },
    ])
    expect(text).toBe('Here is what the files say about rocket launch checklist.【4:0†launch.md】')
    expect(annotations).toEqual([
      expect.objectContaining({
        type: 'file_citation',
        text: '【4:0†launch.md】',
        file_citation: { file_id: notes.id },
      }),
    ])
  })

  test("createThreadAndRun's own tool_resources reach the run: the new thread gets them where it names none", async () => {
    const { client, assistant } = start(makeStore())
    const file = await client.files.create({
      file: await toFile(Buffer.from('Refunds are paid within 30 days.'), 'refunds.md'),
      purpose: 'assistants',
    })
    const vectorStore = await client.vectorStores.create({ file_ids: [file.id] })
    const run = await client.beta.threads.createAndRunPoll(
      {
        assistant_id: assistant.id,
        tools: [{ type: 'file_search' }],
        tool_resources: { file_search: { vector_store_ids: [vectorStore.id] } },
        thread: { messages: [{ role: 'user', content: '/search refunds paid' }] },
      },
      { pollIntervalMs: 5 },
    )
    expect(run.status).toBe('completed')
    const thread = await client.beta.threads.retrieve(run.thread_id)
    expect(thread.tool_resources).toEqual({ file_search: { vector_store_ids: [vectorStore.id] } })
    const { results, annotations } = await outcome(client, run.thread_id, run.id)
    expect(results.map((result) => result.file_name)).toEqual(['refunds.md'])
    expect(annotations).toEqual([expect.objectContaining({ file_citation: { file_id: file.id } })])
  })

  test("the thread's vector store counts too, max_num_results caps the results, and no match means no citation", async () => {
    const { client, assistant } = start(makeStore())
    const files = []
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      files.push(
        await client.files.create({
          file: await toFile(
            Buffer.from(`${name} mentions comets and ${name === 'a.txt' ? 'tails' : 'orbits'}`),
            name,
          ),
          purpose: 'assistants',
        }),
      )
    }
    const vectorStore = await client.vectorStores.create({ file_ids: files.map((file) => file.id) })
    const thread = await client.beta.threads.create({
      tool_resources: { file_search: { vector_store_ids: [vectorStore.id] } },
      messages: [{ role: 'user', content: '/search comets tails' }],
    })
    const run = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id, tools: [{ type: 'file_search', file_search: { max_num_results: 2 } }] },
      { pollIntervalMs: 5 },
    )
    const { results, annotations } = await outcome(client, thread.id, run.id)
    expect(results.map((result) => [result.file_name, result.score])).toEqual([
      ['a.txt', 1],
      ['b.txt', 0.5],
    ])
    expect(
      annotations.map(
        (annotation) => annotation.type === 'file_citation' && annotation.file_citation.file_id,
      ),
    ).toEqual([files[0]!.id])

    await client.beta.threads.messages.create(thread.id, { role: 'user', content: '/search nebulae' })
    const unmatched = await client.beta.threads.runs.createAndPoll(
      thread.id,
      { assistant_id: assistant.id },
      { pollIntervalMs: 5 },
    )
    const none = await outcome(client, thread.id, unmatched.id)
    expect(none.results).toEqual([])
    expect(none.text).toBe('The files say nothing about nebulae.')
    expect(none.annotations).toEqual([])
  })
})

test('without vector stores (or with empty ones) /search keeps its invented results', async () => {
  const { client, assistant } = start(createMemoryStore())
  const empty = await client.vectorStores.create({ name: 'empty' })
  const thread = await client.beta.threads.create({
    tool_resources: { file_search: { vector_store_ids: [empty.id] } },
    messages: [{ role: 'user', content: '/search anything' }],
  })
  const run = await client.beta.threads.runs.createAndPoll(
    thread.id,
    { assistant_id: assistant.id },
    { pollIntervalMs: 5 },
  )
  const { results, text } = await outcome(client, thread.id, run.id)
  expect(results.map((result) => result.file_name)).toEqual(['notes.md', 'faq.md'])
  expect(results[0]!.file_id).toMatch(/^file-notes/)
  expect(text).toBe('Here is what the files say about anything.【4:0†notes.md】')
})
