// The Files and Vector Stores APIs through the official `openai` SDK (and the raw fetch handler where the SDK hides
// the wire), on the memory store and on the SQLite store; every object checked against the spec's schema when the
// spec is beside the repository (../shared/spec/openai-openapi.yaml).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Ajv2020 from 'ajv/dist/2020'
import OpenAI, { toFile } from 'openai'
import { afterEach, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { createManualClock } from '../clock.ts'
import { createRunsServer, type RunsServerOptions } from '../server.ts'
import { createSqliteStore, type SqliteRunsStore } from '../sqlite.ts'
import { openConnection } from '../sqlite-driver.ts'
import { createMemoryFilesStore, createMemoryStore, type RunsStore } from '../store.ts'
import { createFilesHandler } from './handler.ts'

const specPath = new URL('../../../../../shared/spec/openai-openapi.yaml', import.meta.url)
const spec = existsSync(specPath)
  ? (parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>)
  : undefined
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
if (spec) {
  ajv.addSchema({ ...spec, $id: 'https://openai.test/openapi.json' })
}

/** Fails when `value` does not match the spec's schema `name` (skipped when the spec is not beside the repo). */
function expectShape(name: string, value: unknown): void {
  if (!spec) {
    return
  }
  const validate = ajv.getSchema(`https://openai.test/openapi.json#/components/schemas/${name}`)!
  const valid = validate(JSON.parse(JSON.stringify(value)))
  expect(valid ? [] : validate.errors, `${name}: ${JSON.stringify(value)}`).toEqual([])
}

test.skipIf(!spec)('the shape checks run against the spec and catch a wrong object', () => {
  expect(() => expectShape('OpenAIFile', { id: 'file-x', object: 'file' })).toThrow()
})

/** The raw JSON body of an SDK page (the SDK keeps it protected). */
const pageBody = (page: unknown) => (page as { body: unknown }).body

const dirs: string[] = []
const stores: SqliteRunsStore[] = []
afterEach(() => {
  for (const store of stores.splice(0)) {
    store.close()
  }
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true })
  }
})

function sqliteStore(dir = mkdtempSync(join(tmpdir(), 'oai-files-'))): SqliteRunsStore {
  if (!dirs.includes(dir)) {
    dirs.push(dir)
  }
  const store = createSqliteStore(join(dir, 'runs.db'))
  stores.push(store)
  return store
}

const storeKinds: [string, () => RunsStore][] = [
  ['memory', createMemoryStore],
  ['sqlite', () => sqliteStore()],
]

