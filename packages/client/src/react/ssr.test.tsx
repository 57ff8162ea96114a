// Server rendering and Suspense with the option factories: prefetch on a server, render to HTML, dehydrate, send,
// hydrate in the browser under the browser client's keys (`cacheScope`), and the factories in the suspense hooks.
import {
  type DehydratedState,
  dehydrate,
  HydrationBoundary,
  QueryClient,
  QueryClientProvider,
  useSuspenseInfiniteQuery,
  useSuspenseQuery,
} from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { Component, type ReactNode, Suspense } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, test, vi } from 'vitest'
import { type Client, createClient, type RunIds } from '../core/index.ts'
import { runQueries } from '../query/queries.ts'
import { RunsClientProvider } from './RunsClientProvider.tsx'
import {
  createTestBackend,
  createTestQueryClient,
  renderWithClient,
  type TestBackend,
  textOf,
} from './test-utils.tsx'
import { useRun } from './useRun.ts'
import { useThreadMessages } from './useThreadMessages.ts'

const BROWSER_BASE = '/api/runs'

// A finished run on a thread, made through the test backend's client.
async function finishedRun(backend: TestBackend): Promise<RunIds> {
  const thread = await backend.client.threads.create({ messages: [{ role: 'user', content: 'Hello' }] })
  const run = await backend.client.runs.createAndPoll({ threadId: thread.id }, { assistant_id: 'asst_demo' })
  expect(run.status).toBe('completed')
  return { threadId: thread.id, runId: run.id }
}

// What a server-side client looks like: an absolute upstream URL (here the in-process server).
function serverClient(backend: TestBackend, cacheScope?: string): Client {
  return createClient({
    baseURL: 'http://upstream.test/v1',
    fetch: (input, init) => backend.server.fetch(new Request(input, init)),
    ...(cacheScope ? { cacheScope } : {}),
  })
}

// The browser's client: the same-origin proxy path; its requests are counted and served by the same server.
function browserClient(backend: TestBackend) {
  const requests: string[] = []
  const client = createClient({
    baseURL: BROWSER_BASE,
    fetch: (input, init) => {
      const path = new URL(String(input), 'http://app.test').pathname.slice(BROWSER_BASE.length)
      requests.push(path)
      return backend.server.fetch(new Request(`http://upstream.test/v1${path}`, init))
    },
  })
  return { client, requests }
}

function Thread({ ids }: { ids: RunIds }) {
  const run = useRun(ids)
  const messages = useThreadMessages(ids)
  const list = messages.data?.pages.flatMap((page) => page.data) ?? []
  return (
    <section>
      <p>run: {run.data?.status ?? 'loading'}</p>
      {list.length === 0 ? <p>no messages yet</p> : null}
      {list.map((message) => (
        <p key={message.id}>{textOf(message)}</p>
      ))}
    </section>
  )
}

function Providers({
  queryClient,
  client,
  children,
}: {
  queryClient: QueryClient
  client: Client
  children: ReactNode
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>{children}</RunsClientProvider>
    </QueryClientProvider>
  )
}

// The server's half: prefetch with the factories, render to HTML, dehydrate to what would go over the wire.
async function renderOnServer(client: Client, ids: RunIds) {
  const queryClient = new QueryClient()
  await Promise.all([
    queryClient.prefetchQuery(runQueries.run(client, ids)),
    queryClient.prefetchInfiniteQuery(runQueries.messages(client, ids)),
  ])
  const html = renderToString(
    <Providers queryClient={queryClient} client={client}>
      <Thread ids={ids} />
    </Providers>,
  )
  return { html, state: JSON.parse(JSON.stringify(dehydrate(queryClient))) as DehydratedState }
}

// The browser's half: a fresh QueryClient, the dehydrated state, the same component.
function hydrateInBrowser(backend: TestBackend, state: DehydratedState, ids: RunIds) {
  const browser = browserClient(backend)
  render(
    <Providers queryClient={createTestQueryClient()} client={browser.client}>
      <HydrationBoundary state={state}>
        <Thread ids={ids} />
      </HydrationBoundary>
    </Providers>,
  )
  return browser
}

describe('SSR: prefetch, render to HTML, dehydrate, hydrate', () => {
  test('the HTML has the thread, and the browser renders it at once from the dehydrated cache', async () => {
    const backend = createTestBackend()
    const ids = await finishedRun(backend)
    const { html, state } = await renderOnServer(serverClient(backend, BROWSER_BASE), ids)
    expect(html).toContain('run: <!-- -->completed')
    expect(html).toContain('You said: &quot;Hello&quot;')

    hydrateInBrowser(backend, state, ids)
    // The first render, before any response: the server's data, no loading state.
    expect(screen.getByText('run: completed')).toBeTruthy()
    expect(screen.getByText('You said: "Hello"')).toBeTruthy()
    expect(screen.queryByText('no messages yet')).toBeNull()
  })

  test("without cacheScope the server's keys are not the browser's: nothing hydrates (why the option exists)", async () => {
    const backend = createTestBackend()
    const ids = await finishedRun(backend)
    const { state } = await renderOnServer(serverClient(backend), ids)
    const browser = hydrateInBrowser(backend, state, ids)
    expect(screen.getByText('run: loading')).toBeTruthy()
    expect(screen.getByText('no messages yet')).toBeTruthy()
    // It then fetches what the server had already fetched.
    expect(await screen.findByText('You said: "Hello"')).toBeTruthy()
    expect(browser.requests).toContain(`/threads/${ids.threadId}/messages`)
  })
})

function SuspenseThread({ client, ids }: { client: Client; ids: RunIds }) {
  const run = useSuspenseQuery(runQueries.run(client, ids))
  const messages = useSuspenseInfiniteQuery(runQueries.messages(client, ids, { order: 'asc' }))
  // Suspense guarantees data: no undefined checks (the types say so too).
  const texts = messages.data.pages.flatMap((page) => page.data).map(textOf)
  return (
    <p>
      {run.data.status}: {texts.join(' / ')}
    </p>
  )
}

describe('Suspense: the factories in the suspense hooks', () => {
  test('a fallback first, then the run and its messages; a missing run reaches the error boundary typed', async () => {
    const backend = createTestBackend()
    const ids = await finishedRun(backend)
    const { client } = backend
    renderWithClient(
      createTestQueryClient(),
      client,
      <Suspense fallback={<p>loading…</p>}>
        <SuspenseThread client={client} ids={ids} />
      </Suspense>,
    )
    expect(screen.getByText('loading…')).toBeTruthy()
    expect(await screen.findByText('completed: Hello / You said: "Hello"')).toBeTruthy()

    // React reports an error caught by a boundary on console.error; keep it out of the output.
    const reported = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    renderWithClient(
      createTestQueryClient(),
      client,
      <Caught>
        <Suspense fallback={<p>loading…</p>}>
          <SuspenseThread client={client} ids={{ threadId: ids.threadId, runId: 'run_missing' }} />
        </Suspense>
      </Caught>,
    )
    expect(await screen.findByText(/^caught NotFoundError/)).toBeTruthy()
    reported.mockRestore()
  })
})

class Caught extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null }
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? (
      <p>
        caught {this.state.error.name}: {this.state.error.message}
      </p>
    ) : (
      this.props.children
    )
  }
}
