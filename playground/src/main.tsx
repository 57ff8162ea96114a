// The playground UI: one QueryClient, one Runs client pointed at the key-holding proxy (/api/runs), the app.
// @ts-expect-error TS2882: a side-effect CSS import, bundled by Vite (no `vite/client` types in the tsconfig)
import '@oai-runs/components/styles.css'
// @ts-expect-error TS2882: as above
import '@oai-runs/components/devtools.css'
// @ts-expect-error TS2882: as above
import './styles.css'
import { createClient } from '@oai-runs/client'
import { RunsClientProvider } from '@oai-runs/client/react'
import { RunsDevtools } from '@oai-runs/components/devtools'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { createActivityLog, MAX_RETRIES } from './activity'
import { applyTheme, storedTheme } from './theme'

const baseURL = '/api/runs'
const activity = createActivityLog({ baseURL })
// No key here: the proxy holds it. The activity log sees every attempt, so retries become visible.
const client = createClient({ baseURL, fetch: activity.fetch, maxRetries: MAX_RETRIES })
const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: false } },
})

applyTheme(storedTheme())

// No <StrictMode>: its simulated unmount disposes useRunStream's controller, and the remount's reload-resume is
// then skipped (the disposed session keeps the run id), so a reload mid-run would not resume in development.
createRoot(document.getElementById('root')!).render(
  <QueryClientProvider client={queryClient}>
    <RunsClientProvider client={client}>
      <App activity={activity} />
      <RunsDevtools position="bottom-left" />
    </RunsClientProvider>
  </QueryClientProvider>,
)
