'use client'
import { createClient } from '@oai-runs/client'
import { RunsClientProvider } from '@oai-runs/client/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { type ReactNode, useState } from 'react'

export function Providers({ children }: { children: ReactNode }) {
  // One QueryClient per request on the server, one per tab in the browser.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 10_000 } } }),
  )
  const [client] = useState(() => createClient({ baseURL: '/api/runs' }))
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>{children}</RunsClientProvider>
    </QueryClientProvider>
  )
}
