import type { Run } from '@oai-runs/client'
import { runKeys, runMutationKeys, runQueries, useRunStream } from '@oai-runs/client/react'
import type { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { disposeBackends, setupBackend } from '../test/backend.tsx'
import { RunsDevtools } from './index.ts'

const BASE_URL = 'http://runs.test/v1'

// A real backend per test (see setupBackend). The server's clock can be moved so that runs made in one test get
// distinct `created_at` seconds.
function setup(options: { tokenDelayMs?: number } = {}) {
  let offsetMs = 0
  const backend = setupBackend({
    server: {
      tokenDelayMs: options.tokenDelayMs ?? 0,
      pollAfterMs: 5,
      clock: { now: () => Date.now() + offsetMs },
    },
    client: { baseURL: BASE_URL, maxRetries: 0 },
    queries: { gcTime: Number.POSITIVE_INFINITY },
  })
  return { ...backend, advanceClock: (ms: number) => (offsetMs += ms) }
}

let consoleErrors: ReturnType<typeof vi.spyOn>
let consoleWarnings: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  consoleErrors = vi.spyOn(console, 'error')
  consoleWarnings = vi.spyOn(console, 'warn')
})
afterEach(() => {
  cleanup() // unmount first: clearing the cache is not something the devtools should still see
  disposeBackends()
  vi.restoreAllMocks()
})

/** A button that starts a streamed run with `useRunStream` (thread and run are created by the stream). */
function Starter({ prompt }: { prompt: string }) {
  const stream = useRunStream({ resume: false })
  return (
    <>
      <button
        type="button"
        onClick={() =>
          void stream
            .createThreadAndRun({
              assistant_id: 'asst_demo',
              thread: { messages: [{ role: 'user', content: prompt }] },
            })
            .catch(() => undefined)
        }
      >
        Start
      </button>
      <button
        type="button"
        onClick={() =>
          void stream
            .create(
              { assistant_id: 'asst_demo', additional_messages: [{ role: 'user', content: prompt }] },
              { threadId: stream.threadId ?? undefined },
            )
            .catch(() => undefined)
        }
      >
        Follow up
      </button>
      <output data-testid="stream">{stream.status}</output>
    </>
  )
}

const runButton = (runId: string) => screen.getByRole('button', { name: new RegExp(runId) })
const logItems = () => within(screen.getByRole('list', { name: /Cache events/ })).queryAllByRole('listitem')

async function streamedRun(
  user: ReturnType<typeof userEvent.setup>,
  queryClient: QueryClient,
  status: Run['status'],
  exclude: string[] = [],
  button: 'Start' | 'Follow up' = 'Start',
) {
  await user.click(screen.getByRole('button', { name: button }))
  let run: Run | undefined
  await waitFor(
    () => {
      run = queryClient
        .getQueryCache()
        .getAll()
        .map((query) => query.state.data as Run)
        .find((data) => data?.object === 'thread.run' && data.status === status && !exclude.includes(data.id))
      expect(run).toBeDefined()
    },
    { timeout: 5000 },
  )
  return run!
}

test('the toggle opens a named, focused panel; Escape and Close close it and return focus to the toggle', async () => {
  const user = userEvent.setup()
  const { wrap } = setup()
  wrap(<RunsDevtools position="top-left" />)
  const toggle = screen.getByRole('button', { name: 'Runs devtools' })
  expect(toggle.getAttribute('aria-expanded')).toBe('false')
  expect(toggle.closest('[data-oai-devtools]')?.getAttribute('data-position')).toBe('top-left')
  expect(screen.queryByRole('dialog')).toBeNull()

  await user.click(toggle)
  const panel = screen.getByRole('dialog', { name: 'oai-runs devtools' })
  expect(toggle.getAttribute('aria-expanded')).toBe('true')
  expect(toggle.getAttribute('aria-controls')).toBe(panel.id)
  expect(document.activeElement).toBe(panel)
  // Empty cache: the empty states say what to do.
  expect(panel.textContent).toContain('No oai-runs entries in the cache yet. Start a run with useRunStream')
  expect(panel.textContent).toContain('No oai-runs cache activity yet')

  // Keyboard: Tab reaches the panel's controls; Escape from inside closes it.
  await user.tab()
  expect(document.activeElement).toBe(within(panel).getByRole('button', { name: 'Close' }))
  await user.keyboard('{Escape}')
  expect(screen.queryByRole('dialog')).toBeNull()
  expect(document.activeElement).toBe(toggle)
  expect(toggle.getAttribute('aria-expanded')).toBe('false')

  await user.keyboard('{Enter}')
  expect(screen.getByRole('dialog')).toBeTruthy()
  await user.click(screen.getByRole('button', { name: 'Close' }))
  expect(screen.queryByRole('dialog')).toBeNull()
  expect(document.activeElement).toBe(toggle)
  expect(consoleErrors).not.toHaveBeenCalled()
})