function start(store: RunsStore, options: RunsServerOptions = {}) {
  const server = createRunsServer({ tokenDelayMs: 0, store, ...options })
  const requests: Request[] = []
  const fetch = (url: string | URL | Request, init?: RequestInit) => {
    const request = new Request(url, init)
    requests.push(request)
    return server.fetch(request)
  }
  const client = new OpenAI({ apiKey: 'test', baseURL: 'http://runs.test/v1', fetch, maxRetries: 0 })
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await server.fetch(
      new Request(`http://runs.test/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    )
    // biome-ignore lint/suspicious/noExplicitAny: tests read API bodies loosely; expectShape checks their shape.
    return { status: response.status, body: (await response.json()) as any }
  }
  return { server, client, requests, call }
}

const upload = async (client: OpenAI, text: string | Uint8Array, name = 'notes.md') =>
  client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'assistants' })

describe.each(storeKinds)('on the %s store', (_kind, makeStore) => {
  test('upload, retrieve, list, download and delete a file; bytes and the filename (bidi and all) kept exactly', async () => {
    const { client } = start(makeStore())
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index)
    const name = 'r\u202Eevil\u202Cgpj \t\u200F\u0007.md'
    const file = await client.files.create({ file: await toFile(bytes, name), purpose: 'user_data' })
    expectShape('OpenAIFile', file)
    expect(file).toMatchObject({
      object: 'file',
      bytes: 256,
      filename: name,
      purpose: 'user_data',
      status: 'processed',
    })
    expect(file.id).toMatch(/^file-[A-Za-z0-9]{24}$/)
    expect(await client.files.retrieve(file.id)).toEqual(file)
    const content = await client.files.content(file.id)
    expect(content.headers.get('content-type')).toBe('text/markdown; charset=utf-8')
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes)
    const deleted = await client.files.delete(file.id)
    expectShape('DeleteFileResponse', deleted)
    expect(deleted).toEqual({ id: file.id, object: 'file', deleted: true })
    const missing = await client.files.retrieve(file.id).catch((error: unknown) => error)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).message).toBe(
      `404 No such File object: ${file.id}`,
    )
    await expect(client.files.content(file.id)).rejects.toThrow(`No such File object: ${file.id}`)
    await expect(client.files.delete(file.id)).rejects.toThrow(`No such File object: ${file.id}`)
  })

  test('list files: newest first, `purpose`, `order`, and pages through `after`', async () => {
    const clock = createManualClock()
    const { client, requests } = start(makeStore(), { clock })
    const ids: string[] = []
    for (let index = 0; index < 5; index++) {
      clock.advance(1000)
      const file = await client.files.create({
        file: await toFile(Buffer.from(`file ${index}`), `f${index}.txt`),
        purpose: index === 4 ? 'batch' : 'assistants',
      })
      ids.push(file.id)
    }
    const all = await client.files.list()
    expectShape('ListFilesResponse', pageBody(all))
    expect(all.data.map((file) => file.id)).toEqual([...ids].reverse())
    const onlyAssistants = await client.files.list({ purpose: 'assistants', order: 'asc' })
    expect(onlyAssistants.data.map((file) => file.id)).toEqual(ids.slice(0, 4))

    const before = requests.length
    const seen: string[] = []
    for await (const file of client.files.list({ order: 'asc', limit: 2 })) {
      seen.push(file.id)
    }
    expect(seen).toEqual(ids)
    const pages = requests.slice(before).map((request) => new URL(request.url).searchParams.get('after'))
    expect(pages).toEqual([null, ids[1], ids[3]])
  })

  test('vector store: a file attached and polled, counts and usage, search, content, attributes, modify, delete', async () => {
    const { client } = start(makeStore())
    const notes = await upload(client, 'Llamas hum when they are calm. Alpacas are smaller than llamas.')
    const other = await upload(client, 'Kettles boil water for tea.', 'kitchen.txt')
    const created = await client.vectorStores.create({ name: 'docs', metadata: { team: 'a' } })
    expectShape('VectorStoreObject', created)
    expect(created).toMatchObject({
      object: 'vector_store',
      name: 'docs',
      status: 'completed',
      usage_bytes: 0,
    })
    expect(created.id).toMatch(/^vs_/)

    const attached = await client.vectorStores.files.createAndPoll(created.id, {
      file_id: notes.id,
      attributes: { lang: 'en', year: 2024 },
    })
    expectShape('VectorStoreFileObject', attached)
    expect(attached).toMatchObject({
      id: notes.id,
      object: 'vector_store.file',
      status: 'completed',
      last_error: null,
      vector_store_id: created.id,
      usage_bytes: notes.bytes,
      chunking_strategy: {
        type: 'static',
        static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
      },
      attributes: { lang: 'en', year: 2024 },
    })
    await client.vectorStores.files.createAndPoll(created.id, {
      file_id: other.id,
      attributes: { lang: 'de' },
    })
    const store = await client.vectorStores.retrieve(created.id)
    expect(store.file_counts).toEqual({ in_progress: 0, completed: 2, failed: 0, cancelled: 0, total: 2 })
    expect(store.usage_bytes).toBe(notes.bytes + other.bytes)

    const page = await client.vectorStores.search(created.id, { query: 'Do llamas hum?' })
    expectShape('VectorStoreSearchResultsPage', pageBody(page))
    expect(page.data).toEqual([
      {
        file_id: notes.id,
        filename: 'notes.md',
        score: 0.6667, // "llamas" and "hum" of "do llamas hum"
        attributes: { lang: 'en', year: 2024 },
        content: [{ type: 'text', text: 'Llamas hum when they are calm. Alpacas are smaller than llamas.' }],
      },
    ])
    const filtered = await client.vectorStores.search(created.id, {
      query: ['tea', 'llamas'],
      filters: { type: 'eq', key: 'lang', value: 'de' },
    })
    expect(filtered.data.map((result) => [result.filename, result.score])).toEqual([['kitchen.txt', 0.5]])
    const thresholded = await client.vectorStores.search(created.id, {
      query: 'llamas hum tea',
      ranking_options: { score_threshold: 0.5 },
    })
    expect(thresholded.data.map((result) => result.filename)).toEqual(['notes.md'])

    const chunks = await client.vectorStores.files.content(notes.id, { vector_store_id: created.id })
    expect(chunks.data).toEqual([
      { type: 'text', text: 'Llamas hum when they are calm. Alpacas are smaller than llamas.' },
    ])
    const updated = await client.vectorStores.files.update(notes.id, {
      vector_store_id: created.id,
      attributes: { lang: 'fr' },
    })
    expect(updated.attributes).toEqual({ lang: 'fr' })

    const listed = await client.vectorStores.files.list(created.id, { filter: 'completed', order: 'asc' })
    expectShape('ListVectorStoreFilesResponse', pageBody(listed))
    expect(listed.data.map((file) => file.id)).toEqual([notes.id, other.id])

    const modified = await client.vectorStores.update(created.id, {
      name: 'renamed',
      expires_after: { anchor: 'last_active_at', days: 7 },
    })
    expect(modified).toMatchObject({ name: 'renamed', expires_after: { anchor: 'last_active_at', days: 7 } })
    expect(modified.expires_at).toBe((modified.last_active_at ?? 0) + 7 * 86_400)
    const stores = await client.vectorStores.list()
    expectShape('ListVectorStoresResponse', pageBody(stores))
    expect(stores.data.map((item) => item.id)).toEqual([created.id])

    const removed = await client.vectorStores.files.delete(other.id, { vector_store_id: created.id })
    expectShape('DeleteVectorStoreFileResponse', removed)
    expect(removed).toEqual({ id: other.id, object: 'vector_store.file.deleted', deleted: true })
    expect((await client.files.retrieve(other.id)).id).toBe(other.id) // the file itself stays
    const deleted = await client.vectorStores.delete(created.id)
    expectShape('DeleteVectorStoreResponse', deleted)
    expect(deleted).toEqual({ id: created.id, object: 'vector_store.deleted', deleted: true })
    await expect(client.vectorStores.retrieve(created.id)).rejects.toThrow(
      `No vector store found with id '${created.id}'.`,
    )
  })

  test('a non-text file fails with last_error; the store counts it failed; deleting a file removes it from stores', async () => {
    const { client } = start(makeStore())
    const image = await client.files.create({
      file: await toFile(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]), 'pixel.png'),
      purpose: 'assistants',
    })
    const text = await upload(client, 'plain words')
    const vectorStore = await client.vectorStores.create({ file_ids: [image.id, text.id] })
    expect(vectorStore.status).toBe('in_progress') // indexed by the next read
    expect(vectorStore.file_counts).toEqual({
      in_progress: 2,
      completed: 0,
      failed: 0,
      cancelled: 0,
      total: 2,
    })
    const failed = await client.vectorStores.files.poll(vectorStore.id, image.id)
    expectShape('VectorStoreFileObject', failed)
    expect(failed.status).toBe('failed')
    expect(failed.last_error).toEqual({
      code: 'unsupported_file',
      message:
        'The file pixel.png is not a text file (UTF-8 without NUL bytes), so this server cannot index it.',
    })
    expect((await client.vectorStores.retrieve(vectorStore.id)).file_counts).toEqual({
      in_progress: 0,
      completed: 1,
      failed: 1,
      cancelled: 0,
      total: 2,
    })
    const failedOnly = await client.vectorStores.files.list(vectorStore.id, { filter: 'failed' })
    expect(failedOnly.data.map((file) => file.id)).toEqual([image.id])

    await client.files.delete(text.id)
    const after = await client.vectorStores.retrieve(vectorStore.id)
    expect(after.file_counts).toMatchObject({ completed: 0, failed: 1, total: 1 })
    expect(after.usage_bytes).toBe(0)
    await expect(
      client.vectorStores.files.retrieve(text.id, { vector_store_id: vectorStore.id }),
    ).rejects.toThrow(`No file found with id '${text.id}' in vector store '${vectorStore.id}'.`)
  })

  test('file batches: createAndPoll, the batch files, per-file options, and a cancel before indexing', async () => {
    const { client, call } = start(makeStore())
    const a = await upload(client, 'one two three four five six', 'a.md')
    const b = await upload(client, 'seven eight', 'b.md')
    const vectorStore = await client.vectorStores.create({ name: 'batches' })
    const batch = await client.vectorStores.fileBatches.createAndPoll(vectorStore.id, {
      files: [
        {
          file_id: a.id,
          chunking_strategy: {
            type: 'static',
            static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 },
          },
        },
        { file_id: b.id, attributes: { kind: 'short' } },
      ],
    })
    expectShape('VectorStoreFileBatchObject', batch)
    expect(batch).toMatchObject({
      object: 'vector_store.files_batch',
      vector_store_id: vectorStore.id,
      status: 'completed',
      file_counts: { in_progress: 0, completed: 2, failed: 0, cancelled: 0, total: 2 },
    })
    expect(batch.id).toMatch(/^vsfb_/)
    const files = await client.vectorStores.fileBatches.listFiles(batch.id, {
      vector_store_id: vectorStore.id,
      order: 'asc',
    })
    expect(files.data.map((file) => [file.id, file.chunking_strategy, file.attributes])).toEqual([
      [a.id, { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 0 } }, {}],
      [
        b.id,
        { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } },
        { kind: 'short' },
      ],
    ])

    // Created and cancelled with no read in between: its files were never indexed.
    const other = await client.vectorStores.create({})
    const pending = await client.vectorStores.fileBatches.create(other.id, { file_ids: [a.id, b.id] })
    expect(pending.status).toBe('in_progress')
    const cancelled = await client.vectorStores.fileBatches.cancel(pending.id, { vector_store_id: other.id })
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 2, total: 2 },
    })
    expect((await client.vectorStores.retrieve(other.id)).file_counts.cancelled).toBe(2)

    const neither = await call('POST', `/vector_stores/${other.id}/file_batches`, {
      chunking_strategy: { type: 'auto' },
    })
    expect(neither.status).toBe(400)
    const missing = await call('GET', `/vector_stores/${other.id}/file_batches/vsfb_nope`)
    expect(missing).toEqual({
      status: 404,
      body: {
        error: {
          message: `No file batch found with id 'vsfb_nope' in vector store '${other.id}'.`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    })
  })

  test('chunking: static chunks of words with their overlap; the overlap may not exceed half the size', async () => {
    const { client, call } = start(makeStore())
    const words = Array.from({ length: 250 }, (_, index) => `w${index}`)
    const file = await upload(client, words.join(' '), 'words.txt')
    const vectorStore = await client.vectorStores.create({})
    await client.vectorStores.files.createAndPoll(vectorStore.id, {
      file_id: file.id,
      chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 50 } },
    })
    const chunks = await client.vectorStores.files.content(file.id, { vector_store_id: vectorStore.id })
    expect(chunks.data.map((chunk) => chunk.text?.split(' ').at(0))).toEqual(['w0', 'w50', 'w100', 'w150'])
    expect(chunks.data.map((chunk) => chunk.text?.split(' ').length)).toEqual([100, 100, 100, 100])
    const bad = await call('POST', `/vector_stores/${vectorStore.id}/files`, {
      file_id: file.id,
      chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 51 } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.param).toBe('chunking_strategy.static.chunk_overlap_tokens')
    const small = await call('POST', '/vector_stores', {
      chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 99, chunk_overlap_tokens: 0 } },
    })
    expect(small.body.error).toMatchObject({
      param: 'chunking_strategy.static.max_chunk_size_tokens',
      code: 'integer_below_min_value',
    })
  })

  test('errors: bad JSON, unknown arguments and values, unknown ids; requests name what to fix', async () => {
    const { call } = start(makeStore())
    expect((await call('POST', '/vector_stores', '{nope')).body.error.message).toMatch(
      /could not parse the JSON body/,
    )
    expect((await call('POST', '/vector_stores', { nmae: 'x' })).body.error).toMatchObject({
      message: 'Unrecognized request argument supplied: nmae',
      code: 'unknown_parameter',
    })
    expect((await call('POST', '/vector_stores', { file_ids: ['file-nope'] })).body.error).toMatchObject({
      message: 'No such File object: file-nope',
    })
    expect((await call('GET', '/vector_stores/vs_nope')).status).toBe(404)
    expect((await call('POST', '/vector_stores/vs_nope/search', { query: 'x' })).body.error.message).toBe(
      "No vector store found with id 'vs_nope'.",
    )
    const vectorStore = (await call('POST', '/vector_stores', {})).body
    expect((await call('POST', `/vector_stores/${vectorStore.id}/search`, {})).body.error).toMatchObject({
      message: "Missing required parameter: 'query'.",
      param: 'query',
    })
    expect(
      (
        await call('POST', `/vector_stores/${vectorStore.id}/search`, {
          query: 'x',
          filters: { type: 'near', key: 'a', value: 1 },
        })
      ).body.error.param,
    ).toBe('filters.type')
    expect((await call('GET', `/vector_stores/${vectorStore.id}/files?filter=done`)).body.error.param).toBe(
      'filter',
    )
    expect((await call('GET', '/files?limit=0')).body.error.code).toBe('integer_below_min_value')
    expect((await call('PUT', '/files')).body.error.message).toBe('Invalid URL (PUT /v1/files)')
    expect((await call('GET', '/files/%E0%A4%A')).body.error.message).toBe('No such File object: %E0%A4%A')
  })

  test('expiry: a file past its expires_at is gone; a vector store past its expires_at is expired', async () => {
    const clock = createManualClock()
    const { client } = start(makeStore(), { clock })
    const file = await client.files.create({
      file: await toFile(Buffer.from('short-lived'), 'tmp.txt'),
      purpose: 'assistants',
      expires_after: { anchor: 'created_at', seconds: 3600 },
    })
    expect(file.expires_at).toBe(file.created_at + 3600)
    const vectorStore = await client.vectorStores.create({
      expires_after: { anchor: 'last_active_at', days: 1 },
    })
    clock.advance(3600 * 1000)
    await expect(client.files.retrieve(file.id)).rejects.toThrow(`No such File object: ${file.id}`)
    clock.advance(23 * 3600 * 1000)
    const expired = await client.vectorStores.retrieve(vectorStore.id)
    expectShape('VectorStoreObject', expired)
    expect(expired.status).toBe('expired')
  })
})

test('createFilesHandler on its own: answers its paths, returns undefined for every other one', async () => {
  const handler = createFilesHandler(createMemoryFilesStore(), { basePath: '/api' })
  const form = new FormData()
  form.set('purpose', 'assistants')
  form.set('file', new File(['alone'], 'alone.txt'))
  const created = await handler(new Request('http://local/api/files', { method: 'POST', body: form }))
  expect(created!.status).toBe(200)
  const file = await created!.json()
  expect(file).toMatchObject({ object: 'file', filename: 'alone.txt', bytes: 5 })
  const listed = await handler(new Request('http://local/api/files'))
  expect((await listed!.json()).data).toEqual([file])
  expect(await handler(new Request('http://local/api/threads'))).toBeUndefined()
  expect(await handler(new Request('http://local/v1/files'))).toBeUndefined()
  expect(await handler(new Request('http://local/api/filesystem'))).toBeUndefined()
  const unknown = await handler(new Request('http://local/api/vector_stores/vs_1/nothing'))
  expect(unknown!.status).toBe(404)
})

test('uploadAndPoll helpers of the SDK: files uploaded and attached in one call', async () => {
  const { client } = start(createMemoryStore())
  const vectorStore = await client.vectorStores.create({ name: 'helpers' })
  const single = await client.vectorStores.files.uploadAndPoll(
    vectorStore.id,
    await toFile(Buffer.from('one file'), 'one.md'),
  )
  expect(single.status).toBe('completed')
  const batch = await client.vectorStores.fileBatches.uploadAndPoll(vectorStore.id, {
    files: [await toFile(Buffer.from('two'), 'two.md'), await toFile(Buffer.from('three'), 'three.md')],
  })
  expect(batch.file_counts).toMatchObject({ completed: 2, total: 2 })
  expect((await client.vectorStores.retrieve(vectorStore.id)).file_counts.total).toBe(3)
})

test('on SQLite, files (their bytes), vector stores, their files and batches survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oai-files-'))
  const first = start(sqliteStore(dir))
  const bytes = Uint8Array.from([0, 1, 2, 250, 255])
  const blob = await first.client.files.create({
    file: await toFile(bytes, 'blob.bin'),
    purpose: 'assistants',
  })
  const text = await upload(first.client, 'durable llamas')
  const vectorStore = await first.client.vectorStores.create({ name: 'kept' })
  const batch = await first.client.vectorStores.fileBatches.createAndPoll(vectorStore.id, {
    file_ids: [text.id, blob.id],
  })
  stores.pop()!.close()

  const second = start(sqliteStore(dir))
  expect(await second.client.files.retrieve(blob.id)).toEqual(blob)
  const content = await second.client.files.content(blob.id)
  expect(content.headers.get('content-type')).toBe('application/octet-stream')
  expect(new Uint8Array(await content.arrayBuffer())).toEqual(bytes)
  expect(
    await second.client.vectorStores.fileBatches.retrieve(batch.id, { vector_store_id: vectorStore.id }),
  ).toEqual(batch)
  const found = await second.client.vectorStores.search(vectorStore.id, { query: 'llamas' })
  expect(found.data.map((result) => result.file_id)).toEqual([text.id])
})

test('a SQLite file made before files existed gets their tables on open; its runs data stays, its version stays 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oai-files-'))
  const first = start(sqliteStore(dir))
  const assistant = await first.client.beta.assistants.create({ model: 'gpt-4o' })
  stores.pop()!.close()
  const raw = openConnection(join(dir, 'runs.db'))
  for (const table of [
    'files',
    'file_contents',
    'vector_stores',
    'vector_store_files',
    'vector_store_file_batches',
  ]) {
    raw.exec(`DROP TABLE ${table}`) // as the file was before this version
  }
  raw.close()

  const second = start(sqliteStore(dir))
  expect((await second.client.beta.assistants.retrieve(assistant.id)).id).toBe(assistant.id)
  const file = await upload(second.client, 'after the upgrade')
  expect((await second.client.files.retrieve(file.id)).filename).toBe('notes.md')
  stores.pop()!.close()
  const check = openConnection(join(dir, 'runs.db'))
  try {
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 })
  } finally {
    check.close()
  }
})
