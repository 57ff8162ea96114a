// Test helpers of the React layer: the query layer's (the in-process server as the network, a counting fetch, a
// fresh QueryClient per test) plus providers and render helpers. Not exported from the package.
import type { QueryClient } from '@tanstack/react-query'
import { QueryClientProvider } from '@tanstack/react-query'
import { type RenderResult, render, renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import type { RunsClient } from '../query/runs-client.ts'
import { RunsClientProvider } from './RunsClientProvider.tsx'

export {
  BASE_URL,
  createTestBackend,
  createTestQueryClient,
  createThread,
  type RecordedRequest,
  type TestBackend,
  type TestBackendOptions,
  textOf,
} from '../query/test-utils.tsx'

function Providers({
  queryClient,
  client,
  children,
}: {
  queryClient: QueryClient
  client: RunsClient
  children?: ReactNode
}) {
  return (
    <QueryClientProvider client={queryClient}>
      <RunsClientProvider client={client}>{children}</RunsClientProvider>
    </QueryClientProvider>
  )
}

/** A wrapper that provides the QueryClient and the runs client. */
export function createWrapper(queryClient: QueryClient, client: RunsClient) {
  return ({ children }: { children?: ReactNode }) => (
    <Providers queryClient={queryClient} client={client}>
      {children}
    </Providers>
  )
}

/** Renders `ui` inside the providers. */
export function renderWithClient(queryClient: QueryClient, client: RunsClient, ui: ReactNode): RenderResult {
  return render(ui, { wrapper: createWrapper(queryClient, client) })
}

/** Renders a hook inside the providers. */
export function renderHookWithClient<Result, Props>(
  queryClient: QueryClient,
  client: RunsClient,
  hook: (props: Props) => Result,
  options: { initialProps?: Props } = {},
) {
  return renderHook(hook, { wrapper: createWrapper(queryClient, client), ...options })
}
