// @vitest-environment happy-dom
// What it is: the playground App rendered against its own backend (playground/app.ts, embedded server) while a reply
// streams, counting which components render in each React commit (a stand-in for React DevTools' commit hook), so
// the parts that do not show the streaming text are checked not to render per token: work counted, not timed.
import { afterEach, expect, test } from 'vitest'
import { createPlaygroundApp } from '../playground/app.ts'

type Fiber = {
  tag: number
  type: unknown
  flags: number
  child: Fiber | null
  sibling: Fiber | null
  alternate: Fiber | null
}

// React's fiber tags of components that run user code, and its PerformedWork flag (set when one rendered).
const componentTags = new Set([0, 1, 11, 14, 15]) // function, class, forwardRef, memo, simple memo
const PERFORMED_WORK = 1

function nameOf(fiber: Fiber): string {
  const type = fiber.type as {
    displayName?: string
    name?: string
    type?: { name?: string }
    render?: { name?: string }
  } | null
  return type?.displayName || type?.name || type?.type?.name || type?.render?.name || 'Anonymous'
}

/** Renders per component name since the last reset, and the commits, fed by the devtools hook below. */
const counts = new Map<string, number>()
let commits = 0

function walk(fiber: Fiber | null, mounting: boolean) {
  for (let node = fiber; node; node = node.sibling) {
    const previous = node.alternate
    const mounted = mounting || previous === null
    if (componentTags.has(node.tag) && (mounted || (node.flags & PERFORMED_WORK) !== 0)) {
      const name = nameOf(node)
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    // A subtree React bailed out of keeps the same child fibers as the tree before: nothing in it rendered.
    if (mounted || node.child !== previous?.child) {
      walk(node.child, mounted)
    }
  }
}
// Installed before react-dom loads (it is imported dynamically below), as the DevTools extension does.
;(globalThis as Record<string, unknown>).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
  supportsFiber: true,
  isDisabled: false,
  renderers: new Map(),
  inject: () => 1,
  checkDCE: () => {},
  onScheduleFiberRoot: () => {},
  onCommitFiberUnmount: () => {},
  onPostCommitFiberRoot: () => {},
  onCommitFiberRoot: (_id: number, root: { current: Fiber }) => {
    commits++
    walk(root.current.child, false)
  },
}

const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup()
  }
})

/** The playground page as main.tsx builds it, its fetch answered by the playground's backend. */
async function renderPlayground() {
  const app = createPlaygroundApp({ tokenDelayMs: 2 })
  const origin = 'http://127.0.0.1:4010'
  // The browser's session cookie (any well-formed id starts a session). happy-dom's Request drops a `cookie`
  // header, as a browser's does, so it is put on the request the way the browser's network stack would.
  const cookie = 'oai_runs_session=renders-test-session-0001'
  const realFetch = globalThis.fetch
  const fetchApp: typeof fetch = (input, init) => {
    const request = new Request(input instanceof Request ? input : new URL(String(input), origin), init)
    const headers = new Headers(request.headers)
    headers.set('cookie', cookie)
    Object.defineProperty(request, 'headers', { value: headers })
    return app.fetch(request)
  }
  globalThis.fetch = fetchApp
  const [{ createElement }, rtl, { default: userEvent }, client, react, query, { App }, activityModule] =
    await Promise.all([
      import('react'),
      import('@testing-library/react'),
      import('@testing-library/user-event'),
      import('@oai-runs/client'),
      import('@oai-runs/client/react'),
      import('@tanstack/react-query'),
      import('../playground/src/App.tsx'),
      import('../playground/src/activity.ts'),
    ])
  const activity = activityModule.createActivityLog({ baseURL: '/api/runs' })
  const runs = client.createClient({
    baseURL: `${origin}/api/runs`,
    fetch: activity.fetch,
    maxRetries: activityModule.MAX_RETRIES,
  })
  const queryClient = new query.QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } })
  const view = rtl.render(
    createElement(
      query.QueryClientProvider,
      { client: queryClient },
      createElement(react.RunsClientProvider, { client: runs }, createElement(App, { activity })),
    ),
  )
  cleanups.push(() => {
    view.unmount()
    queryClient.clear()
    globalThis.fetch = realFetch
    app.close()
  })
  const user = userEvent.setup()
  /** Sends `text` through the composer and waits until its reply has completed; the counts are of that reply. */
  const send = async (text: string, replies: number) => {
    await rtl.waitFor(() => expect(view.container.querySelector('.pg-chat-header')).not.toBeNull(), {
      timeout: 10_000,
    })
    await user.type(view.getByLabelText('Message'), text)
    counts.clear()
    commits = 0
    await user.keyboard('{Enter}')
    await rtl.waitFor(
      () => {
        const done = view.container.querySelectorAll('li[data-role="assistant"][data-state="completed"]')
        expect(done.length).toBe(replies)
        expect(view.container.querySelector('.pg-chat-header')?.getAttribute('data-stream-status')).not.toBe(
          'streaming',
        )
      },
      { timeout: 15_000, interval: 20 },
    )
    return { commits, renders: new Map(counts) }
  }
  return { send }
}

// The parts of the page that show nothing of the streaming text: they may render when a run starts and ends,
// never per token.
const steady = [
  'ThemeSelect',
  'ThreadList',
  'FaultPanel',
  'PaceSlider',
  'Composer',
  'EmptyState',
  'ActivityBanner',
  'ActivityLogView',
  'RunListComposite',
  'RunsSection',
]

test('while a reply streams, only what shows it renders: a reply twice as long renders the rest no more', async () => {
  const page = await renderPlayground()
  const short = await page.send('/long 60', 1)
  const long = await page.send('/long 120', 2)
  const report = (run: typeof short) =>
    Object.fromEntries(steady.map((name) => [name, run.renders.get(name) ?? 0]))
  console.info(
    'commits',
    short.commits,
    long.commits,
    '\nshort',
    JSON.stringify(report(short)),
    '\nlong',
    JSON.stringify(report(long)),
    '\ncomponents per commit (long)',
    ([...long.renders.values()].reduce((a, b) => a + b, 0) / long.commits).toFixed(1),
    '\nall (long), per commit',
    JSON.stringify(
      Object.fromEntries(
        [...long.renders]
          .sort((a, b) => b[1] - a[1])
          .map(([name, n]) => [name, +(n / long.commits).toFixed(2)]),
      ),
    ),
  )
  // The stream commits per token (else this test would prove nothing) ...
  expect(long.commits).toBeGreaterThan(short.commits + 20)
  for (const name of steady) {
    // ... and the steady parts render a bounded number of times, whatever the reply's length.
    expect(long.renders.get(name) ?? 0, name).toBeLessThanOrEqual(8)
    expect(long.renders.get(name) ?? 0, name).toBeLessThanOrEqual((short.renders.get(name) ?? 0) + 2)
  }
})
