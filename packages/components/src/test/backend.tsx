// A real backend per test: the in-process server is the client's fetch (mock the network, not our modules), and the
// hooks fill a real QueryClient. Call `disposeBackends` in `afterEach` to clear the caches and close the servers.
import { type Client, type ClientOptions, createClient } from '@oai-runs/client'
import { RunsClientProvider } from '@oai-runs/client/react'
import { createRunsServer, demoAssistant, type RunsServer, type RunsServerOptions } from '@oai-runs/server'
import { QueryClient, QueryClientProvider, type QueryObserverOptions } from '@tanstack/react-query'
import { type RenderResult, render } from '@testing-library/react'
import type { ReactNode } from 'react'

const disposers: Array<() => void> = []

/** What `setupBackend` returns. */
export type Backend = {
  server: RunsServer
  client: Client
  queryClient: QueryClient
  /** Renders `ui` inside the QueryClientProvider and RunsClientProvider. */
  wrap: (ui: ReactNode) => RenderResult
}

/** A server seeded with the demo assistant, a client whose fetch it is, and a QueryClient (`retry: false`). */
export function setupBackend(options: {
  server: RunsServerOptions
  client: Omit<ClientOptions, 'fetch'>
  /** Query defaults on top of `retry: false`. */
  queries?: Pick<QueryObserverOptions, 'gcTime'>
}): Backend {
  const server = createRunsServer(options.server)
  server.seedAssistant(demoAssistant)
  const client = createClient({
    ...options.client,
    fetch: (input, init) => server.fetch(new Request(input, init)),
  })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, ...options.queries } } })
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
  return { server, client, queryClient, wrap }
}

/** Clears the caches and closes the servers of the backends set up since the last call. */
export function disposeBackends(): void {
  for (const dispose of disposers.splice(0)) {
    dispose()
  }
}