test('initialIsOpen renders the panel without taking focus; without a QueryClient it says what to do', () => {
  render(<RunsDevtools initialIsOpen />)
  const panel = screen.getByRole('dialog', { name: 'oai-runs devtools' })
  expect(document.activeElement).not.toBe(panel)
  expect(panel.textContent).toContain('No QueryClient found')
})

test('runs of a streamed thread are listed newest first with their status, time and live stream', async () => {
  const user = userEvent.setup()
  const { wrap, queryClient, advanceClock } = setup({ tokenDelayMs: 15 })
  wrap(
    <>
      <Starter prompt="/long 60" />
      <RunsDevtools initialIsOpen />
    </>,
  )
  const first = await streamedRun(user, queryClient, 'in_progress')
  // While the stream holds it, the run says so (and its thread is held).
  await waitFor(() => expect(runButton(first.id).textContent).toContain('streaming'))
  expect(screen.getByText(/held by a stream/)).toBeTruthy()
  await waitFor(() => expect(runButton(first.id).textContent).toContain('Completed'), { timeout: 8000 })
  expect(runButton(first.id).textContent).not.toContain('streaming')
  expect(screen.queryByText(/held by a stream/)).toBeNull()
  expect(within(runButton(first.id)).getByText(/\d\d:\d\d/).tagName).toBe('TIME')

  // A follow-up in the same thread, then a run in a new thread: newest first, in threads and across them.
  advanceClock(5000)
  const second = await streamedRun(user, queryClient, 'completed', [first.id], 'Follow up')
  expect(second.thread_id).toBe(first.thread_id)
  advanceClock(5000)
  const third = await streamedRun(user, queryClient, 'completed', [first.id, second.id])
  await waitFor(() => expect(runButton(third.id).textContent).toContain('Completed'))
  const backend = screen.getByRole('heading', { name: `Backend ${BASE_URL}` })
  expect(backend).toBeTruthy()
  const runs = screen
    .getAllByRole('button')
    .filter((button) => button.hasAttribute('data-oai-devtools-run'))
    .map((button) => button.querySelector('code')?.textContent)
  expect(runs).toEqual([third.id, second.id, first.id])
  const threads = screen
    .getAllByRole('list', { name: /^Runs of / })
    .map((list) => list.getAttribute('aria-label'))
  expect(threads).toEqual([`Runs of ${third.thread_id}`, `Runs of ${first.thread_id}`])
  expect(screen.getByText(/^3 runs in 2 threads on 1 backend/)).toBeTruthy()
  expect(consoleErrors).not.toHaveBeenCalled()
}, 20_000)

