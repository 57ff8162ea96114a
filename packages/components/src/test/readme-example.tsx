// The README's quick start, verbatim (kept runnable by readme-example.test.tsx).
import { createClient } from '@oai-runs/client'
import { RunsClientProvider, useRunStream } from '@oai-runs/client/react'
import { ConnectedRunViewer } from '@oai-runs/components'
import { createRunsServer, demoAssistant } from '@oai-runs/server'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'

// An offline backend: the Runs API server runs in the page and is the client's fetch.
const server = createRunsServer({ tokenDelayMs: 20 })
server.seedAssistant(demoAssistant)
const client = createClient({
  baseURL: 'http://runs.local/v1',
  fetch: (input, init) => server.fetch(new Request(input, init)),
})
const queryClient = new QueryClient()

function Run() {
  const stream = useRunStream({ resume: false })
  if (!stream.threadId || !stream.runId) {
    return (
      <button
        type="button"
        onClick={() =>
          stream.createThreadAndRun({
            assistant_id: 'asst_demo',
            thread: { messages: [{ role: 'user', content: '/tool get_weather {"city":"Paris"}' }] },
          })
        }
      >
        Ask for the weather
      </button>
    )
  }
  return <ConnectedRunViewer threadId={stream.threadId} runId={stream.runId} />
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>
        <Run />
      </RunsClientProvider>
    </QueryClientProvider>
  )
}
