// Owns the bench page's cases as React trees: the same useRunStream feeding MessageContent (message), the full
// ConnectedRunViewer (viewer), plain text in a <pre> (floor), and the playground's own App (playground).
import { createClient, listEntities, type Message } from '@oai-runs/client'
import { RunsClientProvider, useRunStream } from '@oai-runs/client/react'
import { ConnectedRunViewer, MessageContent } from '@oai-runs/components'
import { RunsDevtools } from '@oai-runs/components/devtools'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { Profiler, type ReactNode, useEffect, useRef } from 'react'
import { App } from '../../../playground/src/App.tsx'
import { createActivityLog, MAX_RETRIES } from '../../../playground/src/activity.ts'
import type { BenchServer } from './bench-server.ts'
import { onRender } from './meter.ts'

/** The streamed cases; `playground` is started through its composer, the others by `handle.start()`. */
export type StreamCase = 'message' | 'viewer' | 'floor' | 'playground'

/** How the measuring code starts a mounted case's run and learns that it finished. */
export type CaseHandle = { start?: () => void; done: boolean; error: Error | null }

type Stream = ReturnType<typeof useRunStream>

const textOf = (message: Message | undefined) =>
  message?.content.map((part) => (part.type === 'text' ? part.text.value : '')).join('') ?? ''

// One run per mount: handle.start() creates it (with a fresh thread), handle.done follows the stream.
function useBenchRun(handle: CaseHandle, assistantId: string): Stream {
  const stream = useRunStream({ resume: false, storage: null })
  const latest = useRef(stream)
  latest.current = stream
  useEffect(() => {
    handle.start = () => {
      latest.current
        .createThreadAndRun({
          assistant_id: assistantId,
          thread: { messages: [{ role: 'user', content: 'Write the long reply.' }] },
        })
        .catch((error: Error) => {
          handle.error = error
        })
    }
  }, [handle, assistantId])
  useEffect(() => {
    handle.done = stream.status === 'done'
    if (stream.status === 'error') {
      handle.error = stream.error ?? new Error('the stream failed')
    }
  }, [handle, stream.status, stream.error])
  return stream
}

function lastMessage(stream: Stream): Message | undefined {
  return listEntities(stream.snapshot.messages).at(-1)
}

function MessageCase({ handle, assistantId }: { handle: CaseHandle; assistantId: string }) {
  const message = lastMessage(useBenchRun(handle, assistantId))
  return message ? <MessageContent message={message} /> : null
}

function FloorCase({ handle, assistantId }: { handle: CaseHandle; assistantId: string }) {
  return <pre className="bench-floor">{textOf(lastMessage(useBenchRun(handle, assistantId)))}</pre>
}

function ViewerCase({ handle, assistantId }: { handle: CaseHandle; assistantId: string }) {
  const stream = useBenchRun(handle, assistantId)
  return stream.threadId && stream.runId ? (
    <ConnectedRunViewer
      threadId={stream.threadId}
      runId={stream.runId}
      onCancel={stream.cancel}
      onSubmitToolOutputs={stream.submitToolOutputs}
    />
  ) : null
}

/** The React tree of one case, with its own QueryClient and Runs client, under a <Profiler>. */
export function caseTree(name: StreamCase, server: BenchServer, handle: CaseHandle): ReactNode {
  const queryClient = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } })
  let body: ReactNode
  let client: ReturnType<typeof createClient>
  if (name === 'playground') {
    // As playground/src/main.tsx: the client goes through the activity log to /api/runs (the page's fetch,
    // answered by playground-shim.ts).
    const activity = createActivityLog({ baseURL: '/api/runs' })
    client = createClient({ baseURL: '/api/runs', fetch: activity.fetch, maxRetries: MAX_RETRIES })
    body = (
      <>
        <App activity={activity} />
        <RunsDevtools position="bottom-left" />
      </>
    )
  } else {
    client = createClient({
      baseURL: 'http://bench.invalid/v1',
      maxRetries: 0,
      fetch: (input, init) => server.fetch(new Request(input, init)),
    })
    const Case = name === 'message' ? MessageCase : name === 'viewer' ? ViewerCase : FloorCase
    body = <Case handle={handle} assistantId={server.assistantId} />
  }
  return (
    <Profiler id={name} onRender={onRender}>
      <QueryClientProvider client={queryClient}>
        <RunsClientProvider client={client}>{body}</RunsClientProvider>
      </QueryClientProvider>
    </Profiler>
  )
}
