// The playground's URL: `/` is a new chat, `/t/<thread id>` a thread, `?run=<run id>` a run picked in the
// inspector. Ids are checked by shape only; the proxy decides whether this session may see them.
import { useCallback, useEffect, useState } from 'react'

export type Route = { threadId: string | null; runId: string | null }

const idPattern = /^[A-Za-z0-9_-]{1,128}$/

function read(): Route {
  const match = /^\/t\/([^/]+)\/?$/.exec(window.location.pathname)
  const threadId = match && idPattern.test(match[1]!) ? match[1]! : null
  const run = new URLSearchParams(window.location.search).get('run')
  return { threadId, runId: threadId && run && idPattern.test(run) ? run : null }
}

export function hrefOf(route: Route): string {
  if (!route.threadId) {
    return '/'
  }
  return `/t/${route.threadId}${route.runId ? `?run=${route.runId}` : ''}`
}

export function useRoute(): [Route, (next: Route, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState(read)
  useEffect(() => {
    const onPop = () => setRoute(read())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])
  const navigate = useCallback((next: Route, options?: { replace?: boolean }) => {
    const href = hrefOf(next)
    if (href !== window.location.pathname + window.location.search) {
      if (options?.replace) {
        window.history.replaceState(null, '', href)
      } else {
        window.history.pushState(null, '', href)
      }
    }
    setRoute(next)
  }, [])
  return [route, navigate]
}
