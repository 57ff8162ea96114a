// The key-holding proxy as a route handler: the browser's client calls /api/runs/…, the key stays here.
import { createRunsProxy } from '@oai-runs/server/proxy'
import { runsBackend } from '../../../runs-backend'

const proxy = createRunsProxy({
  upstream: 'http://runs.internal/v1',
  apiKey: 'server-side-key',
  fetch: (request) => runsBackend().fetch(request),
  basePath: '/api/runs',
  assistantId: 'asst_demo',
  authorize: () => true, // check the user's session here
})

export const dynamic = 'force-dynamic'
export const GET = proxy.fetch
export const POST = proxy.fetch
