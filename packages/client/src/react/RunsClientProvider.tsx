'use client'
// Puts a Runs API client in context for the hooks; the QueryClient stays the app's own (QueryClientProvider).
import { createContext, type ReactNode, useContext } from 'react'
import type { Client } from '../core/index.ts'
import type { RunsClient } from '../query/runs-client.ts'

const RunsClientContext = createContext<RunsClient | null>(null)

/** Props of `RunsClientProvider`. */
export type RunsClientProviderProps = { client: Client; children?: ReactNode }

/**
 * Provides the client to every hook below it; its `baseURL` scopes the cache keys so two backends never mix.
 * @example
 * <QueryClientProvider client={queryClient}>
 *   <RunsClientProvider client={createClient({ baseURL: '/api/runs' })}>
 *     <App />
 *   </RunsClientProvider>
 * </QueryClientProvider>
 */
export function RunsClientProvider({ client, children }: RunsClientProviderProps) {
  return <RunsClientContext.Provider value={client}>{children}</RunsClientContext.Provider>
}

/** The client of the nearest `RunsClientProvider`; throws a how-to-fix error outside of one. */
export function useRunsClient(): RunsClient {
  const client = useContext(RunsClientContext)
  if (!client) {
    throw new Error(
      '`useRunsClient` must be used within `RunsClientProvider`: wrap your app in ' +
        '<RunsClientProvider client={createClient({ baseURL })}> ' +
        '(inside your QueryClientProvider).',
    )
  }
  return client
}
