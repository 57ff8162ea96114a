// A server component: it answers a first run on the server, prefetches it with the same query factories the hooks
// use, and hands the cache to the browser, which shows it at once and streams the next runs live.
import { createClient } from '@oai-runs/client'
import { runQueries } from '@oai-runs/client/react'
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query'
import { Chat } from './chat'
import { runsBackend } from './runs-backend'

export const dynamic = 'force-dynamic'

export default async function Page() {
  const backend = runsBackend()
  // Keys are scoped like the browser's client ('/api/runs'), so the prefetched entries hydrate.
  const client = createClient({
    baseURL: 'http://runs.internal/v1',
    fetch: (input, init) => backend.fetch(new Request(input, init)),
    cacheScope: '/api/runs',
  })
  const run = await client.runs.createThreadAndRunPoll({
    assistant_id: 'asst_demo',
    thread: { messages: [{ role: 'user', content: 'Hello from the server' }] },
  })
  const ids = { threadId: run.thread_id, runId: run.id }
  const queryClient = new QueryClient()
  await Promise.all([
    queryClient.prefetchQuery(runQueries.run(client, ids)),
    queryClient.prefetchInfiniteQuery(runQueries.steps(client, ids)),
    queryClient.prefetchInfiniteQuery(
      runQueries.messages(client, { threadId: ids.threadId }, { order: 'asc' }),
    ),
  ])
  return (
    <main>
      <h1>oai-runs on Next.js</h1>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <Chat threadId={ids.threadId} firstRunId={ids.runId} />
      </HydrationBoundary>
    </main>
  )
}
