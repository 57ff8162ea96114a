// The connected components' default file options against the real server's fetch handler: a file-search run over
// an uploaded file cites it by its `filename` (the id while loading, or when the file cannot be read), fetched
// once per file; file links and `image_file` parts go to `client.files.url`; the app's own options win.
import { type Client, createClient } from '@oai-runs/client'
import { RunsClientProvider } from '@oai-runs/client/react'
import { createRunsServer, demoAssistant, type RunsServer } from '@oai-runs/server'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, expect, test } from 'vitest'
import { ConnectedMessageContent, ConnectedRunViewer } from './connected.tsx'
import { useDefaultFileOptions } from './file-options.ts'

const BASE_URL = 'http://runs.local/v1'
const disposers: Array<() => void> = []
afterEach(() => {
  for (const dispose of disposers.splice(0)) {
    dispose()
  }
})

// The server is the network; `requests` counts what the client sent (method and path below the base URL).
function setup() {
  const server: RunsServer = createRunsServer({ tokenDelayMs: 0, pollAfterMs: 5 })
  server.seedAssistant(demoAssistant)
  const requests: string[] = []
  const client: Client = createClient({
    baseURL: BASE_URL,
    maxRetries: 0,
    fetch: (input, init) => {
      const request = new Request(input, init)
      requests.push(`${request.method} ${new URL(request.url).pathname.replace('/v1', '')}`)
      return server.fetch(request)
    },
  })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const wrap = (ui: ReactNode) =>
    render(
      <QueryClientProvider client={queryClient}>
        <RunsClientProvider client={client}>{ui}</RunsClientProvider>
      </QueryClientProvider>,
    )
  disposers.push(() => {
    queryClient.clear()
    server.close()
  })
  const raw = (path: string, init: RequestInit = {}) => server.fetch(new Request(`${BASE_URL}${path}`, init))
  const upload = async (filename: string, text: string) => {
    const form = new FormData()
    form.set('purpose', 'assistants')
    form.set('file', new File([text], filename))
    return ((await (await raw('/files', { method: 'POST', body: form })).json()) as { id: string }).id
  }
  const fileGets = () => requests.filter((line) => /^GET \/files\//.test(line)).length
  return { server, client, queryClient, wrap, raw, upload, requests, fileGets }
}

/** A finished `/search` run over a vector store holding one uploaded file; the ids of its thread, run and reply. */
async function searchRun(backend: ReturnType<typeof setup>, filename: string) {
  const fileId = await backend.upload(
    filename,
    'The launch checklist: fuel the rocket, then count down from ten.',
  )
  const store = (await (
    await backend.raw('/vector_stores', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'manuals', file_ids: [fileId] }),
    })
  ).json()) as { id: string }
  const run = await backend.client.runs.createThreadAndRunPoll({
    assistant_id: 'asst_demo',
    thread: {
      messages: [{ role: 'user', content: '/search rocket launch checklist' }],
      tool_resources: { file_search: { vector_store_ids: [store.id] } },
    },
  })
  expect(run.status).toBe('completed')
  const [reply] = (await backend.client.messages.list({ threadId: run.thread_id }, { limit: 1 })).data
  return { fileId, threadId: run.thread_id, runId: run.id, messageId: reply!.id }
}

test('a citation shows the file name (bidi-isolated) and links to client.files.url; two readers, one request', async () => {
  const backend = setup()
  const { fileId, threadId, messageId } = await searchRun(backend, 'launch.md')
  backend.requests.length = 0
  backend.wrap(
    <>
      <ConnectedMessageContent threadId={threadId} messageId={messageId} data-testid="one" />
      <ConnectedMessageContent threadId={threadId} messageId={messageId} data-testid="two" />
    </>,
  )
  const sources = await screen.findAllByRole('region', { name: 'Sources' })
  expect(sources).toHaveLength(2)
  await waitFor(() => expect(sources[0]!.textContent).toContain('launch.md'))
  await waitFor(() => expect(sources[1]!.textContent).toContain('launch.md'))
  const name = sources[0]!.querySelector('bdi')!
  expect(name.textContent).toBe('launch.md')
  expect(name.closest('a')!.getAttribute('href')).toBe(`${BASE_URL}/files/${fileId}/content`)
  expect(backend.client.files.url({ fileId })).toBe(`${BASE_URL}/files/${fileId}/content`)
  expect(backend.fileGets()).toBe(1)
  expect(backend.requests).toContain(`GET /files/${fileId}`)
})

test('before the file arrives the footnote shows the id; a file that cannot be read keeps the id, asked once', async () => {
  const backend = setup()
  const { fileId, threadId, messageId } = await searchRun(backend, 'gone.md')
  expect((await backend.raw(`/files/${fileId}`, { method: 'DELETE' })).status).toBe(200)
  backend.requests.length = 0
  const view = backend.wrap(<ConnectedMessageContent threadId={threadId} messageId={messageId} />)
  const sources = await screen.findByRole('region', { name: 'Sources' })
  expect(sources.querySelector('bdi')!.textContent).toBe(fileId)
  await waitFor(() => expect(backend.fileGets()).toBe(1))
  // Re-renders (here: the same tree again) read the failed entry and never ask again.
  view.rerender(
    <QueryClientProvider client={backend.queryClient}>
      <RunsClientProvider client={backend.client}>
        <ConnectedMessageContent threadId={threadId} messageId={messageId} />
      </RunsClientProvider>
    </QueryClientProvider>,
  )
  await waitFor(() =>
    expect(backend.queryClient.getQueryState(['oai-runs', BASE_URL, 'file', fileId])?.status).toBe('error'),
  )
  expect(screen.getByRole('region', { name: 'Sources' }).querySelector('bdi')!.textContent).toBe(fileId)
  expect(backend.fileGets()).toBe(1)
})