test('selecting a run shows its timeline and its JSON (as text, never HTML)', async () => {
  const user = userEvent.setup()
  const { wrap, queryClient, client, advanceClock } = setup()
  // One run waiting for tool outputs, read with the query factories, with markup in its metadata.
  const waiting = await client.runs.createThreadAndRunPoll({
    assistant_id: 'asst_demo',
    thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
    metadata: { note: '<img src=x onerror="alert(1)">' },
  })
  expect(waiting.status).toBe('requires_action')
  const ids = { threadId: waiting.thread_id, runId: waiting.id }
  await queryClient.fetchQuery(runQueries.run(client, ids))
  await queryClient.fetchInfiniteQuery(runQueries.steps(client, ids, { order: 'asc' }))
  advanceClock(5000)
  wrap(
    <>
      <Starter prompt="Hello there" />
      <RunsDevtools />
    </>,
  )
  const done = await streamedRun(user, queryClient, 'completed')
  await user.click(screen.getByRole('button', { name: 'Runs devtools' }))

  // The newest run is shown until one is picked.
  await waitFor(() => expect(screen.getByRole('region', { name: `Run ${done.id}` })).toBeTruthy())
  await waitFor(() =>
    expect(screen.getByRole('region', { name: `Run ${done.id}` }).getAttribute('data-state')).toBe(
      'completed',
    ),
  )
  await user.click(runButton(waiting.id))
  expect(runButton(waiting.id).getAttribute('aria-current')).toBe('true')
  expect(runButton(done.id).getAttribute('aria-current')).toBeNull()
  const timeline = screen.getByRole('region', { name: `Run ${waiting.id}` })
  expect(timeline.getAttribute('data-state')).toBe('requires_action')
  // Its steps come from the cached step list: the tool call is in the timeline.
  expect(within(timeline).getByRole('group', { name: 'Function call get_weather' })).toBeTruthy()
  expect(within(timeline).getByRole('timer')).toBeTruthy()

  const json = document.querySelector('[data-oai-devtools-json]')!
  expect(JSON.parse(json.textContent ?? '')).toEqual(queryClient.getQueryData(runKeys.run(client, ids)))
  expect(json.textContent).toContain('"note": "<img src=x onerror=\\"alert(1)\\">"')
  expect(json.querySelector('img')).toBeNull()
  expect(json.children).toHaveLength(0)
  expect(consoleErrors).not.toHaveBeenCalled()
}, 15_000)

test('the log records cache activity of oai-runs keys; Pause stops it, Clear empties it', async () => {
  const user = userEvent.setup()
  const { wrap, queryClient, client } = setup()
  wrap(
    <>
      <Starter prompt="Hello" />
      <RunsDevtools initialIsOpen logLimit={500} />
    </>,
  )
  const run = await streamedRun(user, queryClient, 'completed')
  const ids = { threadId: run.thread_id, runId: run.id }
  const runPath = `thread/${run.thread_id}/run/${run.id}`
  await waitFor(() => {
    const lines = logItems().map((item) => item.textContent ?? '')
    expect(lines.some((line) => line.includes('added') && line.includes(runPath))).toBe(true)
    expect(
      lines.some(
        (line) =>
          line.includes('updated: success') && line.includes(runPath) && line.includes('run completed'),
      ),
    ).toBe(true)
  })
  // Newest first, each with its time.
  const newest = logItems()[0]!
  expect(newest.querySelector('time')?.getAttribute('dateTime')).toMatch(/^\d{4}-\d\d-\d\dT/)

  const pause = screen.getByRole('button', { name: 'Pause' })
  await user.click(pause)
  expect(pause.getAttribute('aria-pressed')).toBe('true')
  const before = logItems().length
  await act(async () => {
    queryClient.setQueryData(runKeys.run(client, ids), {
      ...run,
      metadata: { paused: 'yes' },
    })
    await queryClient.invalidateQueries({ queryKey: runKeys.stepLists(client, ids) })
    await new Promise((resolve) => setTimeout(resolve, 20))
  })
  expect(logItems()).toHaveLength(before)
  // The runs view still follows the cache while the log is paused.
  expect(document.querySelector('[data-oai-devtools-json]')?.textContent).toContain('"paused": "yes"')

  await user.click(pause)
  expect(pause.getAttribute('aria-pressed')).toBe('false')
  await act(async () => {
    queryClient.removeQueries({
      queryKey: runKeys.run(client, ids),
      exact: true,
    })
  })
  await waitFor(() => expect(logItems()).toHaveLength(before + 1))
  expect(logItems()[0]!.textContent).toContain('removed')
  expect(logItems()[0]!.textContent).toContain(runPath)

  await user.click(screen.getByRole('button', { name: 'Clear' }))
  expect(screen.queryByRole('list', { name: /Cache events/ })).toBeNull()
  expect(screen.getByText(/No oai-runs cache activity yet/)).toBeTruthy()
  expect(consoleErrors).not.toHaveBeenCalled()
}, 15_000)

