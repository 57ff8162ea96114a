// React commits while streaming 5,000 deltas: `useRunStream` with its per-frame coalescing and without, in the same
// run. react-dom renders into a happy-dom document; a <Profiler> counts commits. The network is the in-process
// server (`/long 5000`: 5,000 text deltas, token delay 0) as the client's injected fetch.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient, listEntities, type RunSnapshot } from '@oai-runs/client'
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Window } from 'happy-dom'
import { createElement, Profiler, type ReactNode, useEffect } from 'react'
import { createRoot } from 'react-dom/client'
import { type Figure, interleave, type Summary } from './stats'

const reactIndex = join(dirname(fileURLToPath(import.meta.url)), '../packages/client/src/react/index.ts')
const DELTAS = 5000
const BASE_URL = 'http://bench.invalid/v1'

// The public entry's shape as far as this bench uses it; imported by a variable specifier, so the type check does
// not depend on a module that may not exist yet.
type StreamResult = {
  status: string
  snapshot: RunSnapshot
  createThreadAndRun(body: unknown): Promise<void>
}
export type ReactEntry = {
  useRunStream?: (options: { coalesce?: boolean; resume?: boolean }) => StreamResult
  RunsClientProvider?: (props: { client: unknown; baseURL: string; children?: ReactNode }) => ReactNode
}

// happy-dom's requestAnimationFrame fires on setImmediate; a browser fires at the display's rate. A 60 Hz frame
// clock makes "one commit per frame" mean what it means in a browser.
function installDom(): () => void {
  const window = new Window({ url: 'http://bench.invalid/' })
  const globals = globalThis as Record<string, unknown>
  const saved = new Map(
    ['window', 'document', 'requestAnimationFrame', 'cancelAnimationFrame'].map((k) => [k, globals[k]]),
  )
  const origin = performance.now()
  globals.window = window
  globals.document = window.document
  globals.requestAnimationFrame = (callback: (time: number) => void) => {
    const now = performance.now()
    const next = origin + Math.ceil((now - origin + 0.001) / 16.667) * 16.667
    return setTimeout(() => callback(performance.now()), next - now) as unknown as number
  }
  globals.cancelAnimationFrame = (id: number) => clearTimeout(id)
  return () => {
    for (const [key, value] of saved) {
      globals[key] = value
    }
    void window.happyDOM.close()
  }
}

/** What the probe component hands back to the measuring code. */
type ProbeState = { started?: Promise<void>; last?: RunSnapshot }

/** Starts one run on mount and renders its status; every render records the snapshot it saw. */
function Probe({
  hooks,
  coalesce,
  probe,
}: {
  hooks: Required<ReactEntry>
  coalesce: boolean
  probe: ProbeState
}) {
  const stream = hooks.useRunStream({ coalesce, resume: false })
  probe.last = stream.snapshot
  useEffect(() => {
    probe.started ??= stream.createThreadAndRun({
      assistant_id: demoAssistant.id,
      thread: { messages: [{ role: 'user', content: `/long ${DELTAS}` }] },
    })
  })
  return createElement('output', null, stream.status)
}

async function streamOnce(
  entry: Required<ReactEntry>,
  coalesce: boolean,
  tokenDelayMs: number,
): Promise<number> {
  const server = createRunsServer({ tokenDelayMs })
  server.seedAssistant(demoAssistant)
  const client = createClient({
    baseURL: BASE_URL,
    maxRetries: 0,
    fetch: (input, init) => server.fetch(new Request(input, init)),
  })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  let commits = 0
  const probe: ProbeState = {}
  const container = document.createElement('div')
  document.body.appendChild(container)
  const root = createRoot(container as unknown as Element)
  root.render(
    createElement(
      Profiler,
      { id: 'run', onRender: () => commits++ },
      createElement(
        QueryClientProvider,
        { client: queryClient },
        createElement(
          entry.RunsClientProvider,
          { client, baseURL: BASE_URL },
          createElement(Probe, { hooks: entry, coalesce, probe }),
        ),
      ),
    ),
  )
  for (let waited = 0; !probe.started && waited < 1000; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
  await probe.started
  await new Promise((resolve) => setTimeout(resolve, 50)) // the last frame's commit
  const content = probe.last ? listEntities(probe.last.messages).at(-1)?.content[0] : undefined
  const words = content?.type === 'text' ? content.text.value.split(' ').length : 0
  if (words !== DELTAS) {
    throw new Error(`useRunStream rendered ${words} of ${DELTAS} tokens (coalesce: ${coalesce})`)
  }
  root.unmount()
  container.remove()
  server.close()
  queryClient.clear()
  return commits
}

export async function benchReact(options: {
  rounds: number
}): Promise<{ figures: Figure[]; notes: string[] }> {
  const todo = (why: string) => ({ figures: [], notes: [`react: skipped, ${why} (TODO in bench/README.md)`] })
  if (!existsSync(reactIndex)) {
    return todo('@oai-runs/client/react has no src/react/index.ts yet')
  }
  const specifier = '@oai-runs/client/react'
  const entry = (await import(specifier)) as ReactEntry
  if (typeof entry.useRunStream !== 'function' || typeof entry.RunsClientProvider !== 'function') {
    return todo('@oai-runs/client/react does not export useRunStream and RunsClientProvider yet')
  }
  return benchReactWith(entry as Required<ReactEntry>, options.rounds)
}

/** The measurement itself, given the hooks (exported for trying it against modules that are not public yet). */
export async function benchReactWith(hooks: Required<ReactEntry>, rounds: number) {
  const restore = installDom()
  try {
    const figures: Figure[] = []
    // Burst: the server streams as fast as it can (token delay 0), so React's own batching already merges the
    // updates of one task. Paced: 1 ms per token (a fast model), one task per delta, as over a real network.
    for (const [label, tokenDelayMs] of [
      ['burst', 0],
      ['paced 1 ms/token', 1],
    ] as const) {
      const commits = { coalesced: [] as number[], uncoalesced: [] as number[] }
      const timed = await interleave(tokenDelayMs === 0 ? rounds : 1, {
        coalesced: { run: async () => commits.coalesced.push(await streamOnce(hooks, true, tokenDelayMs)) },
        uncoalesced: {
          run: async () => commits.uncoalesced.push(await streamOnce(hooks, false, tokenDelayMs)),
        },
      })
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
      const detail = (summary: Summary) =>
        `${summary.median.toFixed(0)} ms to done (min ${summary.min.toFixed(0)}), n=${summary.samples.length}`
      const coalesced = median(commits.coalesced)
      const uncoalesced = median(commits.uncoalesced)
      figures.push(
        {
          section: 'react',
          name: `${DELTAS} deltas, ${label}, uncoalesced`,
          value: uncoalesced,
          unit: 'commits',
          detail: detail(timed.uncoalesced),
          ratio: { value: uncoalesced / DELTAS, label: 'commits per delta' },
        },
        {
          section: 'react',
          name: `${DELTAS} deltas, ${label}, coalesced`,
          value: coalesced,
          unit: 'commits',
          detail: detail(timed.coalesced),
          ratio: { value: uncoalesced / coalesced, label: 'fewer commits than uncoalesced' },
        },
      )
    }
    return {
      figures,
      notes: [
        'react: useRunStream in react-dom 19 on happy-dom with a 60 Hz requestAnimationFrame; in-process server ' +
          `(\`/long ${DELTAS}\`) as the injected fetch; commits counted by <Profiler> from first render to done; ` +
          'each run checks that all tokens were rendered.',
      ],
    }
  } finally {
    restore()
  }
}
