// The playground on the Responses backend, in Chromium: its options come from playgroundOptionsFromEnv (what
// `pnpm start` runs) with OAI_RUNS_MODEL_API=responses, pointed at the Responses test server in its commands script
// on loopback in this process. The test server keeps its own files: a file uploaded there with the SDK, in a vector
// store named by OAI_RUNS_VECTOR_STORE_ID, is what the demo assistant's `/search` finds, and the reply's citation
// footnote names it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createFilesHandler, createMemoryFilesStore } from '@oai-runs/server'
import { type Listener, listen } from '@oai-runs/server/node'
import { createResponsesTestServer } from '@oai-runs/server/testing'
import OpenAI, { toFile } from 'openai'
import type { Browser } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { createPlaygroundApp, playgroundOptionsFromEnv } from '../../playground/app.ts'
import { launchChromium, openPage, playgroundRoot, screenshot, sendAndWait, textOf } from './harness.ts'

const upstreamKey = 'sk-responses-test-key'
const filename = 'refund-policy.md'
// Its own build: another e2e file may be rebuilding playground/dist at the same time.
const staticDir = mkdtempSync(join(tmpdir(), 'playground-responses-'))

const upstream = createResponsesTestServer({
  apiKey: upstreamKey,
  script: 'commands',
  files: createFilesHandler(createMemoryFilesStore(), { pollAfterMs: 10 }),
})
let upstreamListener: Listener
let browser: Browser
let app: ReturnType<typeof createPlaygroundApp>
let listener: Listener
let url: string
let fileId: string
let vectorStoreId: string

async function buildInto(outDir: string) {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build; test what users get.
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({
      root: playgroundRoot,
      configFile: fileURLToPath(new URL('../../playground/vite.config.ts', import.meta.url)),
      mode: 'production',
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
}

beforeAll(async () => {
  const built = buildInto(staticDir)
  browser = await launchChromium()
  upstreamListener = await listen(
    { fetch: (request) => upstream.fetch(request) },
    { host: '127.0.0.1', port: 0 },
  )
  // The upload lands upstream, as it would on OpenAI: the file, a vector store, the file indexed into it.
  const sdk = new OpenAI({ baseURL: upstreamListener.url, apiKey: upstreamKey, maxRetries: 0 })
  const file = await sdk.files.create({
    file: await toFile(
      Buffer.from('# Refund policy\n\nAny order can be returned within 30 days for a full refund.\n'),
      filename,
    ),
    purpose: 'assistants',
  })
  const vectorStore = await sdk.vectorStores.create({ name: 'Policies' })
  const attached = await sdk.vectorStores.files.createAndPoll(
    vectorStore.id,
    { file_id: file.id },
    { pollIntervalMs: 10 },
  )
  expect(attached.status).toBe('completed')
  fileId = file.id
  vectorStoreId = vectorStore.id
  const options = await playgroundOptionsFromEnv({
    OAI_RUNS_MODEL_API: 'responses',
    OAI_RUNS_MODEL_BASE_URL: upstreamListener.url,
    OAI_RUNS_MODEL_API_KEY: upstreamKey,
    OAI_RUNS_MODEL: 'gpt-4.1-mini',
    OAI_RUNS_VECTOR_STORE_ID: vectorStore.id,
  })
  await built
  app = createPlaygroundApp({ ...options, staticDir })
  listener = await listen(app, { host: '127.0.0.1', port: 0 })
  url = listener.url.replace(/\/v1$/, '')
}, 120_000)

afterAll(async () => {
  await browser?.close()
  app?.close()
  await listener?.close()
  await upstreamListener?.close()
  rmSync(staticDir, { recursive: true, force: true })
})

test('the demo assistant keeps its hosted tools on the Responses API, with the vector store named', async () => {
  const config = await (await fetch(`${url}/api/playground/config`)).json()
  expect(config.tools.map((tool: { type: string }) => tool.type).sort()).toEqual([
    'code_interpreter',
    'file_search',
    'function',
    'function',
  ])
  const assistant = await app.embedded!.data.assistants.get(config.assistantId)
  expect(assistant?.tool_resources).toEqual({ file_search: { vector_store_ids: [vectorStoreId] } })
})

test('/search answers with a citation whose footnote names the uploaded file', async () => {
  const { page, context, watch } = await openPage(browser, url)
  await sendAndWait(page, '/search refund policy', 'completed')
  const reply = page.locator('.pg-message[data-role="assistant"]').last()
  await expect
    .poll(() => textOf(reply.locator('[data-oai-part="text"]')))
    .toContain('Here is what the files say about refund policy.')
  // The citation marker became footnote [1], and the footnote names the file the upstream found.
  const citation = reply.locator('[data-oai-citation]')
  expect(await citation.getAttribute('data-file-id')).toBe(fileId)
  expect(await textOf(citation)).toBe('[1]')
  const footnote = reply.locator('[data-oai-footnotes] li')
  expect(await footnote.count()).toBe(1)
  expect(await footnote.getAttribute('data-file-id')).toBe(fileId)
  // Its name is the uploaded file's, read through the proxy (`GET /files/{id}`, passed through to the upstream).
  await expect.poll(() => textOf(footnote)).toContain(filename)
  // The run panel's file-search step lists the result by its file name.
  await expect
    .poll(() => textOf(page.locator('.pg-inspector [data-oai-results]').first()))
    .toContain(filename)
  await screenshot(page, 'responses-search-citation')
  // The search ran upstream, over the vector store the demo assistant names.
  const searched = upstream.requests.filter((request) => request.path === '/v1/responses')
  expect(searched.at(-1)?.body.tools).toContainEqual({
    type: 'file_search',
    vector_store_ids: [vectorStoreId],
  })
  expect(watch.pageErrors).toEqual([])
  await context.close()
})
