// The README's devtools example, verbatim but for the stylesheet imports (kept runnable by RunsDevtools.test.tsx).
import { createClient } from '@oai-runs/client'
import { RunsClientProvider, useRunStream } from '@oai-runs/client/react'
import { RunsDevtools } from '@oai-runs/components/devtools'
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

function Chat() {
  const stream = useRunStream({ resume: false })
  return (
    <button
      type="button"
      onClick={() =>
        stream.createThreadAndRun({
          assistant_id: 'asst_demo',
          thread: { messages: [{ role: 'user', content: 'Hello!' }] },
        })
      }
    >
      Say hello
    </button>
  )
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>
        <Chat />
      </RunsClientProvider>
      {/* Anywhere inside the QueryClientProvider; it reads the cache and needs no RunsClientProvider. */}
      <RunsDevtools initialIsOpen />
    </QueryClientProvider>
  )
}