test('the log keeps only the last logLimit events', async () => {
  const { wrap, queryClient } = setup()
  wrap(<RunsDevtools initialIsOpen logLimit={3} />)
  await act(async () => {
    for (let index = 0; index < 5; index++) {
      queryClient.setQueryData(['oai-runs', BASE_URL, 'thread', `thread_${index}`, 'messages', {}], {
        pages: [],
        pageParams: [],
      })
    }
  })
  await waitFor(() => expect(logItems()).toHaveLength(3))
  // Each write is two events (added, then updated: success): the newest three.
  expect(logItems().map((item) => item.querySelector('code')?.textContent)).toEqual([
    'thread/thread_4/messages/{}',
    'thread/thread_4/messages/{}',
    'thread/thread_3/messages/{}',
  ])
})

test('our mutations are logged too, with their kind and status; other mutations are not', async () => {
  const { wrap, queryClient, client } = setup()
  wrap(<RunsDevtools initialIsOpen />)
  await act(async () => {
    const cache = queryClient.getMutationCache()
    await cache
      .build(queryClient, { mutationKey: runMutationKeys.kind(client, 'cancel'), mutationFn: async () => 1 })
      .execute(undefined)
    await cache
      .build(queryClient, { mutationKey: ['todos', 'add'], mutationFn: async () => 2 })
      .execute(undefined)
  })
  await waitFor(() => expect(logItems().length).toBeGreaterThan(0))
  const lines = logItems().map((item) => item.textContent ?? '')
  expect(lines.every((line) => line.includes('mutation') && line.includes('mutation/cancel'))).toBe(true)
  expect(lines[0]).toContain('success')
  expect(lines.some((line) => line.includes('todos'))).toBe(false)
})

test('other queries are ignored, and odd oai-runs entries do not break it', async () => {
  const { wrap, queryClient } = setup()
  wrap(<RunsDevtools initialIsOpen />)
  await act(async () => {
    queryClient.setQueryData(['todos'], [{ id: 1, title: 'milk' }])
    queryClient.setQueryData(['user', { id: 'oai-runs' }], { name: 'Ada' })
    queryClient.setQueryData([{ scope: 'oai-runs' }], 1)
    await queryClient.fetchQuery({ queryKey: ['weather', 'Paris'], queryFn: async () => ({ celsius: 21 }) })
    await queryClient
      .fetchQuery({
        queryKey: ['failing'],
        queryFn: async () => {
          throw new Error('nope')
        },
      })
      .catch(() => undefined)
    await new Promise((resolve) => setTimeout(resolve, 20))
  })
  expect(screen.getByText(/No oai-runs entries in the cache yet/)).toBeTruthy()
  expect(screen.getByText('0 runs in 0 threads on 0 backends · 0 oai-runs queries of 5 cached')).toBeTruthy()
  expect(screen.queryByRole('list', { name: /Cache events/ })).toBeNull()

  // Malformed data under our keys (a future shape, or someone else writing there) is skipped, not fatal.
  await act(async () => {
    queryClient.setQueryData(['oai-runs'], 'short key')
    queryClient.setQueryData(['oai-runs', 'odd', 'thread', 'thread_x', 'run', 'run_x'], 'not a run')
    queryClient.setQueryData(['oai-runs', 'odd', 'thread', 'thread_x', 'runs', {}], {
      pages: [null, { data: 7 }],
    })
  })
  await waitFor(() => expect(screen.getByRole('heading', { name: 'Backend odd' })).toBeTruthy())
  expect(screen.getByText(/No runs of this thread in the cache/)).toBeTruthy()
  // The two entries under full keys were added and written (two events each); the short key is not ours.
  expect(logItems().map((item) => item.textContent?.split(' ')[1])).toEqual([
    'updated:',
    'added',
    'updated:',
    'added',
  ])
  expect(consoleErrors).not.toHaveBeenCalled()
  expect(consoleWarnings).not.toHaveBeenCalled()
})

test('the README example runs: a streamed run shows up completed in the open panel', async () => {
  const { App } = await import('./readme-example.tsx')
  const user = userEvent.setup()
  render(<App />)
  await user.click(screen.getByRole('button', { name: 'Say hello' }))
  const panel = screen.getByRole('dialog', { name: 'oai-runs devtools' })
  await waitFor(
    () =>
      expect(
        within(panel)
          .getByRole('region', { name: /^Run run_/ })
          .getAttribute('data-state'),
      ).toBe('completed'),
    { timeout: 8000 },
  )
  expect(within(panel).getByRole('heading', { name: 'Backend http://runs.local/v1' })).toBeTruthy()
}, 15_000)
