import { RunsClientProvider, useRunStream } from '@oai-runs/client/react'
import { ConnectedRunList, ConnectedRunViewer } from '@oai-runs/components'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useEffect, useMemo, useRef } from 'react'
import { createLiveBackend, type LiveArgs, liveArgTypes } from './live'

/** Starts a run with `useRunStream` once; the connected components read the same react-query cache. */
function Starter({ prompt }: { prompt: string }) {
  const stream = useRunStream({ resume: false })
  const started = useRef(false)
  useEffect(() => {
    if (!started.current) {
      started.current = true
      void stream.createThreadAndRun({
        assistant_id: 'asst_demo',
        thread: { messages: [{ role: 'user', content: prompt }] },
      })
    }
  }, [stream, prompt])
  if (!stream.threadId || !stream.runId) {
    return <p>Starting a run…</p>
  }
  return (
    <div style={{ display: 'grid', gap: 16 }}>
      <ConnectedRunList threadId={stream.threadId} selectedRunId={stream.runId} />
      <ConnectedRunViewer threadId={stream.threadId} runId={stream.runId} />
    </div>
  )
}

function ConnectedDemo(args: LiveArgs) {
  // A fresh server and cache per control change: one memo, so they always belong together.
  const { backend, queryClient } = useMemo(
    () => ({
      backend: createLiveBackend({ tokenDelayMs: args.tokenDelayMs, cancelDelayMs: args.cancelDelayMs }),
      queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }),
    }),
    [args.tokenDelayMs, args.cancelDelayMs],
  )
  useEffect(() => () => void backend.server.close(), [backend])
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={backend.client}>
        <Starter key={args.prompt} prompt={args.prompt} />
      </RunsClientProvider>
    </QueryClientProvider>
  )
}

const meta = {
  title: 'Connected/RunViewer',
  component: ConnectedDemo,
  args: { prompt: '/tool get_weather {"city":"Paris"}', tokenDelayMs: 20, cancelDelayMs: 600, fault: 'none' },
  argTypes: liveArgTypes,
} satisfies Meta<typeof ConnectedDemo>

export default meta
type Story = StoryObj<typeof meta>

/** `ConnectedRunViewer` + `ConnectedRunList` on the hooks, streaming from the in-browser server. */
export const ToolRoundTrip: Story = {}

/** A long reply to cancel through `useCancelRun` (optimistic `cancelling`). */
export const CancelLongReply: Story = { args: { prompt: '/long 400', tokenDelayMs: 40, cancelDelayMs: 1000 } }

/** Code interpreter and file search steps through the hooks. */
export const CodeInterpreter: Story = { args: { prompt: '/code print(sum(range(10)))' } }
export const FileSearch: Story = { args: { prompt: '/search refund policy' } }
