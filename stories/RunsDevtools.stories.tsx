import { RunsClientProvider, useRunStream } from '@oai-runs/client/react'
import { RunsDevtools } from '@oai-runs/components/devtools'
// @ts-expect-error TS2882: a side-effect CSS import, bundled by Vite (tsconfig has no `vite/client` types to declare it)
import '@oai-runs/components/devtools.css'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState } from 'react'
import { createLiveBackend } from './live'

/**
 * The app under inspection: one `useRunStream` streams a short reply (it completes), then asks for the weather
 * with no tool handler, so that run stops at `requires_action` and waits for tool outputs.
 */
function App({ prompts }: { prompts: readonly string[] }) {
  const stream = useRunStream({ resume: false })
  const [done, setDone] = useState(prompts.length === 0)
  const started = useRef(false)
  const latest = useRef(stream)
  latest.current = stream
  useEffect(() => {
    if (started.current) {
      return
    }
    started.current = true
    void (async () => {
      for (const content of prompts) {
        await latest.current
          .createThreadAndRun({
            assistant_id: 'asst_demo',
            thread: { messages: [{ role: 'user', content }] },
          })
          .catch(() => undefined)
      }
      setDone(true)
    })()
  }, [prompts])
  return (
    <p>
      {prompts.length === 0
        ? 'This app has not touched a run yet: the devtools panel shows its empty states.'
        : done
          ? `The app ran ${prompts.length} prompts; the devtools panel shows what its react-query cache holds.`
          : 'The app is starting its runs…'}
    </p>
  )
}

type DemoArgs = {
  /** Prompts the app streams, one after the other. */
  prompts: string[]
  position: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left'
  initialIsOpen: boolean
}

function DevtoolsDemo({ prompts, position, initialIsOpen }: DemoArgs) {
  // A fresh server and cache per story: one memo, so they always belong together.
  const { backend, queryClient } = useMemo(
    () => ({
      backend: createLiveBackend({ tokenDelayMs: 0 }),
      queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }),
    }),
    [],
  )
  useEffect(() => () => void backend.server.close(), [backend])
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={backend.client}>
        <App key={prompts.join('\n')} prompts={prompts} />
        <RunsDevtools position={position} initialIsOpen={initialIsOpen} />
      </RunsClientProvider>
    </QueryClientProvider>
  )
}

const meta = {
  title: 'Devtools/RunsDevtools',
  component: DevtoolsDemo,
  args: {
    prompts: ['Hello! Explain **runs** briefly.', '/tool get_weather {"city":"Paris"}'],
    position: 'bottom-right',
    initialIsOpen: true,
  },
  argTypes: {
    position: { control: 'select', options: ['bottom-right', 'bottom-left', 'top-right', 'top-left'] },
  },
  parameters: { layout: 'fullscreen' },
} satisfies Meta<typeof DevtoolsDemo>

export default meta
type Story = StoryObj<typeof meta>

/** The open panel over an app with a completed run and a run waiting for tool outputs (newest, selected). */
export const CompletedAndRequiresAction: Story = {}

/** An app that has not cached any run yet: every part of the panel says what to do. */
export const Empty: Story = { args: { prompts: [] } }

/** Closed: only the toggle, in the top-left corner. */
export const Closed: Story = { args: { initialIsOpen: false, position: 'top-left' } }