test("the app's getFileName and getFileUrl win: no file request, its names and links", async () => {
  const backend = setup()
  const { fileId, threadId, runId, messageId } = await searchRun(backend, 'launch.md')
  backend.requests.length = 0
  backend.wrap(
    <>
      <ConnectedMessageContent
        threadId={threadId}
        messageId={messageId}
        getFileName={(id) => `Doc ${id.length}`}
        getFileUrl={(id) => `/my/files/${id}`}
        data-testid="app"
      />
      <ConnectedRunViewer
        threadId={threadId}
        runId={runId}
        contentOptions={{ getFileName: () => 'From the app', getFileUrl: () => null }}
      />
    </>,
  )
  await waitFor(() => expect(screen.getByTestId('app').textContent).toContain(`Doc ${fileId.length}`))
  const link = screen.getByTestId('app').querySelector('[data-oai-footnotes] a')!
  expect(link.getAttribute('href')).toBe(`/my/files/${fileId}`)
  await waitFor(() => expect(screen.getAllByRole('region', { name: 'Sources' })).toHaveLength(2))
  const viewerSources = screen.getAllByRole('region', { name: 'Sources' })[1]!
  expect(viewerSources.textContent).toContain('From the app')
  expect(viewerSources.querySelector('a[href*="/files/"]')).toBeNull()
  expect(backend.fileGets()).toBe(0)
})

test('the run viewer names cited files by default too, sharing the one request with other components', async () => {
  const backend = setup()
  const { threadId, runId, messageId } = await searchRun(backend, 'checklist.md')
  backend.requests.length = 0
  backend.wrap(
    <>
      <ConnectedRunViewer threadId={threadId} runId={runId} />
      <ConnectedMessageContent threadId={threadId} messageId={messageId} />
    </>,
  )
  await waitFor(() => expect(screen.getAllByRole('region', { name: 'Sources' })).toHaveLength(2))
  for (const sources of screen.getAllByRole('region', { name: 'Sources' })) {
    await waitFor(() => expect(sources.textContent).toContain('checklist.md'))
  }
  expect(backend.fileGets()).toBe(1)
})

test('an image_file part loads from client.files.url; getFileUrl returning null leaves it unlinked', async () => {
  const backend = setup()
  const fileId = await backend.upload('chart.png', 'not really a png')
  const thread = await backend.client.threads.create({
    messages: [{ role: 'user', content: [{ type: 'image_file', image_file: { file_id: fileId } }] }],
  })
  const [message] = (await backend.client.messages.list({ threadId: thread.id })).data
  backend.wrap(
    <>
      <ConnectedMessageContent threadId={thread.id} messageId={message!.id} data-testid="default" />
      <ConnectedMessageContent
        threadId={thread.id}
        messageId={message!.id}
        getFileUrl={() => null}
        data-testid="off"
      />
    </>,
  )
  const image = await waitFor(() => screen.getByTestId('default').querySelector('img')!)
  expect(image.getAttribute('src')).toBe(`${BASE_URL}/files/${fileId}/content`)
  const fetched = await backend.raw(`/files/${fileId}/content`)
  expect(fetched.headers.get('content-type')).toBe('image/png')
  expect(screen.getByTestId('off').querySelector('img')).toBeNull()
  expect(screen.getByTestId('off').textContent).toContain(fileId)
})

// Records every options object useDefaultFileOptions returns, and the name it gives the file.
function OptionsProbe({
  tick,
  fileId,
  seen,
  names,
}: {
  tick: number
  fileId: string
  seen: Set<unknown>
  names: Array<string | null | undefined>
}) {
  const options = useDefaultFileOptions({ linkTarget: '_blank' }) // a new object on every render
  seen.add(options)
  names.push(options.getFileName?.(fileId))
  return <span data-testid="probe">{`${tick} ${options.getFileName?.(fileId) ?? fileId}`}</span>
}

test('useDefaultFileOptions keeps one options object across renders and makes a new one only when a name arrives', async () => {
  const backend = setup()
  const fileId = await backend.upload('launch.md', 'text')
  const seen = new Set<unknown>()
  const names: Array<string | null | undefined> = []
  const tree = (tick: number) => (
    <QueryClientProvider client={backend.queryClient}>
      <RunsClientProvider client={backend.client}>
        <OptionsProbe tick={tick} fileId={fileId} seen={seen} names={names} />
      </RunsClientProvider>
    </QueryClientProvider>
  )
  const view = render(tree(0))
  view.rerender(tree(1))
  view.rerender(tree(2))
  expect(seen.size).toBe(1)
  await waitFor(() => expect(screen.getByTestId('probe').textContent).toBe('2 launch.md'))
  expect(seen.size).toBe(2)
  view.rerender(tree(3))
  expect(seen.size).toBe(2)
  expect([...seen].every((options) => (options as { linkTarget?: string }).linkTarget === '_blank')).toBe(
    true,
  )
  expect(names[0]).toBeNull()
  expect(backend.fileGets()).toBe(1)
})
